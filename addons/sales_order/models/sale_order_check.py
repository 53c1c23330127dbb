"""Results of the pre-approval checks, stored on the order at submission."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.sales_order.models.selections import SEVERITY
from kernel import _, info, many2one, model


@model("sale.order.check", _("Order check"), rec_name="code", order="order_id,id")
class SaleOrderCheck:
    """One :class:`~addons.sales_order.types.CheckResult` of one submission."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("sale_order.id", ondelete="CASCADE"), index=True, info=info(_("Order"))
    )
    code: Mapped[str] = mapped_column(String(64), info=info(_("Check")))
    severity: Mapped[str] = mapped_column(
        String(8), default="ok", info=info(_("Severity"), selection=SEVERITY)
    )
    message: Mapped[str] = mapped_column(Text, default="", info=info(_("Message")))

    @declared_attr
    def order(cls) -> Mapped[Any]:
        return many2one(cls, "SaleOrder", "order_id", back_populates="checks")
