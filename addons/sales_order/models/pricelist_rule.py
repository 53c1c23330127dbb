"""A pricing rule: who, what, how many, when — and how the price is obtained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, Money, Quantity, _, info, many2one, model

RULE_KINDS = [
    ("fixed", _("Fixed price")),
    ("discount", _("Discount on list price")),
    ("cost_plus", _("Cost plus margin")),
]


@model("sale.pricelist.rule", _("Price rule"), rec_name="name", order="-priority,id", cached=True)
class PricelistRule:
    """Conditions left empty match everything; the highest ``priority`` wins.

    The formula kind is data, never code: ``cost × (1 + margin %) + surcharge``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    pricelist_id: Mapped[int] = mapped_column(
        ForeignKey("sale_pricelist.id", ondelete="CASCADE"), index=True, info=info(_("Price list"))
    )
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Description")))
    priority: Mapped[int] = mapped_column(
        Integer,
        default=10,
        info=info(_("Priority"), _("the matching rule with the highest priority applies")),
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
        info=info(_("Customer")),
    )
    customer_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner_group.id", ondelete="CASCADE"),
        nullable=True,
        info=info(_("Customer group")),
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_product.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
        info=info(_("Product")),
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_category.id", ondelete="CASCADE"),
        nullable=True,
        info=info(_("Product category")),
    )
    min_quantity: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Minimum quantity"))
    )
    date_start: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Valid from"))
    )
    date_end: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Valid until"))
    )
    kind: Mapped[str] = mapped_column(
        String(16), default="fixed", info=info(_("Price computation"), selection=RULE_KINDS)
    )
    fixed_price: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Fixed price"))
    )
    discount: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Discount (%)"))
    )
    margin: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Margin on cost (%)"))
    )
    surcharge: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Surcharge"))
    )

    @declared_attr
    def pricelist(cls) -> Mapped[Any]:
        return many2one(cls, "Pricelist", "pricelist_id", back_populates="rules")
