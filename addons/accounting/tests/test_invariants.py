"""Property-based: whatever invoices, payments and reversals happen, the books hold together.

A hypothesis state machine drives random sequences of postings through the
services, each in its own unit of work, and after every step checks that the
trial balance sums to zero, every posted entry balances and matches its stored
totals, each customer's receivable equals invoices − credit notes − payments,
and that posted entries refuse any change made through the ORM.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from addons.accounting.services import invoices, moves, payments, reports
from addons.accounting.services.sale import open_receivable
from addons.accounting.tests.conftest import Books, build_books
from kernel.errors import ConflictError
from kernel.testing import MakeInstance

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
quantities = st.integers(min_value=1, max_value=7)


class BooksMachine(RuleBasedStateMachine):
    books: Books

    def __init__(self) -> None:
        super().__init__()
        self.expected: dict[int, Decimal] = {}
        self.invoices: list[int] = []
        self.posted: dict[int, tuple[str, Decimal, Decimal]] = {}
        self.partners: list[int] = []
        with self.books.instance.unit(None, su=True) as env:
            Partner = env["res.partner"]
            for name in ("A", "B", "C"):
                partner = Partner(name=f"Customer {name} {id(self)}", is_customer=True)
                env.session.add(partner)
                env.session.flush()
                self.partners.append(partner.id)
                self.expected[partner.id] = Decimal(0)

    @rule(who=st.integers(0, 2), price=amounts, qty=quantities, taxed=st.booleans())
    def post_invoice(self, who: int, price: Decimal, qty: int, taxed: bool) -> None:
        partner = self.partners[who]
        with self.books.unit() as env:
            tax = env.ref("base.vat_13_sale").id if taxed else None
            inv = invoices.create_invoice(
                env, partner, [{"name": "x", "price_unit": price, "quantity": qty, "tax_id": tax}]
            )
            moves.post(env, inv)
            self.expected[partner] += inv.amount_total
            self.invoices.append(inv.id)
            self.posted[inv.id] = (inv.name, inv.total_debit, inv.total_credit)

    @rule(who=st.integers(0, 2), amount=amounts)
    def register_payment(self, who: int, amount: Decimal) -> None:
        partner = self.partners[who]
        with self.books.unit() as env:
            pay = payments.register_payment(env, partner, amount)
            self.expected[partner] -= amount
            self.posted[pay.move_id] = (pay.move.name, amount, amount)

    @rule(pick=st.integers(0, 1000))
    def reverse_an_invoice(self, pick: int) -> None:
        if not self.invoices:
            return
        invoice_id = self.invoices.pop(pick % len(self.invoices))
        with self.books.unit(self.books.manager) as env:
            invoice = env.get("account.move", invoice_id)
            note = moves.reverse(env, invoice, reason="returned")
            self.expected[invoice.partner_id] -= invoice.amount_total
            self.posted[note.id] = (note.name, note.total_debit, note.total_credit)

    @rule(pick=st.integers(0, 1000), what=st.sampled_from(["debit", "date", "delete", "name"]))
    def try_to_tamper(self, pick: int, what: str) -> None:
        if not self.posted:
            return
        move_id = sorted(self.posted)[pick % len(self.posted)]
        with pytest.raises(ConflictError), self.books.unit(self.books.manager) as env:
            move = env.get("account.move", move_id)
            if what == "debit":
                line = move.lines[0]
                line.debit = Decimal(line.debit) + 1 if line.debit else Decimal(0)
                line.credit = Decimal(line.credit) + 1 if line.credit else Decimal(0)
            elif what == "date":
                move.date = move.date.replace(year=2001)
            elif what == "delete":
                env.session.delete(move)
            else:
                move.name = "FORGED"
            env.session.flush()

    @invariant()
    def books_hold_together(self) -> None:
        with self.books.instance.unit(None, su=True, readonly=True) as env:
            import datetime as dt

            rows = reports.trial_balance(env, dt.date(1900, 1, 1), dt.date(2999, 12, 31))
            assert sum((r["closing"] for r in rows), Decimal(0)) == 0
            Move = env["account.move"]
            Line = env["account.move.line"]
            sums = dict(
                (mid, (d, c))
                for mid, d, c in env.session.execute(
                    select(Line.move_id, func.sum(Line.debit), func.sum(Line.credit)).group_by(
                        Line.move_id
                    )
                )
            )
            for move in env.session.scalars(select(Move).where(Move.state == "posted")):
                assert move.total_debit == move.total_credit == sums[move.id][0] == sums[move.id][1]
                if move.id in self.posted:
                    assert (move.name, move.total_debit, move.total_credit) == self.posted[move.id]
            for partner, expected in self.expected.items():
                assert open_receivable(env, partner) == expected
                balance = [r for r in reports.partner_balances(env) if r["partner_id"] == partner]
                assert (balance[0]["balance"] if balance else Decimal(0)) == expected


def test_books_invariants(make_instance: MakeInstance) -> None:
    BooksMachine.books = build_books(make_instance(["accounting"]))
    run_state_machine_as_test(
        BooksMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
