"""Hooks offered by sales_order: how other addons act on and around a sales order.

Every hook is called with keyword arguments only, inside the unit of work
(transaction) of the user action that caused it — if an implementation raises,
the whole action (submission, approval, completion …) rolls back and the user
sees the error. Implementations in addons that do not depend on sales_order must
be marked ``@hookimpl(optionalhook=True)``.

Order of events in the life of an order::

    submit   → sale_order_checks (gathered), sale_order_submitted
               → [auto-approval rules may approve right away]
    approve  → sale_order_approved  → (automatic) start → sale_order_confirmed
    reject   → sale_order_rejected (back to draft, with the reason)
    (all execution milestones done) complete → sale_order_completed
    (all settlement milestones done) close   → sale_order_closed
    cancel   → sale_order_cancel_blockers (asked first), sale_order_cancelled

Milestones: an addon that must do something before the order counts as
completed calls ``kernel.workflow.expect_milestone(env, order, name, addon)``
in ``sale_order_approved`` (execution phase) or ``sale_order_completed``
(settlement phase), and later ``reach_milestone``. Expect *all* your milestones
before reaching any of them: reaching one advances the order as soon as every
milestone expected so far is done.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from addons.sales_order.types import CheckResult, PriceSuggestion
from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    import datetime as dt

    from kernel.env import Env

__all__ = ["CheckResult", "PriceSuggestion"]


@hookspec
def sale_order_checks(env: Env, order: Any) -> list[CheckResult]:
    """Gather pre-approval checks when ``order`` is submitted.

    Called in the submission transaction, after the order's completeness was
    verified and its totals computed (lines are loaded), before
    ``sale_order_submitted``. Return a list of
    :class:`~addons.sales_order.types.CheckResult` (possibly empty). Results of
    every addon are stored on the order (``sale.order.check``) and in its history:
    any ``block`` prevents approval, any ``review`` keeps the order away from
    automatic approval so a manager must approve it. Do not write to the order here.
    """
    raise NotImplementedError  # a specification: pluggy calls the implementations


@hookspec
def sale_order_submitted(env: Env, order: Any) -> None:
    """The order went from draft to submitted (checks are stored on it already).

    Called inside the submission transaction, before automatic approval is
    considered. Return value is ignored.
    """


@hookspec
def sale_order_approved(env: Env, order: Any) -> None:
    """The order was approved (by a manager or automatically).

    Called inside the approval transaction with the order in state ``approved``.
    Stock reserves the goods and expects its execution milestones (``reserved``,
    ``shipped``) here; purchase may expect ``procured``. Right after every
    implementation ran, the order starts (``in_progress``) by itself and
    ``sale_order_confirmed`` fires. Raising refuses the approval. Return value is ignored.
    """


@hookspec
def sale_order_rejected(env: Env, order: Any, reason: str) -> None:
    """A manager rejected the submitted order; it is back in draft with ``reason``.

    Called inside the rejection transaction; ``order.reject_reason`` holds the
    reason too. Return value is ignored.
    """


@hookspec
def sale_order_confirmed(env: Env, order: Any) -> None:
    """The approved order started (``in_progress``): the customer's confirmation may go out.

    Called inside the approval transaction, after ``sale_order_approved``.
    Return value is ignored.
    """


@hookspec
def sale_order_completed(env: Env, order: Any) -> None:
    """Every execution milestone is done; the order is ``completed``.

    Called inside the transaction that reached the last execution milestone
    (e.g. stock validating the delivery), or the approval transaction when no
    milestone was expected. Accounting invoices here and expects its settlement
    milestones (``invoiced``, ``settled``). Return value is ignored.
    """


@hookspec
def sale_order_closed(env: Env, order: Any) -> None:
    """Every settlement milestone is done; the order is ``closed`` (final).

    Called inside the transaction that reached the last settlement milestone.
    Return value is ignored.
    """


@hookspec
def sale_order_cancel_blockers(env: Env, order: Any) -> list[str]:
    """Reasons why ``order`` cannot be cancelled now (goods shipped, invoice posted …).

    Asked before a cancellation, inside its transaction. Return a list of
    translated sentences; an empty list (or ``None``) means "no objection".
    Any non-empty answer refuses the cancellation and is shown to the user.
    """
    raise NotImplementedError  # a specification: pluggy calls the implementations


@hookspec
def sale_order_cancelled(env: Env, order: Any, reason: str) -> None:
    """The order was cancelled with ``reason``: release what you hold for it.

    Called inside the cancellation transaction (stock releases reservations,
    purchase drops requisitions). Return value is ignored.
    """


@hookspec(firstresult=True)
def sale_partner_open_receivable(env: Env, partner_id: int) -> Decimal | None:
    """The partner's open receivable (posted, unpaid invoices) in the company currency.

    Used by the credit-limit check and the auto-approval rules at submission.
    The first non-``None`` answer wins (accounting answers); ``None`` from every
    implementation counts as zero. Read-only: do not write.
    """


@hookspec(firstresult=True)
def sale_price_rule(
    env: Env, partner: Any, product: Any, quantity: Decimal, date: dt.date
) -> PriceSuggestion | None:
    """Override the pricing engine for one line (contracts, promotions …).

    Called when a line is priced (order entry), before the ``sale.pricelist``
    rules. ``quantity`` is in the product's unit. Return a
    :class:`~addons.sales_order.types.PriceSuggestion` to impose its price and
    discount (the first answer wins), or ``None`` to let the rules decide. The
    line shows its source as "Contract or promotion" (``source="special"``, the
    default); put a reference such as the contract number in ``note``.
    Read-only: do not write.
    """


# --- Typed calls ------------------------------------------------------------


class SalesOrderHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def sale_order_checks(self, *, env: Env, order: Any) -> list[list[CheckResult]]:
        answer: list[list[CheckResult]] = self._hook.sale_order_checks(env=env, order=order)
        return answer

    def sale_order_submitted(self, *, env: Env, order: Any) -> None:
        self._hook.sale_order_submitted(env=env, order=order)

    def sale_order_approved(self, *, env: Env, order: Any) -> None:
        self._hook.sale_order_approved(env=env, order=order)

    def sale_order_rejected(self, *, env: Env, order: Any, reason: str) -> None:
        self._hook.sale_order_rejected(env=env, order=order, reason=reason)

    def sale_order_confirmed(self, *, env: Env, order: Any) -> None:
        self._hook.sale_order_confirmed(env=env, order=order)

    def sale_order_completed(self, *, env: Env, order: Any) -> None:
        self._hook.sale_order_completed(env=env, order=order)

    def sale_order_closed(self, *, env: Env, order: Any) -> None:
        self._hook.sale_order_closed(env=env, order=order)

    def sale_order_cancel_blockers(self, *, env: Env, order: Any) -> list[list[str]]:
        answer: list[list[str]] = self._hook.sale_order_cancel_blockers(env=env, order=order)
        return answer

    def sale_order_cancelled(self, *, env: Env, order: Any, reason: str) -> None:
        self._hook.sale_order_cancelled(env=env, order=order, reason=reason)

    def sale_partner_open_receivable(self, *, env: Env, partner_id: int) -> Decimal | None:
        answer: Decimal | None = self._hook.sale_partner_open_receivable(
            env=env, partner_id=partner_id
        )
        return answer

    def sale_price_rule(
        self, *, env: Env, partner: Any, product: Any, quantity: Decimal, date: dt.date
    ) -> PriceSuggestion | None:
        answer: PriceSuggestion | None = self._hook.sale_price_rule(
            env=env, partner=partner, product=product, quantity=quantity, date=date
        )
        return answer
