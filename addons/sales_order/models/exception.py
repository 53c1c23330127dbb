"""Things that went wrong on an order after approval: delays, quality, complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import UTCDateTime, _, info, many2one, model, utcnow
from kernel.env import Env
from kernel.errors import ValidationError

EXCEPTION_KINDS = [
    ("delay", _("Delay")),
    ("quality", _("Quality problem")),
    ("complaint", _("Customer complaint")),
    ("other", _("Other")),
]
EXCEPTION_STATUS = [
    ("open", _("Open")),
    ("in_progress", _("Being handled")),
    ("resolved", _("Resolved")),
]


@model("sale.order.exception", _("Order exception"), rec_name="description", order="-id")
class SaleOrderException:
    """Handled by a responsible group, which sees its open ones on the dashboard."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("sale_order.id", ondelete="CASCADE"), index=True, info=info(_("Order"))
    )
    kind: Mapped[str] = mapped_column(
        String(16), default="other", info=info(_("Type"), selection=EXCEPTION_KINDS)
    )
    description: Mapped[str] = mapped_column(Text, info=info(_("Description")))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_group.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
        info=info(_("Responsible group")),
    )
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, info=info(_("Due date")))
    status: Mapped[str] = mapped_column(
        String(16),
        default="open",
        index=True,
        info=info(_("Status"), selection=EXCEPTION_STATUS),
    )
    resolution: Mapped[str] = mapped_column(Text, default="", info=info(_("Resolution")))
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Reported by"), readonly=True)
    )
    reported_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Reported on"), readonly=True)
    )

    @declared_attr
    def order(cls) -> Mapped[Any]:
        return many2one(cls, "SaleOrder", "order_id", back_populates="exceptions")

    @declared_attr
    def group(cls) -> Mapped[Any]:
        return many2one(cls, "Group", "group_id")

    def __defaults__(self) -> None:
        """Whoever records an exception (on its screen or the order's) is its reporter."""
        if self.reported_by_id is None:
            env = Env.of(self)
            self.reported_by_id = getattr(env, "uid", None)

    def __validate__(self) -> None:
        """The same rules on the generic screens and the API as in ``services.exceptions``."""
        if not (self.description or "").strip():
            raise ValidationError(_("Description: say what went wrong"), field="description")
        if self.kind not in {key for key, _label in EXCEPTION_KINDS}:
            raise ValidationError(
                _("Type: %(kind)s is not a known exception type", kind=self.kind), field="kind"
            )
        if self.status == "resolved" and not (self.resolution or "").strip():
            raise ValidationError(
                _("Resolution: say how the problem was solved"), field="resolution"
            )
