"""Hooks offered by purchase: what other addons learn about buying.

All are called with keyword arguments only, inside the unit of work of the
purchase operation that caused them: raising rolls the whole operation back.
Implementations in addons that do not depend on purchase must be marked
``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    from kernel.env import Env


@hookspec
def purchase_order_confirmed(env: Env, order: Any) -> None:
    """``order`` (``purchase.order``) was confirmed and its receipt transfer created.

    Called after the incoming ``stock.picking`` exists (``order.picking_ids``).
    Return value is ignored.
    """


@hookspec
def purchase_goods_received(env: Env, order: Any, moves: list[Any]) -> None:
    """Done receipt ``moves`` of ``order`` updated its lines' received quantities.

    Called once per order per validated receipt, after ``qty_received`` of the
    lines was updated. Accounting may prepare vendor bills here (three-way match:
    ordered, received, billed). Return value is ignored.
    """


@hookspec
def purchase_bill_posted(env: Env, order: Any, bill: Any) -> None:
    """A vendor bill for ``order`` was posted by an accounting addon.

    The implementer that posts bills calls :func:`addons.purchase.services.orders.register_bill`,
    which updates ``qty_billed`` and fires this hook; ``bill`` is the accounting
    document. Return value is ignored.
    """


# --- Typed calls ------------------------------------------------------------


class PurchaseHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def purchase_order_confirmed(self, *, env: Env, order: Any) -> None:
        self._hook.purchase_order_confirmed(env=env, order=order)

    def purchase_goods_received(self, *, env: Env, order: Any, moves: list[Any]) -> None:
        self._hook.purchase_goods_received(env=env, order=order, moves=moves)

    def purchase_bill_posted(self, *, env: Env, order: Any, bill: Any) -> None:
        self._hook.purchase_bill_posted(env=env, order=order, bill=bill)
