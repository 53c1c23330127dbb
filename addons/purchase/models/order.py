"""Purchase orders and their lines.

The main state follows the document (draft → sent → confirmed → received → done);
billing and payment show as milestones contributed by an accounting addon, so the
purchase flow stays complete where accounting is not installed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Money, Quantity, UTCDateTime, _, info, many2one, model, one2many, utcnow
from kernel.i18n import LazyString

ORDER_STATES = [
    ("draft", _("Draft")),
    ("sent", _("RFQ sent")),
    ("to_approve", _("To approve")),
    ("confirmed", _("Confirmed")),
    ("received", _("Received")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]
RECEIPT_STATUS = [
    ("none", _("Nothing received")),
    ("partial", _("Partially received")),
    ("full", _("Fully received")),
]
LOCKED_STATES = ("confirmed", "received", "done", "cancelled")
PRICE_FIELDS = {"partner_id", "currency_id", "amount_untaxed", "amount_tax", "amount_total"}


@model("purchase.order", _("Purchase order"), order="-date_order,-id")
class PurchaseOrder:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(32), index=True, info=info(_("Number"), readonly=True, sequence="purchase.order")
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("res_partner.id"), index=True, info=info(_("Supplier"))
    )
    partner_ref: Mapped[str] = mapped_column(
        String(64), default="", info=info(_("Supplier reference"))
    )
    date_order: Mapped[dt.date] = mapped_column(
        Date, default=dt.date.today, index=True, info=info(_("Order date"))
    )
    expected_date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Expected receipt"))
    )
    currency_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_currency.id"), nullable=True, info=info(_("Currency"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, info=info(_("Company"))
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), nullable=True, info=info(_("Deliver to"))
    )
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Buyer"))
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=ORDER_STATES, readonly=True),
    )
    receipt_status: Mapped[str] = mapped_column(
        String(16), default="none", info=info(_("Receipt"), selection=RECEIPT_STATUS, readonly=True)
    )
    amount_untaxed: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Untaxed amount"), readonly=True, widget="monetary"),
    )
    amount_tax: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Tax"), readonly=True, widget="monetary")
    )
    amount_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Total"), readonly=True, widget="monetary")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Approved by"), readonly=True)
    )
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Confirmed at"), readonly=True)
    )
    cancel_reason: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Cancellation reason"), readonly=True)
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Created"), readonly=True)
    )

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def currency(cls) -> Mapped[Any]:
        return many2one(cls, "Currency", "currency_id")

    @declared_attr
    def company(cls) -> Mapped[Any]:
        return many2one(cls, "Company", "company_id")

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")

    @declared_attr
    def lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "PurchaseOrderLine",
            "order_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="order",
        )

    def __on_create__(self, env: Any) -> None:
        """An order entered on a form or through the API: defaults and totals, as the service does."""
        from addons.purchase.services.orders import company_currency, fill_line, recompute

        if self.currency_id is None:
            self.currency_id = company_currency(env)
        if self.buyer_id is None:
            self.buyer_id = env.uid
        if self.lines:
            for line in self.lines:
                fill_line(env, self, line)
            recompute(env, self)

    def __immutable__(self, changed: set[str]) -> LazyString | None:
        """Confirmed orders keep their supplier, prices and totals: the receipt and bills rely on them."""
        from sqlalchemy import inspect

        committed = inspect(self).committed_state.get("state", self.state)
        if committed in LOCKED_STATES and ("__delete__" in changed or changed & PRICE_FIELDS):
            return _(
                "purchase order %(name)s is %(state)s: its supplier and amounts can no longer change",
                name=self.name,
                state=committed,
            )
        return None


@model(
    "purchase.order.line",
    _("Purchase order line"),
    rec_name="description",
    order="order_id,sequence,id",
)
class PurchaseOrderLine:
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True, info=info(_("Order"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    description: Mapped[str] = mapped_column(String(255), default="", info=info(_("Description")))
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"), info=info(_("Unit"), computed=True)
    )
    price_unit: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(
            _("Unit price"), _("Empty: the supplier's price, else the cost"), widget="monetary"
        ),
    )
    tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, info=info(_("Tax"))
    )
    price_subtotal: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Subtotal"), readonly=True, widget="monetary")
    )
    price_tax: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Tax amount"), readonly=True, widget="monetary")
    )
    price_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Line total"), readonly=True, widget="monetary")
    )
    qty_received: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Received"), readonly=True)
    )
    qty_billed: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Billed"), readonly=True)
    )
    expected_date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Expected receipt"))
    )

    @declared_attr
    def order(cls) -> Mapped[Any]:
        return many2one(cls, "PurchaseOrder", "order_id", back_populates="lines")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def tax(cls) -> Mapped[Any]:
        return many2one(cls, "Tax", "tax_id")

    def _parent(self, env: Any) -> Any:
        if self.order is None and self.order_id is not None:
            return env.session.get(env["purchase.order"], self.order_id)
        return self.order

    def __on_create__(self, env: Any) -> None:
        """A line added to an existing order: its defaults, then the order's totals."""
        from addons.purchase.services.orders import fill_line, recompute

        order = self._parent(env)
        if order is None or order.id is None:
            return  # a new order's own hook fills its lines
        fill_line(env, order, self)
        recompute(env, order)

    @classmethod
    def __on_flush__(cls, env: Any, changes: Any) -> None:
        """Deleted lines (API DELETE, or dropped from the order's lines): the totals follow,
        once per order."""
        from addons.purchase.services.orders import recompute

        orders = {id(o): o for o in (line._parent(env) for line in changes.deleted) if o}
        for order in orders.values():
            if order not in env.session.deleted:
                recompute(env, order)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        """Quantity, price or tax changed: the order's totals follow."""
        if changed & {"quantity", "price_unit", "tax_id"}:
            from addons.purchase.services.orders import recompute

            order = self._parent(env)
            if order is not None:
                recompute(env, order)

    @property
    def qty_to_receive(self) -> Decimal:
        return max(self.quantity - self.qty_received, Decimal(0))

    @property
    def qty_to_bill(self) -> Decimal:
        """Three-way match: bill what was received and not billed yet."""
        return max(self.qty_received - self.qty_billed, Decimal(0))
