"""Purchase's implementations of kernel and stock hooks."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kernel import hookimpl

if TYPE_CHECKING:
    from kernel.env import Env


@hookimpl
def stock_replenish(
    env: Env,
    product_id: int,
    warehouse_id: int,
    quantity: Decimal,
    origin_model: str,
    origin_id: int | None,
) -> str | None:
    """Reorder rules and sales shortages become purchase requisitions (for purchasable products)."""
    from addons.purchase.services.requisitions import raise_requisition

    product = env.get("product.product", product_id)
    if not product.purchase_ok:
        return None
    origin = ""
    if origin_model and origin_id and origin_model in env:
        record = env.session.get(env[origin_model], origin_id)
        origin = getattr(record, "name", "") or ""
    with env.sudo("a stock shortage raises a purchase requisition whoever caused it"):
        requisition = raise_requisition(
            env,
            product_id,
            quantity,
            warehouse_id=warehouse_id,
            origin_model=origin_model,
            origin_id=origin_id,
            origin=origin,
        )
        if origin_model == "sale.order" and origin_id and "sale.order" in env:
            from kernel import workflow

            order = env.session.get(env["sale.order"], origin_id)
            if order is not None:
                workflow.expect_milestone(
                    env, order, "procured", addon="purchase", note=requisition.name
                )
    return str(requisition.name)


@hookimpl
def stock_moves_done(env: Env, moves: list[Any]) -> None:
    """Receipts of purchase orders update the received quantities and the order's progress."""
    from addons.purchase.services.receipts import on_moves_done

    mine = [m for m in moves if m.origin_model == "purchase.order"]
    if mine:
        # the storekeeper who validates a receipt need not be a buyer: the receipt
        # itself was checked as theirs; the order's received quantities follow from it
        with env.sudo("a validated receipt updates the purchase order it receives"):
            on_moves_done(env, mine)


@hookimpl
def register_views(register: Any) -> None:
    from addons.purchase.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Any) -> None:
    from addons.purchase.views import register_menus as menus

    menus(register)


@hookimpl
def register_routes(register: Any) -> None:
    from addons.purchase.routes import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_document_links(register: Any) -> None:
    from addons.purchase.links import LINKS

    for link in LINKS:
        register(link)
