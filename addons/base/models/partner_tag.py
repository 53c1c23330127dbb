"""``res.partner.tag`` and its link table: free labels on partners (VIP, 华东, ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model


@model("res.partner.tag", _("Partner tag"), rec_name="name", order="name")
class PartnerTag:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Name")))


@model("res.partner.tag.rel", _("Partner tag link"))
class PartnerTagRel:
    __table_args__ = (UniqueConstraint("partner_id", "tag_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("res_partner.id", ondelete="CASCADE"), index=True, info=info(_("Partner"))
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("res_partner_tag.id", ondelete="CASCADE"), index=True, info=info(_("Tag"))
    )

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def tag(cls) -> Mapped[Any]:
        return many2one(cls, "PartnerTag", "tag_id")
