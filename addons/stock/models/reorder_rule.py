"""``stock.reorder.rule``: keep a product between a minimum and a maximum in a warehouse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, UTCDateTime, _, info, many2one, model


@model("stock.reorder.rule", _("Reorder rule"), rec_name="name", order="warehouse_id,product_id")
class ReorderRule:
    """When the forecast (on hand − reserved + incoming − outgoing) falls under
    ``minimum``, :func:`addons.stock.services.reorder.run_reorder_rules` asks the
    ``stock_replenish`` hook (purchase, manufacturing) for ``maximum − forecast``
    rounded up to ``multiple``."""

    __table_args__ = (UniqueConstraint("product_id", "warehouse_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Name")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("stock_warehouse.id"), index=True, info=info(_("Warehouse"))
    )
    minimum: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Minimum quantity"))
    )
    maximum: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Maximum quantity"))
    )
    multiple: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(1), info=info(_("Order in multiples of"))
    )
    lead_days: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Lead time (days)")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))
    last_run_at: Mapped[Any] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Last triggered"), readonly=True)
    )
    last_request: Mapped[str] = mapped_column(
        String(128), default="", info=info(_("Last request"), readonly=True)
    )

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")
