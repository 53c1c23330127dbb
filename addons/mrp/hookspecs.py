"""Hooks offered by manufacturing: what other addons learn about production orders.

Called with keyword arguments, inside the unit of work of the step that caused
them: raising rolls the whole step back. Implementations in addons that do not
depend on mrp must be marked ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    from kernel.env import Env


@hookspec
def mrp_production_confirmed(env: Env, production: Any) -> None:
    """``production`` was confirmed: its components are reserved (as far as stock allows),
    short ones were sent to ``stock_replenish``. ``production.origin_model`` /
    ``origin_id`` name the document it serves (``sale.order``, ``stock.reorder.rule``,
    another ``mrp.production``). Return value is ignored."""


@hookspec
def mrp_production_done(env: Env, production: Any) -> None:
    """``production`` is done: its components were consumed and the product is in stock
    (``production.unit_cost`` holds its cost per unit). Return value is ignored."""


@hookspec
def mrp_production_cancelled(env: Env, production: Any) -> None:
    """``production`` was cancelled inside the cancel transaction: its open moves are
    cancelled and their reservations released, so whatever it served (a sales order's
    ``produced`` milestone) can stop waiting for it. Return value is ignored."""


@hookspec
def mrp_quality_check_failed(env: Env, production: Any, check: Any) -> None:
    """An inspection of ``production`` found failed units (``check.qty_failed``, in the
    order's unit; ``check.failed_action`` says whether they will be scrapped or reworked
    when the order is finished). Called inside the transaction recording the inspection:
    raising refuses it. Sales raises a ``quality`` exception on the order being made for.
    Return value is ignored."""


@hookspec
def mrp_requested_dates(
    env: Env, origin_model: str, origin_ids: list[int]
) -> dict[int, Any] | None:
    """The dates the documents ``origin_ids`` of ``origin_model`` (those production orders
    serve, e.g. ``sale.order``) asked their goods for, ``{id: date}``; ``None`` when the model
    is not yours. The production plan flags orders finishing later as late and schedules the
    earliest first."""


# --- Typed calls ------------------------------------------------------------


class MrpHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def mrp_production_confirmed(self, *, env: Env, production: Any) -> None:
        self._hook.mrp_production_confirmed(env=env, production=production)

    def mrp_production_done(self, *, env: Env, production: Any) -> None:
        self._hook.mrp_production_done(env=env, production=production)

    def mrp_production_cancelled(self, *, env: Env, production: Any) -> None:
        self._hook.mrp_production_cancelled(env=env, production=production)

    def mrp_quality_check_failed(self, *, env: Env, production: Any, check: Any) -> None:
        self._hook.mrp_quality_check_failed(env=env, production=production, check=check)

    def mrp_requested_dates(
        self, *, env: Env, origin_model: str, origin_ids: list[int]
    ) -> list[dict[int, Any] | None]:
        answers: list[dict[int, Any] | None] = self._hook.mrp_requested_dates(
            env=env, origin_model=origin_model, origin_ids=origin_ids
        )
        return answers
