"""Converting a quantity between units of the same category (``uom.uom.factor``).

``factor`` is the number of reference units in one of the unit (a dozen is 12),
so ``qty × from.factor ÷ to.factor``, rounded half-up to the quantity scale.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kernel.errors import ValidationError
from kernel.fields import QUANTITY_SCALE
from kernel.i18n import _

QUANTUM = Decimal(1).scaleb(-QUANTITY_SCALE)


def convert(quantity: Decimal, from_uom: Any, to_uom: Any) -> Decimal:
    if from_uom is None or to_uom is None or from_uom.id == to_uom.id:
        return Decimal(quantity)
    if from_uom.category_id != to_uom.category_id:
        raise ValidationError(
            _(
                "Unit: %(from)s cannot be converted to %(to)s (different kinds of unit)",
                **{"from": from_uom.name, "to": to_uom.name},
            ),
            field="uom_id",
        )
    value = Decimal(quantity) * Decimal(from_uom.factor) / Decimal(to_uom.factor)
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
