"""Vendor bills from purchase orders: the three-way match of ordered, received and billed.

A bill may charge only what was received and not billed yet. That is checked
twice: when the draft bill is made (:func:`create_bill` offers only the open
quantities), and when it is posted — the user may have raised a quantity on the
draft, and another bill may have been posted since. Posting then hands the billed
quantities to purchase (``register_bill``), which records them on the order lines
and announces ``purchase_bill_posted``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from addons.accounting.services.chart import journal_of
from addons.accounting.services.invoices import due_date
from addons.accounting.services.moves import create_move, post
from addons.base.services.company import main_company
from addons.purchase.services.orders import register_bill
from addons.purchase_accounting.services.entries import entry_figures, out_of_step
from kernel.env import Env
from kernel.errors import ConflictError, ValidationError
from kernel.i18n import _

ORIGIN = "purchase.order"
ZERO = Decimal(0)
BILLABLE_STATES = ("confirmed", "received")
BILL_LINE_COLUMNS = (
    "order_id",
    "order_line_id",
    "product_id",
    "description",
    "quantity",
    "price_unit",
    "tax_id",
    "price_subtotal",
)


def is_purchase_bill(move: Any) -> bool:
    return bool(move.origin_model == ORIGIN and move.origin_id and move.move_type == "in_invoice")


def load_order(env: Env, order_id: int) -> Any:
    """The order with its lines (one query for the lines, whatever their number)."""
    Order = env["purchase.order"]
    return env.session.scalar(
        select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
    )


def drafted_quantities(env: Env, order_id: int) -> dict[int, Decimal]:
    """Per order line: the quantity already on draft bills (one aggregate query)."""
    BillLine = env["purchase.bill.line"]
    Move = env["account.move"]
    query = (
        select(BillLine.order_line_id, func.sum(BillLine.quantity))
        .join(Move, Move.id == BillLine.move_id)
        .where(BillLine.order_id == order_id, Move.state == "draft")
        .group_by(BillLine.order_line_id)
    )
    return {line_id: Decimal(qty or 0) for line_id, qty in env.session.execute(query)}


def open_quantities(env: Env, order: Any) -> dict[int, Decimal]:
    """Per order line: received, minus billed, minus what draft bills already charge."""
    drafted = drafted_quantities(env, order.id)
    return {
        line.id: max(line.qty_received - line.qty_billed - drafted.get(line.id, ZERO), ZERO)
        for line in order.lines
    }


def create_bill(
    env: Env,
    order: Any,
    quantities: Mapping[int, Decimal | str | int] | None = None,
    *,
    date: dt.date | None = None,
) -> Any:
    """A draft vendor bill of ``order`` for ``quantities`` (per order line id).

    Without ``quantities`` the bill charges everything received and not billed yet
    (nor on another draft bill), at the order's prices and purchase taxes. Asking
    for more than that is refused, naming the product.
    """
    if order.state not in BILLABLE_STATES:
        raise ConflictError(
            _(
                "purchase order %(order)s cannot be billed in its current state",
                order=order.name,
            )
        )
    order = load_order(env, order.id)
    available = open_quantities(env, order)
    lines = {line.id: line for line in order.lines}
    if quantities is None:
        wanted = {line_id: qty for line_id, qty in available.items() if qty > 0}
    else:
        wanted = {}
        for line_id, value in quantities.items():
            qty = Decimal(str(value))
            line = lines.get(int(line_id))
            if line is None:
                raise ValidationError(
                    _("line %(line)s is not a line of %(order)s", line=line_id, order=order.name),
                    field="order_line_id",
                )
            if qty < 0:
                raise ValidationError(
                    _(
                        "%(product)s: the billed quantity cannot be negative",
                        product=line.description,
                    ),
                    field="quantity",
                )
            if qty > available[line.id]:
                raise ValidationError(over_billing(line, qty, available[line.id]), field="quantity")
            if qty > 0:
                wanted[line.id] = qty
    if not wanted:
        raise ValidationError(
            _(
                "nothing to bill on %(order)s: every received quantity is billed already",
                order=order.name,
            ),
            field="quantity",
        )
    BillLine = env["purchase.bill.line"]
    rows = [
        BillLine(
            order_id=order.id,
            order_line_id=line_id,
            product_id=lines[line_id].product_id,
            description=lines[line_id].description,
            quantity=qty,
            price_unit=lines[line_id].price_unit,
            tax_id=lines[line_id].tax_id,
        )
        for line_id, qty in sorted(wanted.items(), key=lambda kv: lines[kv[0]].sequence)
    ]
    return _make_bill(env, order, rows, date or dt.date.today())


def _make_bill(env: Env, order: Any, rows: list[Any], date: dt.date) -> Any:
    """The draft bill: its header, then journal items and purchase lines in one insert each.

    ``rows`` are unsaved ``purchase.bill.line`` records. The lines go in as bulk
    inserts (the ORM inserts row by row where it must read back each new id), so
    making a bill costs the same number of statements for 10 lines or 1000.
    """
    company = env.get("res.company", order.company_id) if order.company_id else main_company(env)
    journal = journal_of(env, company.id, "purchase")
    term_id = order.partner.payment_term_id
    bill = create_move(
        env,
        journal,
        [],
        date=date,
        partner_id=order.partner_id,
        ref=order.partner_ref or order.name,
        move_type="in_invoice",
        invoice_date_due=due_date(env, date, term_id),
        payment_term_id=term_id,
        origin_model=ORIGIN,
        origin_id=order.id,
        invoice_origin=order.name,
    )
    lines, untaxed, tax, total = entry_figures(env, bill, order, rows)
    bill.amount_untaxed, bill.amount_tax, bill.amount_total = untaxed, tax, total
    Line = env["account.move.line"]
    BillLine = env["purchase.bill.line"]
    env.check("account.move.line", "create")
    env.check("purchase.bill.line", "create")
    env.session.execute(
        insert(Line),
        [
            {
                "move_id": bill.id,
                "sequence": seq * 10,
                "partner_id": bill.partner_id,
                "tax_id": None,
                "tax_line_id": None,
                "date_maturity": None,
                **data,
            }
            for seq, data in enumerate(lines, start=1)
        ],
    )
    env.session.execute(
        insert(BillLine),
        [
            {column: getattr(row, column) for column in BILL_LINE_COLUMNS} | {"move_id": bill.id}
            for row in rows
        ],
    )
    env.session.flush()
    env.session.expire(bill, ["lines", "purchase_lines"])
    return bill


def billed_quantities(bill: Any) -> dict[int, Decimal]:
    """What ``bill`` charges per order line (several bill lines may share one order line)."""
    quantities: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in bill.purchase_lines:
        quantities[row.order_line_id] += row.quantity
    return dict(quantities)


def over_billing(line: Any, qty: Decimal, open_qty: Decimal) -> Any:
    return _(
        "%(product)s: cannot bill %(qty)s, only %(open)s received and not billed yet "
        "(ordered %(ordered)s, received %(received)s, billed %(billed)s)",
        product=line.description,
        qty=str(qty),
        open=str(open_qty),
        ordered=str(line.quantity),
        received=str(line.qty_received),
        billed=str(line.qty_billed),
    )


def check_postable(env: Env, bill: Any) -> None:
    """Refuse posting a purchase bill that charges more than was received and not billed.

    A guard of the entry's ``post`` transition: it runs before anything is written,
    so the refusal leaves the draft bill as the user left it.
    """
    if not is_purchase_bill(bill):
        return
    quantities = billed_quantities(bill)
    if not quantities:
        raise ValidationError(
            _("bill %(bill)s has no purchase order lines to charge", bill=bill.ref),
            field="purchase_lines",
        )
    order = load_order(env, bill.origin_id)
    lines = {line.id: line for line in order.lines}
    for line_id, qty in quantities.items():
        line = lines[line_id]
        open_qty = max(line.qty_received - line.qty_billed, ZERO)
        if qty > open_qty:
            raise ValidationError(over_billing(line, qty, open_qty), field="quantity")
    if out_of_step(env, bill, order):
        raise ValidationError(
            _(
                "bill %(bill)s: its amounts no longer match its purchase lines; "
                "edit a purchase line of the bill to recompute them",
                bill=bill.ref,
            ),
            field="purchase_lines",
        )


def record_posting(env: Env, move: Any) -> None:
    """After posting: tell purchase what a bill (or a bill's reversal) charged.

    A reversal of a purchase bill (a vendor credit note made by ``reverse``) gives
    the original's quantities back, so they can be billed again.
    """
    if move.origin_model != ORIGIN or not move.origin_id:
        return
    if move.move_type == "in_invoice":
        quantities = billed_quantities(move)
    elif move.move_type == "in_refund" and move.reversed_entry_id:
        original = env.session.get(env["account.move"], move.reversed_entry_id)
        quantities = {k: -v for k, v in billed_quantities(original).items()}
    else:
        return
    order = load_order(env, move.origin_id)
    with env.sudo("a posted vendor bill records its billed quantities on its purchase order"):
        register_bill(env, order, quantities, move)


def post_bill(env: Env, bill: Any) -> Any:
    """Post a draft purchase bill: the three-way match is checked, ``qty_billed`` follows."""
    if bill.state != "draft":
        raise ConflictError(_("bill %(bill)s is already posted", bill=bill.name))
    return post(env, bill)


def order_bills(env: Env, order_id: int) -> list[Any]:
    """The vendor bills (draft and posted) of a purchase order, oldest first."""
    Move = env["account.move"]
    return list(
        env.session.scalars(
            select(Move)
            .where(Move.origin_model == ORIGIN, Move.origin_id == order_id)
            .order_by(Move.id)
        )
    )
