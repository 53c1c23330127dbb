"""Converting quantities between units of the same category: the one converter.

Every addon converts with :func:`convert` (stock moves, sales pricing and delivery
figures, purchase receipts, manufacturing). The rule: ``factor`` is how many reference
units one unit is (a dozen is 12), so ``quantity × from.factor ÷ to.factor``, in
Decimal, then **rounded half-up to a multiple of the target unit's ``rounding``**
(0.01 dozen, 1 unit, 0.001 kg) — a quantity is stored and shown at its unit's
precision. Pass ``rounded=False`` for a ratio or an intermediate value that feeds a
price or another conversion (the price of one line unit in product units), so
rounding happens once, at the end. Units of different categories (kg to m) are
refused with a :class:`~kernel.errors.ValidationError` naming both units and their
categories; floats are refused.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _


def _as_uom(env: Env | None, uom: Any) -> Any:
    if isinstance(uom, int):
        if env is None:
            raise TypeError("pass an env to convert units given by id")
        return env.get("uom.uom", uom)
    return uom


def round_quantity(quantity: Decimal, uom: Any) -> Decimal:
    """``quantity`` rounded half-up to a multiple of the unit's rounding precision."""
    step = Decimal(uom.rounding or 0)
    value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
    if step <= 0:
        return value
    steps = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    exponent = step.normalize().as_tuple().exponent
    places = min(exponent, 0) if isinstance(exponent, int) else 0
    return (steps * step).quantize(Decimal(1).scaleb(places))


def convert(
    env: Env | None, quantity: Decimal, from_uom: Any, to_uom: Any, *, rounded: bool = True
) -> Decimal:
    """``quantity`` of ``from_uom`` expressed in ``to_uom`` (records, or ids with an ``env``).

    Refuses units of different categories (kg to m), naming both units. The
    result is rounded to ``to_uom``'s precision unless ``rounded=False``. A missing
    unit (``None``: a line whose unit is not chosen yet) leaves the quantity as it is.
    """
    if isinstance(quantity, float):
        raise TypeError("floats are not accepted for quantities; pass a Decimal or a string")
    value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
    if from_uom is None or to_uom is None:
        return value
    source = _as_uom(env, from_uom)
    target = _as_uom(env, to_uom)
    if source.id == target.id:
        return round_quantity(value, target) if rounded else value
    if source.category_id != target.category_id:
        raise ValidationError(
            _(
                "Unit of measure: cannot convert %(from_uom)s (%(from_cat)s) to %(to_uom)s (%(to_cat)s), they measure different things",
                from_uom=source.name,
                from_cat=source.category.name,
                to_uom=target.name,
                to_cat=target.category.name,
            ),
            field="uom_id",
        )
    converted = value * Decimal(source.factor) / Decimal(target.factor)
    return round_quantity(converted, target) if rounded else converted
