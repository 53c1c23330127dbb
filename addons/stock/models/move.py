"""``stock.move``: goods going from one location to another (double entry)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.stock.models.selections import MOVE_STATES, PRIORITIES
from kernel import Money, Quantity, UTCDateTime, _, info, many2one, model, utcnow
from kernel.env import Env
from kernel.i18n import LazyString

OPEN_MOVE_STATES = ("waiting", "available")


@model("stock.move", _("Stock move"), rec_name="reference", order="-date,-id")
class StockMove:
    """One product leaving ``location_id`` for ``location_dest_id``.

    Every move has both sides, so the stock of any location is the sum of the done
    moves into it minus those out of it — which the quants keep as a running total.
    ``quantity`` is in ``uom_id`` (as ordered); ``product_qty`` is the same quantity
    in the product's own unit, the one quants, reservations and availability use.
    A done move is immutable: corrections are new moves.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(
        String(128), default="", index=True, info=info(_("Reference"), readonly=True)
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(ForeignKey("uom_uom.id"), info=info(_("Unit")))
    product_qty: Mapped[Decimal] = mapped_column(
        Quantity(), info=info(_("Quantity in product unit"), readonly=True, computed=True)
    )
    reserved_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Reserved"), readonly=True)
    )
    quantity_done: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(0),
        info=info(_("Quantity to process"), _("leave 0 to process the whole move")),
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("stock_location.id"),
        index=True,
        info=info(_("From"), computed=True),
    )
    location_dest_id: Mapped[int] = mapped_column(
        ForeignKey("stock_location.id"),
        index=True,
        info=info(_("To"), computed=True),
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_lot.id"), index=True, nullable=True, info=info(_("Lot"))
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=MOVE_STATES, readonly=True),
    )
    picking_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_picking.id", ondelete="CASCADE"),
        index=True,
        nullable=True,
        info=info(_("Transfer")),
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), index=True, nullable=True, info=info(_("Warehouse"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), index=True, nullable=True, info=info(_("Company"))
    )
    origin_model: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Source document type"), readonly=True)
    )
    origin_id: Mapped[int | None] = mapped_column(
        Integer, index=True, nullable=True, info=info(_("Source document"), readonly=True)
    )
    origin_line_id: Mapped[int | None] = mapped_column(
        Integer, index=True, nullable=True, info=info(_("Source line"), readonly=True)
    )
    priority: Mapped[str] = mapped_column(
        String(1), default="0", info=info(_("Priority"), selection=PRIORITIES)
    )
    date: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True, info=info(_("Date"))
    )
    date_deadline: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Requested date"))
    )
    date_done: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Done on"), readonly=True)
    )
    price_unit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Unit cost"), _("valuation per product unit"))
    )

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def location(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_id")

    @declared_attr
    def location_dest(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_dest_id")

    @declared_attr
    def lot(cls) -> Mapped[Any]:
        return many2one(cls, "Lot", "lot_id")

    @declared_attr
    def picking(cls) -> Mapped[Any]:
        return many2one(cls, "StockPicking", "picking_id", back_populates="moves")

    @property
    def missing_qty(self) -> Decimal:
        """What this open move still needs reserved."""
        return self.product_qty - self.reserved_qty

    def __defaults__(self) -> None:
        """A move entered as a transfer line: locations and reference from the transfer,
        unit from the product, and the quantity in the product's unit."""
        from sqlalchemy.orm import object_session

        session = object_session(self)
        if session is None:
            return
        picking = self.picking
        if picking is None and self.picking_id is not None:
            picking = session.get(type(self).picking.property.mapper.class_, self.picking_id)
        if picking is not None:
            for field in ("location_id", "location_dest_id", "warehouse_id", "company_id"):
                if getattr(self, field) is None:
                    setattr(self, field, getattr(picking, field))
            if not self.reference:
                self.reference = picking.name or ""
            if not self.origin_model:
                self.origin_model = picking.origin_model or ""
                self.origin_id = picking.origin_id
        env = Env.of(session)
        product = self.product
        if product is None and env is not None and self.product_id is not None:
            product = session.get(env["product.product"], self.product_id)
        if product is None:
            return
        if self.uom_id is None:
            self.uom_id = product.uom_id
        if self.product_qty is None and self.quantity is not None:
            from addons.base.services.uom import convert

            Uom = type(product).uom.property.mapper.class_
            self.product_qty = convert(
                env, self.quantity, session.get(Uom, self.uom_id), session.get(Uom, product.uom_id)
            )

    def __immutable__(self, changed: set[str]) -> str | LazyString | None:
        if "__delete__" in changed:
            if self.state not in ("draft", "cancelled"):
                return _("only draft or cancelled stock moves can be deleted")
            return None
        becoming_done = "state" in changed  # the move being done sets its final figures
        if self.state == "done" and not becoming_done and changed:
            return _("done stock move %(ref)s cannot be changed", ref=self.reference or self.id)
        return None
