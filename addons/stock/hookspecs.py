"""Hooks offered by stock: what other addons learn about goods moving, and how they refill stock.

Every hook is called with keyword arguments only, inside the unit of work of the
stock operation that caused it: raising rolls the whole operation back.
Implementations in addons that do not depend on stock must be marked
``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    from kernel.env import Env


@hookspec
def stock_picking_done(env: Env, picking: Any) -> None:
    """The transfer ``picking`` was validated (state ``done``).

    Called after its moves were done and ``stock_moves_done`` ran, and after the
    backorder (if any) was created. ``picking.origin_model`` / ``origin_id`` name
    the document it serves (``sale.order``, ``purchase.order`` …). Return value is ignored.
    """


@hookspec
def stock_moves_done(env: Env, moves: list[Any]) -> None:
    """``moves`` (``stock.move`` records, possibly of several products) are now done.

    Quants are updated and each move's ``price_unit`` holds its valuation per
    product unit (receipts: the purchase price; other moves: the product's cost
    at that moment). Accounting posts the stock valuation entries here; purchase
    marks received quantities. Do not change the moves. Return value is ignored.
    """


@hookspec(firstresult=True)
def stock_replenish(
    env: Env,
    product_id: int,
    warehouse_id: int,
    quantity: Decimal,
    origin_model: str,
    origin_id: int | None,
) -> str | None:
    """Ask for ``quantity`` (product unit) of ``product_id`` to be brought into ``warehouse_id``.

    Called by reorder rules (``origin_model="stock.reorder.rule"``) and for
    shortages of sales orders (``origin_model="sale.order"``). Purchase or
    manufacturing raise a request (requisition, draft order, production order)
    and return its reference; the first non-``None`` answer stops the call.
    ``None`` from everyone means nobody can replenish: stock records the shortage only.
    """


@hookspec
def stock_reservation_changed(env: Env, moves: list[Any]) -> None:
    """Reservations of open ``moves`` changed (reserved, released, or moves cancelled).

    Lets the document a move serves (``move.origin_model`` / ``origin_id``) show
    what is reserved and what is short — stock itself uses it to update sales
    orders and reach their ``reserved`` milestone. Return value is ignored.
    """


# --- Typed calls ------------------------------------------------------------


class StockHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def stock_picking_done(self, *, env: Env, picking: Any) -> None:
        self._hook.stock_picking_done(env=env, picking=picking)

    def stock_moves_done(self, *, env: Env, moves: list[Any]) -> None:
        self._hook.stock_moves_done(env=env, moves=moves)

    def stock_replenish(
        self,
        *,
        env: Env,
        product_id: int,
        warehouse_id: int,
        quantity: Decimal,
        origin_model: str,
        origin_id: int | None,
    ) -> str | None:
        answer: str | None = self._hook.stock_replenish(
            env=env,
            product_id=product_id,
            warehouse_id=warehouse_id,
            quantity=quantity,
            origin_model=origin_model,
            origin_id=origin_id,
        )
        return answer

    def stock_reservation_changed(self, *, env: Env, moves: list[Any]) -> None:
        self._hook.stock_reservation_changed(env=env, moves=moves)
