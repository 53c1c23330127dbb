"""accounting's answers to sales_order's hooks (registered only when sales_order is installed).

Completion, approval and cancellation are sales users' actions; they have no
right to write journal entries. The invoice is the company's bookkeeping
consequence of *their* action, so it is posted under ``env.sudo`` with the
reason stated — and only ever for the order at hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from addons.accounting.services import sale
from kernel import hookimpl


def _policy(order: Any) -> str:
    return str(order.company.invoice_policy or "completion")


@hookimpl(optionalhook=True)
def sale_order_approved(env: Any, order: Any) -> None:
    with env.sudo("accounting expects the invoiced and paid milestones of an approved order"):
        sale.expect_settlement(env, order)


@hookimpl(optionalhook=True)
def sale_order_confirmed(env: Any, order: Any) -> None:
    if _policy(order) == "confirmation":
        with env.sudo("post the invoice of a confirmed order (company invoices on confirmation)"):
            sale.invoice_order(env, order)


@hookimpl(optionalhook=True)
def sale_order_completed(env: Any, order: Any) -> None:
    # Posting needs rights the completing sales user does not have; the entry is
    # the books' record of their completion, made under the order's transaction.
    with env.sudo("post invoice for a completed order"):
        sale.expect_settlement(env, order)
        sale.invoice_order(env, order)


@hookimpl(optionalhook=True)
def sale_order_cancel_blockers(env: Any, order: Any) -> list[Any]:
    with env.sudo("accounting tells whether an invoice was posted for the order"):
        return sale.cancel_blockers(env, order)


@hookimpl(optionalhook=True)
def sale_partner_open_receivable(env: Any, partner_id: int) -> Decimal | None:
    with env.sudo("the credit check reads the customer's open receivable"):
        return sale.open_receivable(env, partner_id)


@hookimpl
def account_payment_state_changed(env: Any, invoices: list[Any]) -> None:
    """Orders follow their invoices' payment state; a paid invoice settles its order.

    accounting's own hook, implemented by its sales part: reconciliation does not
    need to know whether sales_order is installed.
    """
    sale.sync_orders(env, invoices)
