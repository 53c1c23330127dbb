"""Purchase orders: entry, totals, approval threshold, confirmation, receipts, bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addons.base.services.tax import compute
from addons.purchase.hookspecs import PurchaseHooks
from addons.purchase.services.supplier_prices import best_prices, price_for
from kernel import workflow
from kernel.errors import ValidationError
from kernel.fields import utcnow
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

DEFAULT_APPROVAL_AMOUNT = Decimal("50000")


def create_order(env: Env, partner_id: int, lines: list[dict[str, Any]], **fields: Any) -> Any:
    """A draft purchase order; line prices default to the supplier's price list, then the product cost."""
    Order = env["purchase.order"]
    Line = env["purchase.order.line"]
    partner = env.get("res.partner", partner_id)
    if not partner.is_supplier:
        raise ValidationError(
            _("%(partner)s is not a supplier", partner=partner.name), field="partner_id"
        )
    products = _products(env, [int(line["product_id"]) for line in lines])
    prices = best_prices(env, list(products))
    fields.setdefault("currency_id", _company_currency(env))
    fields.setdefault("buyer_id", env.uid)
    order = Order(partner_id=partner_id, name=env.next_number("purchase.order"), **fields)
    env.session.add(order)
    for index, values in enumerate(lines):
        product = products[int(values["product_id"])]
        quantity = Decimal(str(values["quantity"]))
        if "price_unit" in values:
            price = Decimal(str(values["price_unit"]))
        else:
            row = price_for(prices.get(product.id, []), partner_id, quantity)
            price = row.price if row is not None else product.standard_price
        order.lines.append(
            Line(
                sequence=(index + 1) * 10,
                product_id=product.id,
                description=values.get("description") or product.name,
                quantity=quantity,
                uom_id=values.get("uom_id") or product.uom_id,
                price_unit=price,
                tax_id=values.get("tax_id", product.purchase_tax_id),
                expected_date=values.get("expected_date") or fields.get("expected_date"),
            )
        )
    recompute(env, order)
    env.session.flush()
    return order


def _products(env: Env, ids: list[int]) -> dict[int, Any]:
    found = env.browse("product.product", ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            _("unknown products: %(ids)s", ids=", ".join(map(str, missing))), field="product_id"
        )
    return found


def fill_line(env: Env, order: Any, line: Any) -> None:
    """Defaults of a line entered without them: unit, description, supplier price, tax."""
    if line.product_id is None:
        return
    product = env.browse("product.product", [int(line.product_id)]).get(int(line.product_id))
    if product is None:
        return
    if line.uom_id is None:
        line.uom_id = product.uom_id
    if not line.description:
        line.description = product.name
    if line.price_unit is None:
        row = price_for(
            best_prices(env, [product.id]).get(product.id, []),
            order.partner_id,
            line.quantity or Decimal(1),
        )
        line.price_unit = row.price if row is not None else product.standard_price
    if line.tax_id is None:
        line.tax_id = product.purchase_tax_id


def add_line(env: Env, order: Any, product_id: int, quantity: Decimal) -> Any:
    """Append a line for ``quantity`` of a product to a draft order, priced like any other."""
    Line = env["purchase.order.line"]
    line = Line(
        product_id=product_id,
        quantity=quantity,
        sequence=(max((ln.sequence for ln in order.lines), default=0) + 10),
    )
    fill_line(env, order, line)
    order.lines.append(line)
    recompute(env, order)
    env.session.flush()
    return line


def company_currency(env: Env) -> int | None:
    return _company_currency(env)


def _company_currency(env: Env) -> int | None:
    try:
        return int(env.ref("base.main_company").currency_id)
    except Exception:
        return None


def recompute(env: Env, order: Any) -> None:
    """Line and order amounts through the shared tax engine (round per line, then sum)."""
    Tax = env["res.tax"]
    tax_ids = {line.tax_id for line in order.lines if line.tax_id}
    taxes = (
        {t.id: t for t in env.session.scalars(select(Tax).where(Tax.id.in_(tax_ids)))}
        if tax_ids
        else {}
    )
    currency = (
        env.session.get(env["res.currency"], order.currency_id) if order.currency_id else None
    )
    untaxed = tax = total = Decimal(0)
    gone = env.session.deleted  # lines deleted in this flush still sit in the collection
    for line in order.lines:
        if line in gone:
            continue
        if line.quantity <= 0:
            raise ValidationError(_("Quantity: must be greater than zero"), field="quantity")
        if line.price_unit < 0:
            raise ValidationError(_("Unit price: cannot be negative"), field="price_unit")
        result = compute(
            line.price_unit, taxes.get(line.tax_id), quantity=line.quantity, currency=currency
        )
        line.price_subtotal, line.price_tax, line.price_total = (
            result.untaxed,
            result.tax,
            result.total,
        )
        untaxed += result.untaxed
        tax += result.tax
        total += result.total
    order.amount_untaxed, order.amount_tax, order.amount_total = untaxed, tax, total


def completeness_problems(env: Env, order: Any) -> list[LazyString]:
    problems = []
    if not order.lines:
        problems.append(_("the order has no lines"))
    for line in order.lines:
        if line.quantity <= 0:
            problems.append(
                _("line %(product)s: quantity must be greater than zero", product=line.description)
            )
    return problems


def approval_limit(env: Env) -> Decimal:
    return Decimal(str(env.setting("purchase_approval_amount", DEFAULT_APPROVAL_AMOUNT)))


def needs_approval(env: Env, order: Any) -> bool:
    return bool(order.amount_total > approval_limit(env))


def confirm(env: Env, order: Any) -> Any:
    """Confirm, or ask for approval when the total is above the threshold and the user is no manager."""
    if needs_approval(env, order) and not env.has_group("purchase.group_manager"):
        return workflow.fire(env, order, "request_approval")
    return workflow.fire(env, order, "confirm")


def after_confirm(env: Env, order: Any, *, approved: bool) -> None:
    """Create the incoming transfer, mark requisitions ordered and tell other addons."""
    from addons.purchase.services.receipts import create_receipt

    order.confirmed_at = utcnow()
    if approved:
        order.approved_by_id = env.uid
    create_receipt(env, order)
    workflow.expect_milestone(env, order, "received", addon="purchase")
    Requisition = env["purchase.requisition"]
    line_ids = [line.id for line in order.lines]
    for req in env.session.scalars(
        select(Requisition).where(Requisition.order_line_id.in_(line_ids))
    ):
        req.state = "ordered"
    PurchaseHooks(env).purchase_order_confirmed(env=env, order=order)


def after_cancel(env: Env, order: Any) -> None:
    from addons.purchase.services.receipts import cancel_receipts

    cancel_receipts(env, order)
    Requisition = env["purchase.requisition"]
    line_ids = [line.id for line in order.lines]
    for req in env.session.scalars(
        select(Requisition).where(Requisition.order_line_id.in_(line_ids))
    ):
        req.state = "draft"
        req.order_line_id = None


def load_orders(env: Env, ids: list[int]) -> dict[int, Any]:
    Order = env["purchase.order"]
    rows = env.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines))
    )
    return {o.id: o for o in rows}


def register_bill(env: Env, order: Any, quantities: dict[int, Decimal], bill: Any) -> None:
    """Record that ``bill`` charges ``quantities`` (per line id); refuses billing more than received."""
    lines = {line.id: line for line in order.lines}
    for line_id, qty in quantities.items():
        line = lines[line_id]
        if line.qty_billed + qty > line.qty_received:
            raise ValidationError(
                _(
                    "%(product)s: billing %(qty)s would exceed the received quantity %(received)s",
                    product=line.description,
                    qty=str(qty),
                    received=str(line.qty_received),
                ),
                field="quantity",
            )
        line.qty_billed += qty
    PurchaseHooks(env).purchase_bill_posted(env=env, order=order, bill=bill)


def expected_date_for(env: Env, partner_id: int, product_ids: list[int]) -> dt.date:
    prices = best_prices(env, product_ids)
    delays = [rows[0].delay_days for rows in prices.values() if rows]
    return dt.date.today() + dt.timedelta(days=max(delays, default=0))
