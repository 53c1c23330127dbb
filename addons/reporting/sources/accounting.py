"""Pivot declaration for journal entries and invoices (applied when accounting is installed)."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl
from kernel.i18n import _
from kernel.web.views import Measure, Pivot, ViewExtension

from .common import periods

MOVE_PIVOT = Pivot(
    title=_("Invoices and entries"),
    measures=[
        Measure("amount_untaxed"),
        Measure("amount_total"),
        Measure("amount_residual"),
        Measure("", "count", _("Number of entries")),
    ],
    dimensions=[
        "move_type",
        "state",
        "payment_state",
        "partner_id",
        "journal_id",
        *periods("date"),
        *periods("invoice_date_due"),
    ],
    currency="currency_id",
    rows=["date:month"],
    cols=["move_type"],
)


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    register(ViewExtension(model="account.move", pivot=MOVE_PIVOT))


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.finance_report import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.dashboards import register_menu

    register_menu(register, "finance")
    register("reporting.accounting", _("Accounting"), None, parent="reporting", sequence=40)
    register(
        "reporting.accounting.finance",
        _("Finance overview"),
        "/reporting/finance",
        parent="reporting.accounting",
        sequence=1,
        group="accounting.group_user",
    )
    register(
        "reporting.accounting.moves",
        _("Invoices and entries"),
        "/reporting/pivot/accounting/entries",
        parent="reporting.accounting",
        sequence=10,
        group="accounting.group_user",
    )


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.role_widgets import render_finance

    register(
        "reporting.finance",
        _("Finance key figures"),
        render_finance,
        group="accounting.group_user",
    )
