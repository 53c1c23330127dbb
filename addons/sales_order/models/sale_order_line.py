"""An order line: product, quantity in a unit, price, discount, tax and amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.sales_order.models.selections import PRICE_SOURCES
from kernel import Exact, Money, Quantity, _, info, many2one, model


@model("sale.order.line", _("Sales Order Line"), rec_name="name", order="order_id,sequence,id")
class SaleOrderLine:
    """Amounts are rounded per line in the order currency and summed into the order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("sale_order.id", ondelete="CASCADE"), index=True, info=info(_("Order"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    name: Mapped[str] = mapped_column(Text, default="", info=info(_("Specification")))
    quantity: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(1), info=info(_("Quantity"))
    )
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"),
        nullable=True,
        info=info(_("Unit"), _("the product's unit when empty")),
    )
    price_unit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Unit price"))
    )
    discount: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Discount (%)"))
    )
    tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, info=info(_("Tax"))
    )
    price_subtotal: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Subtotal"), readonly=True)
    )
    price_tax: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Tax amount"), readonly=True)
    )
    price_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Line total"), readonly=True)
    )
    cost_price: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Unit cost"), _("product cost per unit of this line"), readonly=True),
    )
    price_source: Mapped[str] = mapped_column(
        String(16),
        default="manual",
        info=info(_("Price source"), selection=PRICE_SOURCES, readonly=True),
    )
    pricing_note: Mapped[str] = mapped_column(
        String(255),
        default="",
        info=info(
            _("Price details"),
            _("what the app that imposed a contract or promotion price said about it"),
            readonly=True,
        ),
    )
    pricing_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("sale_pricelist_rule.id", ondelete="SET NULL"),
        nullable=True,
        info=info(_("Price rule"), readonly=True),
    )
    below_cost_reason: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Reason for selling below cost"))
    )

    @declared_attr
    def order(cls) -> Mapped[Any]:
        return many2one(cls, "SaleOrder", "order_id", back_populates="lines")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def tax(cls) -> Mapped[Any]:
        return many2one(cls, "Tax", "tax_id")

    @declared_attr
    def pricing_rule(cls) -> Mapped[Any]:
        return many2one(cls, "PricelistRule", "pricing_rule_id")

    @classmethod
    def __on_flush__(cls, env: Any, changes: Any) -> None:
        """New lines get unit, tax, cost and price; orders whose amounts changed, their totals."""
        from addons.sales_order.services.completion import lines_flushed

        lines_flushed(env, changes)

    def __immutable__(self, changed: set[str]) -> Any:
        """Lines of a submitted order keep what was agreed (other addons' columns stay writable)."""
        order = self.order
        if order is None or order.state == "draft":
            return None
        if "__delete__" in changed:
            frozen = set() if order.state == "cancelled" else {"__delete__"}
        else:
            frozen = changed & FROZEN_LINE_FIELDS
        if not frozen:
            return None
        return _("%(name)s is no longer a draft: its lines cannot be changed", name=order.name)

    @property
    def price_net(self) -> Decimal:
        """Unit price after discount (not rounded)."""
        return self.price_unit * (Decimal(100) - (self.discount or Decimal(0))) / Decimal(100)


FROZEN_LINE_FIELDS = frozenset(
    {
        "order_id",
        "product_id",
        "quantity",
        "uom_id",
        "price_unit",
        "discount",
        "tax_id",
        "price_subtotal",
        "price_tax",
        "price_total",
    }
)
