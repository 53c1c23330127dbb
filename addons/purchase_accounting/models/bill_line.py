"""``purchase.bill.line``: what a vendor bill charges for one purchase order line.

The accounting entry of a bill holds amounts per account, not quantities; this
row is the third leg of the three-way match (ordered on the order line, received
by stock, billed here). The bill's journal items are computed from these rows, so
changing a quantity or price on a draft bill recomputes the bill, and posting the
bill adds its quantities to the order lines' ``qty_billed``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Money, Quantity, _, info, many2one, model
from kernel.errors import ValidationError

RECOMPUTE_ON = frozenset({"quantity", "price_unit", "tax_id"})


@model(
    "purchase.bill.line",
    _("Purchase bill line"),
    rec_name="description",
    order="move_id,order_line_id,id",
)
class PurchaseBillLine:
    id: Mapped[int] = mapped_column(primary_key=True)
    move_id: Mapped[int] = mapped_column(
        ForeignKey("account_move.id", ondelete="CASCADE"), index=True, info=info(_("Bill"))
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id"),
        index=True,
        info=info(_("Purchase order"), readonly=True, computed=True),
    )
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order_line.id"),
        index=True,
        info=info(_("Order line")),
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), info=info(_("Product"), readonly=True, computed=True)
    )
    description: Mapped[str] = mapped_column(String(255), default="", info=info(_("Description")))
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Billed quantity")))
    price_unit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Unit price"), widget="monetary")
    )
    tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, info=info(_("Tax"))
    )
    price_subtotal: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Subtotal"), readonly=True, widget="monetary"),
    )

    @declared_attr
    def move(cls) -> Mapped[Any]:
        return many2one(cls, "Move", "move_id", back_populates="purchase_lines")

    @declared_attr
    def order_line(cls) -> Mapped[Any]:
        return many2one(cls, "PurchaseOrderLine", "order_line_id")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    def _bill(self, env: Any) -> Any:
        if self.move is None and self.move_id:
            return env.session.get(env["account.move"], self.move_id)
        return self.move

    def __on_create__(self, env: Any) -> None:
        """A line added to a draft bill by hand: defaults from its order line, then recompute."""
        bill = self._bill(env)
        if self.order_line_id is not None and bill is not None:
            line = env.session.get(env["purchase.order.line"], self.order_line_id)
            if line is None or line.order_id != bill.origin_id:
                raise ValidationError(
                    _("Order line: choose a line of the bill's purchase order"),
                    field="order_line_id",
                )
            self.order_id = line.order_id
            self.product_id = self.product_id or line.product_id
            self.description = self.description or line.description
            if self.price_unit is None:
                self.price_unit = line.price_unit
            if self.tax_id is None:
                self.tax_id = line.tax_id
        self._recompute(env)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        """Quantity, price or tax edited on a draft bill: its journal items follow."""
        if "order_line_id" in changed:
            raise ValidationError(
                _("Order line: cannot be changed; remove the line and add another"),
                field="order_line_id",
            )
        if changed & RECOMPUTE_ON:
            self._recompute(env)

    def _recompute(self, env: Any) -> None:
        from addons.purchase_accounting.services.entries import sync_entry

        if self.quantity is not None and self.quantity < 0:
            raise ValidationError(
                _("%(product)s: the billed quantity cannot be negative", product=self.description),
                field="quantity",
            )
        bill = self._bill(env)
        if bill is not None and bill.state == "draft":
            sync_entry(env, bill)

    def __immutable__(self, changed: set[str]) -> Any:
        """Posted bills are final: their quantities are on the purchase order already."""
        from addons.accounting.models.immutability import committed

        bill = self.move
        if bill is not None and committed(bill, "state") == "posted":
            return _(
                "bill %(bill)s is posted: its purchase lines can no longer change",
                bill=bill.name,
            )
        return None
