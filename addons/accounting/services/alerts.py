"""Alerts for the dashboard: overdue invoices, customers over their credit limit, unmatched payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select, type_coerce

from addons.accounting.services.reports import partner_balances
from kernel.env import Env
from kernel.fields import Money
from kernel.i18n import _


def overdue_invoices(env: Env, as_of: dt.date | None = None) -> list[Any]:
    """Posted customer invoices past their due date with something still open, oldest first."""
    Move = env["account.move"]
    today = as_of or dt.date.today()
    return list(
        env.session.scalars(
            select(Move)
            .where(
                Move.move_type == "out_invoice",
                Move.state == "posted",
                Move.payment_state.in_(("not_paid", "partial")),
                Move.invoice_date_due < today,
            )
            .order_by(Move.invoice_date_due, Move.id)
        )
    )


def customers_over_credit_limit(env: Env) -> list[dict[str, Any]]:
    """Customers whose receivable balance exceeds their (non-zero) credit limit."""
    Partner = env["res.partner"]
    limits: dict[int, Decimal] = dict(
        env.session.execute(
            select(Partner.id, Partner.credit_limit).where(Partner.credit_limit > 0)
        ).all()
    )
    return [
        {**row, "credit_limit": limits[row["partner_id"]]}
        for row in partner_balances(env, "receivable")
        if row["partner_id"] in limits and row["balance"] > limits[row["partner_id"]]
    ]


def unmatched_payments(env: Env) -> list[dict[str, Any]]:
    """Posted payments with money not matched to any invoice (customer credit, supplier advance)."""
    Payment = env["account.payment"]
    Line = env["account.move.line"]
    Account = env["account.account"]
    open_amount = type_coerce(func.sum(Line.amount_residual), Money())
    rows = env.session.execute(
        select(Payment.id, Payment.name, Payment.partner_id, open_amount)
        .join(Line, Line.move_id == Payment.move_id)
        .join(Account, Account.id == Line.account_id)
        .where(Payment.state == "posted", Account.type.in_(("receivable", "payable")))
        .group_by(Payment.id, Payment.name, Payment.partner_id)
        .having(func.sum(Line.amount_residual) != 0)
        .order_by(Payment.id)
    )
    return [
        {"payment_id": pid, "payment": name, "partner_id": partner, "open": abs(Decimal(amount))}
        for pid, name, partner, amount in rows
    ]


def render_alerts_widget(env: Env) -> Markup:
    overdue = overdue_invoices(env)
    over_limit = customers_over_credit_limit(env)
    unmatched = unmatched_payments(env)
    from addons.base.services.company import company_currency
    from addons.base.services.currency import format_amount

    amount = format_amount(
        sum((Decimal(m.amount_residual) for m in overdue), Decimal(0)), company_currency(env)
    )
    items = [
        _("%(count)s overdue invoices, %(amount)s open", count=len(overdue), amount=amount),
        _("%(count)s customers over their credit limit", count=len(over_limit)),
        _("%(count)s payments not matched with invoices", count=len(unmatched)),
    ]
    return Markup("<ul class='accounting-alerts'>{}</ul>").format(
        Markup("").join(Markup("<li>{}</li>").format(escape(str(item))) for item in items)
    )
