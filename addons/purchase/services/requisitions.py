"""Purchase requisitions: raising them, and turning them into requests for quotation.

Requisitions come from stock (reorder rules and sales shortages, through the
``stock_replenish`` hook) or from a person. Consolidation groups the open ones by
suggested supplier into one draft purchase order each, merging lines of the same
product, so a buyer sends one RFQ per supplier instead of one per shortage.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.purchase.services.supplier_prices import best_prices
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env


def raise_requisition(
    env: Env,
    product_id: int,
    quantity: Decimal,
    *,
    warehouse_id: int | None = None,
    origin_model: str = "",
    origin_id: int | None = None,
    origin: str = "",
    required_date: dt.date | None = None,
    note: str = "",
) -> Any:
    """Create a requisition for ``quantity`` of ``product_id`` with the best supplier suggested."""
    if quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field="quantity")
    product = env.get("product.product", product_id)
    if not product.purchase_ok:
        raise ValidationError(
            _("%(product)s cannot be purchased", product=product.name), field="product_id"
        )
    prices = best_prices(env, [product_id]).get(product_id, [])
    delay = prices[0].delay_days if prices else 0
    Requisition = env["purchase.requisition"]
    requisition = Requisition(
        name=env.next_number("purchase.requisition"),
        product_id=product_id,
        quantity=quantity,
        uom_id=product.uom_id,
        warehouse_id=warehouse_id,
        supplier_id=prices[0].partner_id if prices else None,
        required_date=required_date or dt.date.today() + dt.timedelta(days=delay),
        origin_model=origin_model,
        origin_id=origin_id,
        origin=origin,
        note=note,
    )
    env.session.add(requisition)
    env.session.flush()
    return requisition


def create_rfqs(env: Env, requisition_ids: list[int] | None = None) -> list[Any]:
    """One draft purchase order per suggested supplier from open requisitions; returns the orders."""
    from addons.purchase.services.orders import create_order

    Requisition = env["purchase.requisition"]
    query = select(Requisition).where(Requisition.state == "draft").order_by(Requisition.id)
    if requisition_ids is not None:
        query = query.where(Requisition.id.in_(requisition_ids))
    requisitions = env.session.scalars(query).all()
    missing = [r.name for r in requisitions if r.supplier_id is None]
    if missing:
        raise ValidationError(
            _(
                "requisitions without a supplier: %(names)s — set a supplier price or choose a supplier",
                names=", ".join(missing),
            ),
            field="supplier_id",
        )
    by_supplier: dict[tuple[int, int | None], list[Any]] = {}
    for req in requisitions:
        by_supplier.setdefault((req.supplier_id, req.warehouse_id), []).append(req)
    orders = []
    for (supplier_id, warehouse_id), reqs in by_supplier.items():
        merged: dict[int, Decimal] = {}
        for req in reqs:
            merged[req.product_id] = merged.get(req.product_id, Decimal(0)) + req.quantity
        order = create_order(
            env,
            supplier_id,
            [{"product_id": pid, "quantity": qty} for pid, qty in merged.items()],
            warehouse_id=warehouse_id,
            expected_date=min((r.required_date for r in reqs if r.required_date), default=None),
        )
        line_by_product = {line.product_id: line for line in order.lines}
        for req in reqs:
            req.state = "rfq"
            req.order_line_id = line_by_product[req.product_id].id
        orders.append(order)
    env.session.flush()
    return orders


def link_order(env: Env, requisition: Any, order_id: int) -> Any:
    """Attach a requisition to a purchase order made by hand; returns the order.

    The order's line for the requisition's product serves it (a line is added to a
    draft or sent order that lacks one). Receiving that line then closes the
    requisition and reports ``procured`` to the sales order it came from, exactly
    as for an RFQ created from the requisition.
    """
    if requisition.state not in ("draft", "rfq"):
        raise ValidationError(
            _("requisition %(name)s is already ordered", name=requisition.name), field="state"
        )
    order = env.get("purchase.order", order_id)
    line = next((ln for ln in order.lines if ln.product_id == requisition.product_id), None)
    if line is None:
        if order.state not in ("draft", "sent"):
            raise ValidationError(
                _(
                    "purchase order %(order)s has no line for %(product)s and is no longer a draft",
                    order=order.name,
                    product=requisition.product.name,
                ),
                field="order_id",
            )
        from addons.purchase.services.orders import add_line

        line = add_line(env, order, requisition.product_id, requisition.quantity)
    requisition.order_line_id = line.id
    requisition.supplier_id = order.partner_id
    requisition.state = "rfq" if order.state in ("draft", "sent", "to_approve") else "ordered"
    env.session.flush()
    return order
