"""Payments name what they pay — through the API and the invoice's form.

A payment created over the API needs only the partner and the amount (journal,
company and currency default); with ``allocations`` it pays exactly those
invoices, each up to its amount; without, the oldest open ones. From an
invoice's form an accountant registers its payment in one step.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from addons.accounting.services import invoices, moves
from addons.accounting.tests.conftest import Books, item, vat13
from kernel.apikeys import create_api_key
from kernel.web.app import create_app

BASE = "http://suanpan.localhost"


def _api(instance: Any, uid: int) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def _invoices(books: Books, *prices: str) -> list[int]:
    today = dt.date.today()
    ids = []
    with books.unit() as env:
        for age, price in enumerate(prices):
            inv = invoices.create_invoice(
                env,
                books.customer,
                [item(price, "1", vat13(env))],
                date=today - dt.timedelta(days=40 - age),
            )
            ids.append(moves.post(env, inv).id)
    return ids


def test_payment_allocated_to_the_newer_invoice(books: Books) -> None:
    older, newer = _invoices(books, "100", "200")  # 113.00 and 226.00 open
    with _api(books.instance, books.accountant) as api:
        created = api.post(
            "/api/v1/account.payment",
            json={
                "partner_id": books.customer,
                "amount": "150.00",
                "allocations": [{"move_id": newer, "amount": "150.00"}],
            },
        )
        assert created.status_code == 201, created.text
        payment = created.json()
        assert payment["journal_id"] and payment["company_id"] and payment["currency_id"]
        assert [(a["move_id"], a["amount"]) for a in payment["allocations"]] == [
            (newer, "150.0000")
        ]
        posted = api.post(f"/api/v1/account.payment/{payment['id']}/actions/post")
        assert posted.status_code == 200, posted.text
        old = api.get(f"/api/v1/account.move/{older}").json()
        new = api.get(f"/api/v1/account.move/{newer}").json()
        # the older invoice, which oldest-first would have paid, is untouched
        assert (old["payment_state"], old["amount_residual"]) == ("not_paid", "113.0000")
        assert (new["payment_state"], new["amount_residual"]) == ("partial", "76.0000")


def test_without_allocations_the_oldest_invoice_is_paid_first(books: Books) -> None:
    older, newer = _invoices(books, "100", "200")
    with _api(books.instance, books.accountant) as api:
        payment = api.post(
            "/api/v1/account.payment", json={"partner_id": books.customer, "amount": "113.00"}
        ).json()
        assert api.post(f"/api/v1/account.payment/{payment['id']}/actions/post").status_code == 200
        assert api.get(f"/api/v1/account.move/{older}").json()["payment_state"] == "paid"
        assert api.get(f"/api/v1/account.move/{newer}").json()["payment_state"] == "not_paid"


def test_allocations_that_do_not_fit_are_refused_naming_the_line(books: Books) -> None:
    (invoice,) = _invoices(books, "100")
    with _api(books.instance, books.accountant) as api:
        too_much = api.post(
            "/api/v1/account.payment",
            json={
                "partner_id": books.customer,
                "amount": "10.00",
                "allocations": [{"move_id": invoice, "amount": "20.00"}],
            },
        ).json()
        refused = api.post(f"/api/v1/account.payment/{too_much['id']}/actions/post")
        assert refused.status_code == 422
        assert "allocations" in refused.json()["fields"]
        other = api.post(
            "/api/v1/account.payment",
            json={
                "partner_id": books.customer2,
                "amount": "10.00",
                "allocations": [{"move_id": invoice}],
            },
        ).json()
        wrong = api.post(f"/api/v1/account.payment/{other['id']}/actions/post")
        assert wrong.status_code == 422
        assert list(wrong.json()["fields"]) == ["allocations.0.move_id"]
        # nothing was booked for the refused payments
        assert api.get(f"/api/v1/account.move/{invoice}").json()["payment_state"] == "not_paid"


def test_accountant_registers_payment_from_the_invoice_form(books: Books) -> None:
    from kernel.web.sessions import COOKIE_NAME, create_session

    (invoice,) = _invoices(books, "100")
    sid = create_session(books.instance, books.accountant)
    with TestClient(create_app(books.instance), base_url=BASE) as browser:
        browser.cookies.set(COOKIE_NAME, sid)
        form = browser.get(f"/app/accounting/entries/{invoice}")
        assert 'data-sp-do="register_payment"' in form.text
        token = browser.cookies.get("csrftoken")
        paid = browser.post(
            f"/app/accounting/entries/{invoice}/do/register_payment",
            data={"_csrf_token": token, "amount": "", "date": "", "journal_id": ""},
            follow_redirects=False,
        )
        assert paid.status_code == 303, paid.text
        assert paid.headers["location"].startswith("/app/accounting/payments/")
        payment_page = browser.get(paid.headers["location"]).text
        assert "113.00" in payment_page
        new_payment = browser.get("/app/accounting/payments/new")
        assert new_payment.status_code == 200
    with books.unit() as env:
        move = env.get("account.move", invoice)
        assert move.payment_state == "paid" and move.amount_residual == Decimal(0)


def test_a_payment_naming_a_journal_that_is_not_there_is_refused_and_a_new_one_is_taken(
    books: Books,
) -> None:
    """Journals are configuration, whose ids the API checks from memory: an unknown id is
    still refused naming the field, and a journal added since is found at once."""
    with _api(books.instance, books.accountant) as api:
        first = api.post(
            "/api/v1/account.payment",
            json={"partner_id": books.customer, "amount": "5.00", "journal_id": 999999},
        )
        assert first.status_code == 422
        assert "journal_id" in first.json()["fields"]
        with books.unit(su=True) as env:
            bank = env.session.scalars(
                select(env["account.journal"]).where(env["account.journal"].type == "bank")
            ).first()
            second_bank = env["account.journal"](
                code="BNK9",
                name="Second bank",
                type="bank",
                company_id=bank.company_id,
                default_account_id=bank.default_account_id,
            )
            env.session.add(second_bank)
            env.session.flush()
            new_id = second_bank.id
        taken = api.post(
            "/api/v1/account.payment",
            json={"partner_id": books.customer, "amount": "5.00", "journal_id": new_id},
        )
        assert taken.status_code == 201, taken.text
        assert taken.json()["journal_id"] == new_id
