"""``delivery.track.usage``: requests of the public tracking page per client address."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model


@model("delivery.track.usage", _("Tracking page usage"), rec_name="key_id")
class TrackUsage:
    """One row per client address, moved forward by one upsert per page view.

    Counted in the database, like the API keys' limit (:mod:`kernel.web.ratelimit`,
    whose ``record`` this shape fits), so every worker shares the count. ``key_id``
    is the client's address: the page has no user to count instead.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Client address")))
    minute: Mapped[int] = mapped_column(Integer, default=0, index=True, info=info(_("Minute")))
    count: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Views this minute")))
    previous: Mapped[int] = mapped_column(
        Integer, default=0, info=info(_("Views the minute before"))
    )
