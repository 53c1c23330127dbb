"""``stock.picking``: a transfer — a receipt, a delivery or an internal move of several goods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.stock.models.selections import PICKING_STATES, PICKING_TYPES, PRIORITIES
from kernel import UTCDateTime, _, info, many2one, model, one2many, utcnow
from kernel.env import Env
from kernel.i18n import LazyString


@model("stock.picking", _("Transfer"), rec_name="name", order="-scheduled_date,-id")
class StockPicking:
    """Groups the moves handled together; its state follows theirs.

    ``waiting``: some goods are not reserved yet; ``ready``: everything can be
    processed; validating with less than planned creates a backorder holding the
    rest (``backorder_of_id`` points at the original).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Number"), readonly=True)
    )
    picking_type: Mapped[str] = mapped_column(
        String(16), default="internal", info=info(_("Operation type"), selection=PICKING_TYPES)
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=PICKING_STATES, readonly=True),
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"), index=True, nullable=True, info=info(_("Partner"))
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), index=True, nullable=True, info=info(_("Warehouse"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), index=True, nullable=True, info=info(_("Company"))
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
    origin: Mapped[str] = mapped_column(String(128), default="", info=info(_("Source document")))
    origin_model: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Source document type"), readonly=True)
    )
    origin_id: Mapped[int | None] = mapped_column(
        Integer, index=True, nullable=True, info=info(_("Source document ID"), readonly=True)
    )
    backorder_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_picking.id"),
        index=True,
        nullable=True,
        info=info(_("Backorder of"), readonly=True),
    )
    priority: Mapped[str] = mapped_column(
        String(1), default="0", info=info(_("Priority"), selection=PRIORITIES)
    )
    scheduled_date: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True, info=info(_("Scheduled date"))
    )
    date_done: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Done on"), readonly=True)
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))

    @declared_attr
    def moves(cls) -> Mapped[list[Any]]:
        return one2many(
            cls, "StockMove", "picking_id", back_populates="picking", order_by="id", cascade="all"
        )

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        # joined: validating a delivery reads its customer (the shipping notice), which
        # cost a statement of its own
        return many2one(cls, "Partner", "partner_id", lazy="joined")

    @declared_attr
    def location(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_id")

    @declared_attr
    def location_dest(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_dest_id")

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")

    @declared_attr
    def backorder_of(cls) -> Mapped[Any]:
        return many2one(cls, "StockPicking", "backorder_of_id")

    def __defaults__(self) -> None:
        """A transfer entered on a form: its number and, from its type, the usual locations."""
        env = Env.of(self)
        if env is None:
            return
        from addons.stock.services.locations import (
            default_warehouse,
            virtual_location,
            warehouse_location,
        )
        from addons.stock.services.pickings import SEQUENCE_CODES

        kind = self.picking_type or "internal"
        if self.warehouse_id is None:
            self.warehouse_id = default_warehouse(env, self.company_id).id
        stock = warehouse_location(env, self.warehouse_id, "stock").id
        if self.location_id is None:
            self.location_id = virtual_location(env, "supplier").id if kind == "incoming" else stock
        if self.location_dest_id is None:
            self.location_dest_id = (
                virtual_location(env, "customer").id if kind == "outgoing" else stock
            )
        if not self.name:
            self.name = env.next_number(SEQUENCE_CODES[kind], self.company_id)

    def __immutable__(self, changed: set[str]) -> str | LazyString | None:
        if "__delete__" in changed:
            if self.state not in ("draft", "cancelled"):
                return _(
                    "only draft or cancelled transfers can be deleted (%(name)s)", name=self.name
                )
            return None
        if self.state in ("done", "cancelled") and changed - {
            "state",
            "date_done",
            "note",
            "moves",
        }:
            return _("transfer %(name)s is closed and cannot be changed", name=self.name)
        return None
