"""Rules under which the system approves routine orders at submission."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Money, _, info, model


@model("sale.autoapprove.rule", _("Auto-approval rule"), rec_name="name", order="id", cached=True)
class AutoApproveRule:
    """An order is approved automatically when one active rule accepts it.

    ``max_total`` and ``max_receivable`` of zero mean "no limit"; the receivable
    is the customer's open balance answered by accounting.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    max_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Maximum order total"), _("0 means no limit"))
    )
    max_receivable: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Maximum customer open balance"), _("0 means no limit")),
    )
    require_clean_checks: Mapped[bool] = mapped_column(
        Boolean,
        default=True,
        info=info(_("Only without review findings"), _("no check asked for a review")),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))
