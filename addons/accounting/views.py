"""Screens of the books (generic list/form views) and the "Accounting / 财务" menu."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_

from kernel.i18n import _
from kernel.web.views import Action, Filter, FormView, Lines, Link, ListView, Param, Section, View

USER = "accounting.group_user"
MANAGER = "accounting.group_manager"


def _type(*types: str) -> Any:
    return lambda env, Model: Model.move_type.in_(types)


def _unpaid(env: Any, Model: Any) -> Any:
    return Model.payment_state.in_(("not_paid", "partial"))


def _overdue(env: Any, Model: Any) -> Any:
    return and_(
        Model.payment_state.in_(("not_paid", "partial")),
        Model.invoice_date_due < dt.date.today(),
    )


def _register_payment(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    """Pay an invoice from its form: the open amount unless told, into the chosen journal."""
    from addons.accounting.services.payments import pay_invoice

    return [pay_invoice(env, move, **params) for move in records]


def _money_journals(env: Any, records: list[Any]) -> list[tuple[int, str]]:
    from sqlalchemy import select

    Journal = env["account.journal"]
    rows = env.session.scalars(
        select(Journal)
        .where(Journal.type.in_(("bank", "cash")), Journal.active.is_(True))
        .order_by(Journal.id)
    ).all()
    return [(j.id, f"{j.code} {j.name}") for j in rows]


INVOICE_TYPES = ("out_invoice", "in_invoice", "out_refund", "in_refund")


def _is_invoice(move: Any) -> bool:
    return move.move_type in INVOICE_TYPES


def _open_invoice(move: Any) -> bool:
    """A posted invoice or bill with money still open: the only ones one can pay."""
    return (
        move.state == "posted"
        and move.move_type in ("out_invoice", "in_invoice")
        and move.payment_state in ("not_paid", "partial")
    )


def _open_amount(env: Any, records: list[Any]) -> Any:
    return abs(records[0].amount_residual)


REGISTER_PAYMENT = Action(
    "register_payment",
    _("Register payment"),
    _register_payment,
    params=(
        Param("amount", _("Amount"), "money", required=False, default=_open_amount),
        Param("date", _("Date"), "date", required=False),
        Param(
            "journal_id",
            _("Journal"),
            "many2one",
            relation="account.journal",
            required=False,
            choices=_money_journals,
        ),
    ),
    group=USER,
    states=("posted",),
    help=_("Empty amount: what is still open on the invoice"),
    when=_open_invoice,
)

MOVE_VIEW = View(
    model="account.move",
    url="accounting/entries",
    title=_("Journal entries"),
    list=ListView(
        columns=[
            "name",
            "date",
            "journal_id",
            "move_type",
            "partner_id",
            "ref",
            "invoice_date_due",
            "amount_total",
            "amount_residual",
            "payment_state",
            "state",
        ],
        search=["name", "ref", "partner_id", "invoice_origin"],
        filters=[
            Filter("customer_invoices", _("Customer invoices"), _type("out_invoice", "out_refund")),
            Filter("vendor_bills", _("Vendor bills"), _type("in_invoice", "in_refund")),
            Filter("unpaid", _("Unpaid"), _unpaid),
            Filter("overdue", _("Overdue"), _overdue),
            Filter("draft", _("Draft"), lambda env, M: M.state == "draft"),
        ],
        group_by=["journal_id", "partner_id", "move_type", "payment_state", "date:month"],
        sums=["amount_untaxed", "amount_tax", "amount_total", "amount_residual"],
        order="-date,-id",
    ),
    form=FormView(
        sections=[
            Section(
                _("Entry"),
                ["name", "move_type", "journal_id", "date", "partner_id", "ref", "currency_id"],
            ),
            Section(
                _("Invoice"),
                ["invoice_date_due", "payment_term_id", "invoice_origin", "payment_state"],
            ),
            Section(
                _("Totals"),
                ["amount_untaxed", "amount_tax", "amount_total", "amount_residual"],
            ),
            Section(_("Reversal"), ["reversed_entry_id", "reason"]),
            Section(None, ["notes"]),
        ],
        lines=[
            Lines(
                "lines",
                [
                    "account_id",
                    "partner_id",
                    "name",
                    "debit",
                    "credit",
                    "tax_id",
                    "date_maturity",
                    "amount_residual",
                    "reconciled",
                ],
                label=_("Journal items"),
            )
        ],
        readonly_states=("posted",),
        links=[Link(_("Print"), "/accounting/invoices/{id}/pdf", when=_is_invoice)],
    ),
    actions=[REGISTER_PAYMENT],
)

PAYMENT_VIEW = View(
    model="account.payment",
    url="accounting/payments",
    title=_("Payments"),
    list=ListView(
        columns=[
            "name",
            "date",
            "payment_type",
            "partner_id",
            "journal_id",
            "method",
            "amount",
            "state",
        ],
        search=["name", "reference", "partner_id"],
        filters=[
            Filter("inbound", _("Received"), lambda env, M: M.payment_type == "inbound"),
            Filter("outbound", _("Paid out"), lambda env, M: M.payment_type == "outbound"),
        ],
        group_by=["partner_id", "journal_id", "method", "date:month"],
        sums=["amount"],
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "name",
                    "payment_type",
                    "partner_id",
                    "amount",
                    "date",
                    "journal_id",
                    "method",
                    "reference",
                    "move_id",
                    "company_id",
                    "currency_id",
                ],
            )
        ],
        lines=[
            Lines("allocations", ["move_id", "amount"], label=_("Invoices paid")),
        ],
        readonly_states=("posted",),
    ),
)

ACCOUNT_VIEW = View(
    model="account.account",
    url="accounting/accounts",
    title=_("Chart of accounts"),
    list=ListView(
        columns=["code", "name", "name_zh", "type", "reconcilable", "active"],
        search=["code", "name", "name_zh"],
        group_by=["type"],
        order="code",
    ),
    form=FormView(
        sections=[Section(None, ["code", "name", "name_zh", "type", "reconcilable", "active"])]
    ),
)

JOURNAL_VIEW = View(
    model="account.journal",
    url="accounting/journals",
    title=_("Journals"),
    list=ListView(
        columns=["code", "name", "type", "default_account_id", "sequence_code", "active"]
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "code",
                    "name",
                    "type",
                    "company_id",
                    "default_account_id",
                    "sequence_code",
                    "active",
                ],
            )
        ]
    ),
)

FISCAL_YEAR_VIEW = View(
    model="account.fiscal.year",
    url="accounting/fiscal-years",
    title=_("Fiscal years"),
    list=ListView(columns=["name", "date_from", "date_to", "state"]),
    form=FormView(
        sections=[Section(None, ["name", "company_id", "date_from", "date_to", "state"])]
    ),
)

VIEWS = [MOVE_VIEW, PAYMENT_VIEW, ACCOUNT_VIEW, JOURNAL_VIEW, FISCAL_YEAR_VIEW]

MENUS: list[dict[str, Any]] = [
    {
        "key": "accounting",
        "label": _("Accounting"),
        "url": "/app/accounting/entries?f=customer_invoices",
        "sequence": 50,
        "group": USER,
    },
    {
        "key": "accounting.invoices",
        "label": _("Customer invoices"),
        "url": "/app/accounting/entries?f=customer_invoices",
        "parent": "accounting",
        "sequence": 10,
        "group": USER,
    },
    {
        "key": "accounting.bills",
        "label": _("Vendor bills"),
        "url": "/app/accounting/entries?f=vendor_bills",
        "parent": "accounting",
        "sequence": 20,
        "group": USER,
    },
    {
        "key": "accounting.payments",
        "label": _("Payments"),
        "url": "/app/accounting/payments",
        "parent": "accounting",
        "sequence": 30,
        "group": USER,
    },
    {
        "key": "accounting.entries",
        "label": _("Journal entries"),
        "url": "/app/accounting/entries",
        "parent": "accounting",
        "sequence": 40,
        "group": USER,
    },
    {
        "key": "accounting.reports",
        "label": _("Reports"),
        "url": "/accounting/reports/trial_balance",
        "parent": "accounting",
        "sequence": 50,
        "group": USER,
    },
    {
        "key": "accounting.accounts",
        "label": _("Chart of accounts"),
        "url": "/app/accounting/accounts",
        "parent": "accounting",
        "sequence": 60,
        "group": USER,
    },
    {
        "key": "accounting.journals",
        "label": _("Journals"),
        "url": "/app/accounting/journals",
        "parent": "accounting",
        "sequence": 70,
        "group": MANAGER,
    },
    {
        "key": "accounting.fiscal_years",
        "label": _("Fiscal years"),
        "url": "/app/accounting/fiscal-years",
        "parent": "accounting",
        "sequence": 80,
        "group": MANAGER,
    },
]
