"""stock's side of sales orders: hook implementations registered only with sales_order.

Everything here acts for the sales user who approved or cancelled the order, who
has no right to write stock documents: the work runs under ``env.sudo`` with the
reason stated, and only ever touches the order's own transfers.
"""

from __future__ import annotations

from typing import Any

from addons.stock.services import sale
from kernel import hookimpl


@hookimpl(optionalhook=True)
def sale_order_approved(env: Any, order: Any) -> None:
    with env.sudo("stock reserves the goods of an approved sales order and plans its delivery"):
        sale.reserve_order(env, order)


@hookimpl(optionalhook=True)
def sale_order_cancel_blockers(env: Any, order: Any) -> list[str]:
    with env.sudo("stock tells whether goods of the order left the warehouse"):
        return sale.shipped_blockers(env, order)


@hookimpl(optionalhook=True)
def sale_order_cancelled(env: Any, order: Any, reason: str) -> None:
    with env.sudo("stock releases the reservations of a cancelled sales order"):
        sale.cancel_order_stock(env, order)


@hookimpl
def stock_reservation_changed(env: Any, moves: list[Any]) -> None:
    ids = sale.order_ids_of(moves)
    if ids:
        with env.sudo("stock updates reserved and short quantities on sales orders"):
            sale.sync_orders(env, ids)


@hookimpl
def stock_picking_done(env: Any, picking: Any) -> None:
    if picking.origin_model == sale.ORIGIN and picking.origin_id:
        with env.sudo("stock records delivered quantities and the shipped milestone"):
            sale.sync_orders(env, [picking.origin_id])
