"""Operations: the steps of a bill (routing) and the work orders of a production order.

A bill's operation says where (work centre) and how long: setup minutes once per
order, run minutes for the bill's quantity. Confirming a production order copies
them into its own operations with their planned minutes
(setup + run × quantity ÷ bill quantity ÷ efficiency); each one is started and
finished (pending → in progress → done) by a worker, who clocks its actual time.
Its planned days are kept as load slices per work centre and day, which the
planning screen sums in SQL and the scheduler rewrites.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, Money, UTCDateTime, _, info, many2one, model
from kernel.errors import ValidationError

OPERATION_STATES = [
    ("pending", _("Pending")),
    ("in_progress", _("In progress")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]
OPEN_OPERATION_STATES = ("pending", "in_progress")


@model("mrp.bom.operation", _("Bill operation"), order="bom_id,sequence,id")
class BomOperation:
    id: Mapped[int] = mapped_column(primary_key=True)
    bom_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_bom.id", ondelete="CASCADE"), index=True, info=info(_("Bill of materials"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    name: Mapped[str] = mapped_column(String(64), info=info(_("Operation")))
    workcenter_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_workcenter.id"), index=True, info=info(_("Work centre"))
    )
    setup_minutes: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Setup minutes"), _("once per order"))
    )
    run_minutes: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(0),
        info=info(_("Run minutes"), _("for the bill's quantity")),
    )

    @declared_attr
    def bom(cls) -> Mapped[Any]:
        return many2one(cls, "Bom", "bom_id", back_populates="operations")

    @declared_attr
    def workcenter(cls) -> Mapped[Any]:
        return many2one(cls, "Workcenter", "workcenter_id")

    def __validate__(self) -> None:
        for field in ("setup_minutes", "run_minutes"):
            if getattr(self, field) is not None and getattr(self, field) < 0:
                raise ValidationError(_("Minutes: must not be negative"), field=field)


@model("mrp.production.operation", _("Work order"), order="production_id,sequence,id")
class ProductionOperation:
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_production.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Production order"), readonly=True),
    )
    sequence: Mapped[int] = mapped_column(
        Integer, default=10, info=info(_("Sequence"), readonly=True)
    )
    name: Mapped[str] = mapped_column(String(64), info=info(_("Operation"), readonly=True))
    workcenter_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_workcenter.id"), index=True, info=info(_("Work centre"), readonly=True)
    )
    bom_operation_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_bom_operation.id", ondelete="SET NULL"),
        nullable=True,
        info=info(_("Bill operation"), readonly=True),
    )
    planned_minutes: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(0),
        info=info(_("Planned minutes"), _("setup + run × quantity ÷ efficiency"), readonly=True),
    )
    planned_start: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, index=True, info=info(_("Planned start"), readonly=True)
    )
    planned_finish: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Planned finish"), readonly=True)
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="pending",
        index=True,
        info=info(_("Status"), selection=OPERATION_STATES, readonly=True),
    )
    date_start: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Started at"), readonly=True)
    )
    date_finish: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Finished at"), readonly=True)
    )
    actual_minutes: Mapped[Decimal | None] = mapped_column(
        Exact(2),
        nullable=True,
        info=info(
            _("Actual minutes"),
            _("clocked from start to finish unless entered before finishing"),
        ),
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Worker"))
    )
    cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(
            _("Labour and overhead"),
            _("hours (actual when clocked, else planned) × the work centre's rates"),
            readonly=True,
        ),
    )

    @declared_attr
    def production(cls) -> Mapped[Any]:
        return many2one(cls, "Production", "production_id", back_populates="operations")

    @declared_attr
    def workcenter(cls) -> Mapped[Any]:
        return many2one(cls, "Workcenter", "workcenter_id")

    def display_name(self, env: Any = None) -> str:
        production = self.production.name if self.production is not None else ""
        return f"{production} {self.sequence // 10}. {self.name}".strip()

    def __validate__(self) -> None:
        if self.actual_minutes is not None and self.actual_minutes < 0:
            raise ValidationError(_("Minutes: must not be negative"), field="actual_minutes")


@model("mrp.operation.load", _("Work centre load"), order="workcenter_id,day,id")
class OperationLoad:
    """Planned hours of one operation at its work centre on one day (the schedule)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_production_operation.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Work order"), readonly=True),
    )
    workcenter_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_workcenter.id"), index=True, info=info(_("Work centre"), readonly=True)
    )
    day: Mapped[dt.date] = mapped_column(Date, index=True, info=info(_("Day"), readonly=True))
    hours: Mapped[Decimal] = mapped_column(
        Exact(4), default=Decimal(0), info=info(_("Hours"), readonly=True)
    )
