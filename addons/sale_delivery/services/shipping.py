"""Add shipping: price the order's delivery with its carrier and add it as a taxed line."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.base.services.uom import convert
from addons.delivery.services.pricing import Destination, shipping_price
from addons.sales_order.services.orders import add_lines
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def pick_carrier(env: Env, order: Any) -> Any:
    """The order's carrier, else the first active carrier of its shipping method."""
    if order.carrier_id:
        return env.get("delivery.carrier", order.carrier_id)
    Carrier = env["delivery.carrier"]
    carrier = env.session.scalars(
        select(Carrier)
        .where(Carrier.active.is_(True), Carrier.shipping_method == order.shipping_method)
        .order_by(Carrier.sequence, Carrier.id)
        .limit(1)
    ).first()
    if carrier is None:
        raise ValidationError(
            _("Carrier: no active carrier ships by this shipping method; choose a carrier"),
            field="carrier_id",
        )
    return carrier


def goods_weight(env: Env, lines: list[Any]) -> Decimal:
    """Total weight in kg of the lines (product weight per product unit × converted quantity)."""
    products = env.browse("product.product", {ln.product_id for ln in lines})
    uoms = env.browse(
        "uom.uom", {ln.uom_id for ln in lines} | {p.uom_id for p in products.values()}
    )
    total = ZERO
    for line in lines:
        product = products[line.product_id]
        if not product.weight:
            continue
        qty = convert(env, line.quantity, uoms[line.uom_id], uoms[product.uom_id])
        total += qty * product.weight
    return total


def add_shipping(env: Env, order: Any, _move: Any = None) -> Any:
    """Replace the order's shipping line by one priced for its goods, destination and carrier.

    A workflow action of the draft order (button "Add shipping", API action
    ``add_shipping``); the line carries the shipping product's sales tax.
    """
    carrier = pick_carrier(env, order)
    for line in [ln for ln in order.lines if ln.is_delivery]:
        order.lines.remove(line)
    env.session.flush()
    goods = list(order.lines)
    if not goods:
        raise ValidationError(_("Lines: add the goods before the shipping"), field="lines")
    weight = goods_weight(env, goods)
    amount = sum((ln.price_total or ZERO for ln in goods), ZERO)
    dest = Destination.of_partner(order.shipping_partner or order.partner)
    price = shipping_price(env, carrier, dest, weight, amount)
    product_id = carrier.product_id or env.ref("delivery.product_shipping").id
    added = add_lines(
        env,
        order,
        [{"product_id": product_id, "quantity": 1, "price_unit": price, "name": carrier.name}],
    )
    for line in added:
        line.is_delivery = True
    order.carrier_id = carrier.id
    order.shipping_method = carrier.shipping_method
    order.shipping_weight = weight
    env.session.flush()
    return added[0]
