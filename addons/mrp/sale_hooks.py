"""Manufacturing toward sales orders (registered only when sales_order is installed).

A production order raised for an order's shortage (``origin_model="sale.order"``)
makes the order expect the ``produced`` milestone; the milestone is reached once
none of the order's production orders is open any more. The sales user who
approved the order need not be a production user, and the production user who
finishes an order need not be a seller: both updates are made under ``sudo``.

A failed inspection of a production order made for a sales order raises a
``quality`` exception on the order, for the sales managers; cancelling the sales
order cancels its production orders that are not done, releasing their
reservations, in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kernel import hookimpl, workflow

if TYPE_CHECKING:
    from kernel.env import Env

OPEN = ("draft", "confirmed", "in_progress", "quality")


def _order(env: Env, production: Any) -> Any:
    if production.origin_model != "sale.order" or not production.origin_id:
        return None
    return env.session.get(env["sale.order"], production.origin_id)


@hookimpl
def mrp_production_confirmed(env: Env, production: Any) -> None:
    with env.sudo("the order being made for reports its production"):
        order = _order(env, production)
        if order is not None:
            workflow.expect_milestone(env, order, "produced", addon="mrp", note=production.name)


def _settle(env: Env, production: Any) -> None:
    if production.origin_model != "sale.order":
        return
    Production = env["mrp.production"]
    still_open = env.session.scalar(
        select(func.count(Production.id)).where(
            Production.origin_model == "sale.order",
            Production.origin_id == production.origin_id,
            Production.state.in_(OPEN),
            Production.id != production.id,
        )
    )
    if still_open:
        return
    with env.sudo("the order being made for reports its production"):
        order = _order(env, production)
        if order is not None and order.state != "cancelled":
            workflow.reach_milestone(env, order, "produced", addon="mrp", note=production.name)


@hookimpl
def mrp_production_done(env: Env, production: Any) -> None:
    _settle(env, production)


@hookimpl
def mrp_production_cancelled(env: Env, production: Any) -> None:
    _settle(env, production)


@hookimpl
def mrp_quality_check_failed(env: Env, production: Any, check: Any) -> None:
    """A failed inspection is a ``quality`` exception on the sales order being made for."""
    from addons.mrp.models.quality import FAILED_ACTIONS
    from addons.sales_order.services.exceptions import report_exception
    from kernel.i18n import _, text_of

    with env.sudo("a failed inspection is reported to the sales managers of the order"):
        order = _order(env, production)
        if order is None or order.state == "cancelled":
            return
        failed = format(check.qty_failed.normalize(), "f")
        quantity = format(check.quantity.normalize(), "f")
        text = text_of(
            _(
                "Production order %(production)s: %(failed)s of %(quantity)s %(product)s "
                "failed inspection (%(action)s)",
                production=production.name,
                failed=failed,
                quantity=quantity,
                product=production.product.display_name(env),
                action=text_of(dict(FAILED_ACTIONS)[check.failed_action]),
            )
        )
        report_exception(
            env,
            order,
            "quality",
            text + (": " + check.note if check.note else ""),
            "sales_order.group_manager",
        )


@hookimpl
def sale_order_cancelled(env: Env, order: Any, reason: str) -> None:
    """The order's production orders that are not done are cancelled with it."""
    Production = env["mrp.production"]
    with env.sudo("a cancelled sales order cancels the production raised for it"):
        for production in env.session.scalars(
            select(Production)
            .where(
                Production.origin_model == "sale.order",
                Production.origin_id == order.id,
                Production.state.in_(OPEN),
            )
            .order_by(Production.id)
        ):
            workflow.fire(env, production, "cancel", reason=reason or order.name)


@hookimpl
def mrp_requested_dates(
    env: Env, origin_model: str, origin_ids: list[int]
) -> dict[int, Any] | None:
    """The requested dates of the sales orders production orders are made for."""
    if origin_model != "sale.order" or not origin_ids:
        return None
    Order = env["sale.order"]
    with env.sudo("the production plan shows the date the customer asked for"):
        rows = env.session.execute(
            select(Order.id, Order.requested_date).where(
                Order.id.in_(origin_ids), Order.requested_date.is_not(None)
            )
        ).all()
    return {order_id: day for order_id, day in rows}


@hookimpl
def register_form_panels(register: Any) -> None:
    register("mrp.order_production", "sale.order", render_order_panel)


def render_order_panel(env: Env, order: Any) -> Any:
    """The production orders serving a sales order, on its form: number, product, state."""
    from markupsafe import Markup

    from addons.mrp.models.production import COMPONENT_STATUS, PRODUCTION_STATES
    from kernel.i18n import _, text_of

    Production = env["mrp.production"]
    with env.sudo("a seller sees how the production serving their order is going"):
        rows = env.session.scalars(
            select(Production)
            .where(Production.origin_model == "sale.order", Production.origin_id == order.id)
            .order_by(Production.id)
        ).all()
        if not rows:
            return None
        states = {k: text_of(v) for k, v in PRODUCTION_STATES}
        components = {k: text_of(v) for k, v in COMPONENT_STATUS}
        items = Markup("").join(
            Markup(
                '<tr><td><a href="/app/mrp/productions/{}">{}</a></td><td>{}</td>'
                '<td class="text-end">{}</td><td>{}</td><td>{}</td></tr>'
            ).format(
                mo.id,
                mo.name,
                mo.product.display_name(env),
                f"{mo.quantity.normalize():f}",
                components.get(mo.component_status, mo.component_status),
                states.get(mo.state, mo.state),
            )
            for mo in rows
        )
    title = text_of(_("Production orders"))
    return Markup(
        '<section class="sp-mrp-orders mb-3" aria-label="{}">'
        '<div class="small text-body-secondary mb-1">{}</div>'
        '<table class="table table-sm mb-0"><tbody>{}</tbody></table></section>'
    ).format(title, title, items)
