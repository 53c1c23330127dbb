"""Production orders: make a quantity of a product from its bill of materials.

Confirming explodes the bill into component lines, each served by a stock move
from the warehouse's stock to the virtual production location (reserved like a
delivery, first come first served), plus one move bringing the finished
product back into stock. Finishing does those moves: the components leave stock
and the product arrives, valued at what the components cost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, Money, Quantity, UTCDateTime, _, info, many2one, model, one2many, utcnow
from kernel.i18n import LazyString

PRODUCTION_STATES = [
    ("draft", _("Draft")),
    ("confirmed", _("Confirmed")),
    ("in_progress", _("In progress")),
    ("quality", _("Quality check")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]
COMPONENT_STATUS = [
    ("none", _("Not reserved")),
    ("waiting", _("Waiting for components")),
    ("partial", _("Partly available")),
    ("available", _("Components available")),
]
LOCKED_STATES = ("confirmed", "in_progress", "quality", "done", "cancelled")
LOCKED_FIELDS = {"product_id", "bom_id", "quantity", "uom_id", "warehouse_id", "company_id"}


@model("mrp.production", _("Production order"), order="-id")
class Production:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(32), index=True, info=info(_("Number"), readonly=True, sequence="mrp.production")
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    bom_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_bom.id"),
        nullable=True,
        index=True,
        info=info(_("Bill of materials"), _("the product's first active bill when empty")),
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"), info=info(_("Unit"), computed=True)
    )
    product_qty: Mapped[Decimal] = mapped_column(
        Quantity(), info=info(_("Quantity in product unit"), readonly=True, computed=True)
    )
    qty_produced: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Produced"), readonly=True)
    )
    backorder_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_production.id"),
        nullable=True,
        index=True,
        info=info(
            _("Backorder of"), _("the order produced in part before this one"), readonly=True
        ),
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), nullable=True, index=True, info=info(_("Warehouse"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, index=True, info=info(_("Company"))
    )
    date_planned: Mapped[dt.date] = mapped_column(
        Date, default=dt.date.today, index=True, info=info(_("Planned date"))
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=PRODUCTION_STATES, readonly=True),
    )
    component_status: Mapped[str] = mapped_column(
        String(16),
        default="none",
        info=info(_("Components"), selection=COMPONENT_STATUS, readonly=True),
    )
    origin: Mapped[str] = mapped_column(String(128), default="", info=info(_("Source")))
    origin_model: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Source document type"), readonly=True)
    )
    origin_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True, info=info(_("Source document"), readonly=True)
    )
    finished_move_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_move.id"),
        nullable=True,
        info=info(_("Finished goods move"), readonly=True),
    )
    material_cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Material cost"), _("what the consumed components cost"), readonly=True),
    )
    unit_cost: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Cost per unit"), readonly=True)
    )
    scrap_cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Scrap cost"), _("what the goods scrapped on this order cost"), readonly=True),
    )
    # work centres (models/operation.py, services/costing.py)
    conversion_cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(
            _("Labour and overhead"),
            _("the operations' hours × their work centres' rates"),
            readonly=True,
        ),
    )
    total_cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Total cost"), _("material + labour and overhead + scrap"), readonly=True),
    )
    duration_minutes: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(0),
        info=info(_("Actual minutes"), _("the operations' clocked time"), readonly=True),
    )
    date_start: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Started at"), readonly=True)
    )
    date_done: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Finished at"), readonly=True)
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Responsible"))
    )
    cancel_reason: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Cancellation reason"), readonly=True)
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Created"), readonly=True)
    )

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def bom(cls) -> Mapped[Any]:
        return many2one(cls, "Bom", "bom_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")

    @declared_attr
    def components(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "ProductionComponent",
            "production_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="production",
        )

    @declared_attr
    def operations(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "ProductionOperation",
            "production_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="production",
        )

    def __on_create__(self, env: Any) -> None:
        """An order entered on a form or over the API: unit, bill, warehouse as the service does."""
        from addons.mrp.services.production import fill_production

        fill_production(env, self)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        if changed & {"product_id", "quantity", "uom_id", "bom_id"} and self.state == "draft":
            from addons.mrp.services.production import fill_production

            fill_production(env, self)

    def __immutable__(self, changed: set[str]) -> LazyString | None:
        """Once confirmed, what is made and from what is fixed: the stock moves rely on it."""
        from sqlalchemy import inspect

        committed = inspect(self).committed_state.get("state", self.state)
        if committed in LOCKED_STATES and ("__delete__" in changed or changed & LOCKED_FIELDS):
            return _(
                "production order %(name)s is no longer a draft: its product, bill and quantity "
                "can no longer change",
                name=self.name,
            )
        return None


@model("mrp.production.component", _("Production component"), order="production_id,sequence,id")
class ProductionComponent:
    """One component a production order consumes, in the component's own unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_production.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Production order")),
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Component"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("To consume")))
    uom_id: Mapped[int] = mapped_column(ForeignKey("uom_uom.id"), info=info(_("Unit")))
    reserved_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Reserved"), readonly=True)
    )
    consumed_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Consumed"), readonly=True)
    )
    scrapped_qty: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(0),
        info=info(_("Scrapped"), _("spoilt during production, beyond the bill"), readonly=True),
    )
    price_unit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Unit cost"), readonly=True)
    )
    move_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_move.id"), nullable=True, index=True, info=info(_("Stock move"))
    )

    @declared_attr
    def production(cls) -> Mapped[Any]:
        return many2one(cls, "Production", "production_id", back_populates="components")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")
