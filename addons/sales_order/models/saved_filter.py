"""A user's saved search on the orders list (name + query string)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model


@model("sale.saved.filter", _("Saved filter"), rec_name="name", order="name")
class SavedFilter:
    """Private to its user; applying it replays the query string on the orders list."""

    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("res_user.id", ondelete="CASCADE"), index=True, info=info(_("User"))
    )
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    query: Mapped[str] = mapped_column(Text, default="", info=info(_("Query")))
