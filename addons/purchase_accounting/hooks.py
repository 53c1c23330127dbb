"""purchase_accounting's answers to purchase's and accounting's hooks.

Buyers confirm orders and stock users validate receipts without rights on the
books, and accountants post bills and payments without rights to write purchase
orders. What this addon does in reaction is the other side's consequence of
their action, so it runs under ``env.sudo`` with the reason stated — and only
for the documents at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel import hookimpl


@hookimpl
def purchase_order_confirmed(env: Any, order: Any) -> None:
    from addons.purchase_accounting.services.settlement import expect_settlement

    with env.sudo("a confirmed purchase order expects its billed and paid milestones"):
        expect_settlement(env, order)
        order.bill_status = "no"


@hookimpl
def purchase_goods_received(env: Any, order: Any, moves: list[Any]) -> None:
    from addons.base.services.company import main_company
    from addons.purchase_accounting.services.bills import create_bill, open_quantities
    from addons.purchase_accounting.services.settlement import sync_order

    with env.sudo("received goods update the order's billing and may prepare its draft bill"):
        company = (
            env.get("res.company", order.company_id) if order.company_id else main_company(env)
        )
        if company.purchase_bill_on_receipt and any(
            qty > 0 for qty in open_quantities(env, order).values()
        ):
            create_bill(env, order)
        sync_order(env, order)


@hookimpl
def purchase_bill_posted(env: Any, order: Any, bill: Any) -> None:
    from addons.purchase_accounting.services.settlement import sync_order

    with env.sudo("a posted bill reaches the billed milestone of its purchase order"):
        sync_order(env, order)


@hookimpl
def account_payment_state_changed(env: Any, invoices: list[Any]) -> None:
    from addons.purchase_accounting.services.settlement import ORIGIN, sync_orders

    ids = [inv.origin_id for inv in invoices if inv.origin_model == ORIGIN and inv.origin_id]
    if ids:
        with env.sudo("a paid bill settles its purchase order"):
            sync_orders(env, ids)


@hookimpl
def addon_installed(env: Any, addon: str) -> None:
    """Orders confirmed before billing was tracked wait for their bills too."""
    if addon != "purchase_accounting":
        return
    from sqlalchemy import select

    from addons.purchase_accounting.services.settlement import expect_settlement, sync_orders

    Order = env["purchase.order"]
    open_orders = list(env.session.scalars(select(Order).where(Order.state == "confirmed")))
    for order in open_orders:
        expect_settlement(env, order)
    sync_orders(env, [o.id for o in open_orders])


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.purchase_accounting.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.purchase_accounting.views import MENUS

    for entry in MENUS:
        register(**entry)
