"""``res.partner.group``: customer groups (distributors, retail, key accounts) for pricing and reports."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model


@model("res.partner.group", _("Customer group"), rec_name="name", order="name")
class CustomerGroup:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Name")))
    code: Mapped[str] = mapped_column(String(32), default="", info=info(_("Code")))
