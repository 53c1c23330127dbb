"""Quality inspection: inspection points on a bill, inspections on its production orders.

A bill with inspection points sends its production orders through a *quality
check* state between production and done: the quantity being made is inspected
(passed + failed = the quantity), and the failed units are either scrapped or
sent to a rework order (see :mod:`addons.mrp.services.quality`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import (
    Money,
    Quantity,
    UTCDateTime,
    _,
    extend,
    info,
    many2one,
    model,
    one2many,
    utcnow,
)

CHECK_RESULTS = [
    ("pass", _("Passed")),
    ("fail", _("Failed")),
    ("partial", _("Partly failed")),
]
FAILED_ACTIONS = [
    ("none", _("Nothing failed")),
    ("scrap", _("Scrap")),
    ("rework", _("Rework")),
]


@model("mrp.quality.point", _("Inspection point"), order="bom_id,sequence,id")
class QualityPoint:
    """What to inspect on the goods a bill makes, before they are finished."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bom_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_bom.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Bill of materials")),
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    name: Mapped[str] = mapped_column(String(128), info=info(_("Inspection")))
    instructions: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Instructions"), _("what to look at and how"))
    )
    operation_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_bom_operation.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
        info=info(_("Operation"), _("the operation after which it is inspected")),
    )

    @declared_attr
    def bom(cls) -> Mapped[Any]:
        return many2one(cls, "Bom", "bom_id", back_populates="quality_points")

    @declared_attr
    def operation(cls) -> Mapped[Any]:
        return many2one(cls, "BomOperation", "operation_id")

    def __validate__(self) -> None:
        from kernel.errors import ValidationError

        if not (self.name or "").strip():
            raise ValidationError(_("Inspection: name what is inspected"), field="name")
        if self.operation_id is None:
            return
        from sqlalchemy.orm import object_session

        session = object_session(self)
        operation = (
            session.get(type(self).operation.property.mapper.class_, self.operation_id)
            if session
            else None
        )
        bom_id = self.bom.id if self.bom is not None else self.bom_id
        if operation is not None and bom_id is not None and operation.bom_id != bom_id:
            raise ValidationError(
                _(
                    "Operation: %(operation)s is not an operation of this bill",
                    operation=operation.name,
                ),
                field="operation_id",
            )


@extend("mrp.bom")
class BomQuality:
    @declared_attr
    def quality_points(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "QualityPoint",
            "bom_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="bom",
        )


@model("mrp.quality.check", _("Inspection"), order="production_id,id")
class QualityCheck:
    """One inspection of some of a production order's units: how many passed, how many failed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_production.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Production order"), readonly=True),
    )
    point_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_quality_point.id", ondelete="SET NULL"),
        nullable=True,
        info=info(_("Inspection point"), _("the point that failed, if one did"), readonly=True),
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Inspected"), readonly=True))
    qty_passed: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Passed"), readonly=True)
    )
    qty_failed: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Failed"), readonly=True)
    )
    failed_action: Mapped[str] = mapped_column(
        String(16),
        default="none",
        info=info(_("Failed units"), selection=FAILED_ACTIONS, readonly=True),
    )
    result: Mapped[str] = mapped_column(
        String(16),
        default="pass",
        index=True,
        info=info(_("Result"), selection=CHECK_RESULTS, readonly=True),
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes"), readonly=True))
    inspector_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Inspector"), readonly=True)
    )
    date: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Inspected at"), readonly=True)
    )
    rework_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_production.id"),
        nullable=True,
        info=info(_("Rework order"), readonly=True),
    )

    @declared_attr
    def production(cls) -> Mapped[Any]:
        return many2one(cls, "Production", "production_id", back_populates="quality_checks")

    @declared_attr
    def point(cls) -> Mapped[Any]:
        return many2one(cls, "QualityPoint", "point_id")

    @declared_attr
    def inspector(cls) -> Mapped[Any]:
        return many2one(cls, "User", "inspector_id")


@extend("mrp.production")
class ProductionQuality:
    """What a production order knows of its inspections, its rework and its finished lots."""

    rework_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_production.id"),
        nullable=True,
        index=True,
        info=info(
            _("Rework of"), _("the order whose failed units this one reworks"), readonly=True
        ),
    )
    qty_failed: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(0),
        info=info(_("Failed inspection"), readonly=True),
    )
    qty_rework: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(0),
        info=info(
            _("Sent to rework"),
            _("failed units kept in production for a rework order (product unit)"),
            readonly=True,
        ),
    )
    rework_cost: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(
            _("Carried cost"),
            _("what the reworked units cost on the order they failed on"),
            readonly=True,
        ),
    )
    finished_lots: Mapped[str] = mapped_column(
        Text,
        default="",
        info=info(
            _("Finished lots"),
            _("lot or serial numbers for the goods made; generated when empty"),
            readonly=True,
        ),
    )

    @declared_attr
    def quality_checks(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "QualityCheck",
            "production_id",
            order_by="id",
            back_populates="production",
        )
