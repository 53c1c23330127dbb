"""E-mails about invoices: the invoice with its PDF, reminders for overdue ones, and the
accounting alerts raised by a daily job instead of only when the dashboard is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kernel import hookimpl
from kernel.env import Env
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.mail import notify as mail

PDF = "accounting.invoice_pdf"
ALERTS = "accounting.alerts"
MANAGER = "accounting.group_manager"
REMIND_EVERY_DAYS = 7


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "mail" / "templates")


@hookimpl
def register_notifications(register: Callable[..., None]) -> None:
    register(
        ALERTS, _("Daily accounting alerts: overdue invoices, customers over their limit"), MANAGER
    )


@hookimpl
def register_jobs(register: Callable[..., None]) -> None:
    register("accounting.payment_reminders", payment_reminders, cron="0 9 * * *")
    register("accounting.alerts", accounting_alerts, cron="30 8 * * *")


@hookimpl
def mail_attachment(env: Env, kind: str, res_id: int) -> tuple[str, bytes, str] | None:
    if kind != PDF:
        return None
    from addons.accounting.services.pdf import render_invoice_pdf

    move = env.get("account.move", res_id)
    return f"{move.name.replace('/', '-')}.pdf", render_invoice_pdf(env, move), "application/pdf"


def _currency(move: Any) -> str | None:
    return move.currency.code if move.currency is not None else None


def invoice_posted(env: Env, move: Any) -> None:
    """A posted customer invoice goes to the customer, its PDF attached (rendered when sent)."""
    if move.move_type != "out_invoice" or move.partner is None or not move.partner.email:
        return
    mail.notify(
        env,
        "account_invoice",
        move,
        mail.partner(move.partner, env.setting("lang", "en")),
        context={
            "move": move,
            "currency": _currency(move),
            "company": env.setting("company_name", ""),
        },
        attachments=[(PDF, move.id)],
        event="accounting.invoice",
    )


def _reminded_recently(env: Env, ids: list[int], since: dt.datetime) -> set[int]:
    Outbox = env["ir.outbox"]
    rows = env.session.execute(
        select(Outbox.res_id, Outbox.payload).where(
            Outbox.res_model == "account.move",
            Outbox.res_id.in_(ids),
            Outbox.created_at >= since,
        )
    ).all()
    return {
        int(res_id)
        for res_id, payload in rows
        if (payload or {}).get("event") == "accounting.reminder"
    }


def payment_reminders(env: Env, today: dt.date | None = None) -> str:
    """Scheduled: remind customers of overdue invoices, at most once a week per invoice."""
    from addons.accounting.services.alerts import overdue_invoices

    overdue = [m for m in overdue_invoices(env, today) if m.partner is not None and m.partner.email]
    recent = _reminded_recently(
        env, [m.id for m in overdue], utcnow() - dt.timedelta(days=REMIND_EVERY_DAYS)
    )
    sent = 0
    for move in overdue:
        if move.id in recent:
            continue
        days = ((today or dt.date.today()) - move.invoice_date_due).days
        sent += mail.notify(
            env,
            "account_payment_reminder",
            move,
            mail.partner(move.partner, env.setting("lang", "en")),
            context={
                "move": move,
                "currency": _currency(move),
                "days": days,
                "company": env.setting("company_name", ""),
            },
            attachments=[(PDF, move.id)],
            event="accounting.reminder",
        )
    return f"{sent} reminders"


def accounting_alerts(env: Env) -> str:
    """Scheduled: the dashboard's accounting alerts, mailed to the accounting managers."""
    from addons.accounting.services.alerts import customers_over_credit_limit, overdue_invoices

    overdue = overdue_invoices(env)
    over_limit = customers_over_credit_limit(env)
    if not overdue and not over_limit:
        return "nothing to report"
    company = env.ref("base.main_company")
    mail.notify(
        env,
        "account_alerts",
        company,
        mail.staff(env, ALERTS, MANAGER),
        context={"overdue": overdue, "over_limit": over_limit},
        event=ALERTS,
    )
    return f"{len(overdue)} overdue, {len(over_limit)} over limit"
