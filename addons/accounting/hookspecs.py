"""Hooks offered by accounting: what other addons learn about the books.

All are called with keyword arguments only, inside the unit of work of the
accounting operation that caused them: raising rolls the whole operation back.
Implementations in addons that do not depend on accounting must be marked
``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    from kernel.env import Env


@hookspec
def account_payment_state_changed(env: Env, invoices: list[Any]) -> None:
    """Reconciliation recomputed the payment state of ``invoices``.

    ``invoices`` are posted ``account.move`` records that name a source document
    (``origin_model``/``origin_id``), e.g. a vendor bill of a purchase order that a
    payment, a credit note or a reversal just settled (``payment_state``). The
    source document's addon follows them: accounting itself settles sales orders,
    purchase_accounting finishes purchase orders whose bills are paid. Return value
    is ignored.
    """


# --- Typed calls ------------------------------------------------------------


class AccountingHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def account_payment_state_changed(self, *, env: Env, invoices: list[Any]) -> None:
        self._hook.account_payment_state_changed(env=env, invoices=invoices)
