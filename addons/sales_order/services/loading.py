"""Loading an order with everything the business logic reads, in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env


def load_order(env: Env, order_id: int) -> Any:
    """The order with its lines, their products and taxes, and its checks (3 SELECTs).

    Each line's product comes in the lines' own query (joined: it is never missing);
    taxes are configuration, read through :func:`with_line_references` from the
    process-wide memo (loaded with the order, ``populate_existing`` made them a query).
    """
    Order = env["sale.order"]
    Line = env["sale.order.line"]
    stmt = built(
        env.registry,
        "sales_order.load_order",
        lambda: (
            select(Order)
            .where(Order.id == bindparam("order_id"))
            .options(
                selectinload(Order.lines).joinedload(Line.product, innerjoin=True),
                selectinload(Order.checks),
            )
            .execution_options(populate_existing=True)
        ),
    )
    order = env.session.scalar(stmt, {"order_id": order_id})
    if order is None:
        from kernel.errors import NotFound
        from kernel.i18n import _

        raise NotFound(_("sales order #%(id)s does not exist", id=order_id))
    return with_line_references(env, order)


def load_children(env: Env, order: Any) -> Any:
    """Lines (with products and taxes) and checks of an order this unit already holds.

    What :func:`load_order` loads, without reading the order's own row again: the
    caller got it from this unit (a step that looked at its state first), so
    approving an order read in the same request costs one statement less.
    """
    Line = env["sale.order.line"]
    Check = env["sale.order"].checks.property.mapper.class_
    lines = env.session.scalars(
        built(
            env.registry,
            "sales_order.load_lines",
            lambda: (
                select(Line)
                .where(Line.order_id == bindparam("order_id"))
                .order_by(Line.sequence, Line.id)
                .options(joinedload(Line.product, innerjoin=True), selectinload(Line.tax))
            ),
        ),
        {"order_id": order.id},
    ).all()
    set_committed_value(order, "lines", list(lines))
    if "checks" in inspect(order).unloaded:
        checks = env.session.scalars(
            built(
                env.registry,
                "sales_order.load_checks",
                lambda: select(Check).where(Check.order_id == bindparam("order_id")),
            ),
            {"order_id": order.id},
        ).all()
        set_committed_value(order, "checks", list(checks))
    return order


def with_lines(env: Env, order: Any) -> Any:
    """An order this unit holds, with its lines, their products and taxes, and its checks.

    Whatever is missing is read in bulk: a guard or check walking the lines of an
    order the generic API or a form loaded must not read each line's product alone.
    """
    if "lines" in inspect(order).unloaded:
        return load_children(env, order)
    return with_line_references(env, order)


def with_line_references(env: Env, order: Any) -> Any:
    """The products and taxes of an order's loaded lines, read in bulk where missing.

    Why: the generic API and forms load an order with its lines but not what the
    lines point to; the checks of a submission then read each line's product on
    its own — a statement per line.
    """
    lines = [line for line in order.lines if {"product", "tax"} & inspect(line).unloaded]
    if not lines:
        return order
    products = env.browse("product.product", [line.product_id for line in lines])
    taxes = env.browse("res.tax", [line.tax_id for line in lines if line.tax_id is not None])
    for line in lines:
        set_committed_value(line, "product", products.get(line.product_id))
        set_committed_value(line, "tax", taxes.get(line.tax_id) if line.tax_id else None)
    return order
