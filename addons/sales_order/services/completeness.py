"""What must be filled in before an order can be submitted, with messages naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from addons.sales_order.services.loading import with_lines
from kernel.errors import ValidationError
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env


def problems(env: Env, order: Any, today: dt.date | None = None) -> dict[str, LazyString]:
    """Field name → what is wrong; empty when the order is complete.

    Lines are keyed ``lines.<n>.<field>`` (n counted from 1, as on screen).
    """
    today = today or dt.date.today()
    # A back-dated order (entered late, or historical data) is judged from its own date.
    reference = min(today, order.date_order or today)
    found: dict[str, LazyString] = {}
    if order.partner_id is None:
        found["partner_id"] = _("Customer: choose the customer this order is for")
    if order.requested_date is not None and order.requested_date < reference:
        found["requested_date"] = _(
            "Requested delivery date: %(date)s is in the past",
            date=order.requested_date.isoformat(),
        )
    lines = list(order.lines)
    if not lines:
        found["lines"] = _("Lines: add at least one product")
    for index, line in enumerate(lines, start=1):
        label = line.product.name if line.product is not None else f"#{index}"
        if line.quantity is None or line.quantity <= 0:
            found[f"lines.{index}.quantity"] = _(
                "Quantity of line %(n)s (%(product)s) must be greater than zero",
                n=index,
                product=label,
            )
        if line.price_unit is not None and line.price_unit < 0:
            found[f"lines.{index}.price_unit"] = _(
                "Unit price of line %(n)s (%(product)s) cannot be negative", n=index, product=label
            )
        if is_below_cost(line) and not (line.below_cost_reason or "").strip():
            found[f"lines.{index}.below_cost_reason"] = _(
                "Line %(n)s (%(product)s) is priced below cost: give a reason",
                n=index,
                product=label,
            )
    return found


def is_below_cost(line: Any) -> bool:
    cost = line.cost_price or Decimal(0)
    return cost > 0 and line.price_net < cost


def ensure_complete(env: Env, order: Any) -> None:
    """Raise one :class:`ValidationError` listing every missing or wrong field."""
    found = problems(env, with_lines(env, order))
    if found:
        message = _(
            "the order cannot be submitted: %(problems)s",
            problems="; ".join(str(m) for m in found.values()),
        )
        raise ValidationError(message, fields=dict(found))
