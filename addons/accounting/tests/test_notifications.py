"""Invoice e-mails with their PDF, overdue reminders and the alerts job, over a real SMTP server."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from addons.accounting.services import invoices, moves
from addons.accounting.tests.conftest import Books, item, vat13
from kernel.jobs.runner import run_job
from kernel.testing_mail import configure_smtp


def _customer_email(books: Books, lang: str = "zh_CN") -> None:
    with books.instance.unit(None, su=True) as env:
        partner = env.get("res.partner", books.customer)
        partner.email, partner.lang = "ap@huaxin.example", lang


def test_a_posted_invoice_is_mailed_with_its_pdf(books: Books, smtp_inbox: Any) -> None:
    configure_smtp(books.instance, smtp_inbox.port)
    _customer_email(books, "en")
    with books.unit() as env:
        inv = invoices.create_invoice(env, books.customer, [item("1000", "1", vat13(env))])
        moves.post(env, inv)
        name = inv.name
    books.instance.deliver_outbox()
    [message] = smtp_inbox.to("ap@huaxin.example")
    assert str(message["Subject"]).strip().startswith(f"Invoice {name}")
    assert "1,130.00" in message.get_body(("plain",)).get_content()
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename() == f"{name.replace('/', '-')}.pdf"
    assert pdf.get_content().startswith(b"%PDF")


def test_overdue_invoices_get_one_reminder_a_week(books: Books, smtp_inbox: Any) -> None:
    configure_smtp(books.instance, smtp_inbox.port)
    with books.unit() as env:
        inv = invoices.create_invoice(
            env,
            books.customer,
            [item("100", "1", vat13(env))],
            date=dt.date.today() - dt.timedelta(days=45),
        )
        moves.post(env, inv)
        name = inv.name
    _customer_email(books, "zh_CN")  # after posting: only the reminder goes out
    assert run_job(books.instance, "accounting.payment_reminders").status == "ok"
    assert run_job(books.instance, "accounting.payment_reminders").status == "ok"  # not twice
    books.instance.deliver_outbox()
    [reminder] = smtp_inbox.to("ap@huaxin.example")
    assert str(reminder["Subject"]).strip() == f"提醒：发票 {name} 已逾期"
    assert "15" in reminder.get_body(("plain",)).get_content()  # 45 days ago, 30 days' terms
    assert len(list(reminder.iter_attachments())) == 1
    with books.instance.unit(None, su=True, readonly=True) as env:
        Run = env["ir.job.run"]
        results = env.session.scalars(
            select(Run.result)
            .where(Run.job_name == "accounting.payment_reminders")
            .order_by(Run.id)
        ).all()
    assert list(results) == ["1 reminders", "0 reminders"]


def test_the_alerts_job_mails_the_accounting_managers(books: Books, smtp_inbox: Any) -> None:
    configure_smtp(books.instance, smtp_inbox.port)
    with books.instance.unit(None, su=True) as env:
        env.get("res.user", books.manager).email = "cfo@example.com"
        env.get("res.user", books.accountant).email = "clerk@example.com"
    assert run_job(books.instance, "accounting.alerts").status == "ok"  # nothing to report yet
    with books.unit() as env:
        inv = invoices.create_invoice(
            env,
            books.customer,
            [item("100", "1", vat13(env))],
            date=dt.date.today() - dt.timedelta(days=60),
        )
        moves.post(env, inv)
    assert run_job(books.instance, "accounting.alerts").status == "ok"
    books.instance.deliver_outbox()
    [alert] = smtp_inbox.to("cfo@example.com")
    assert "1 overdue invoices" in str(alert["Subject"])
    assert "Huaxin Trading Co." in alert.get_body(("plain",)).get_content()
    assert smtp_inbox.to("clerk@example.com") == []
