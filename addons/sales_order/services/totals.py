"""Line and order amounts: each line rounded in the order currency, then summed.

Rounding per line (not on the order sum) is what customers see on the
document: every printed line total adds up to the printed order total, taxes
included. Amounts are Decimal end to end; the arithmetic is base's tax engine
(:func:`addons.base.services.tax.compute`), shared with invoices, so an invoice
made from the order agrees with it to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from addons.base.services import tax as tax_engine

if TYPE_CHECKING:
    from kernel.env import Env

HUNDRED = Decimal(100)


def line_amounts(
    quantity: Decimal, price_unit: Decimal, discount: Decimal, tax: Any | None, currency: Any
) -> tuple[Decimal, Decimal, Decimal]:
    """``(subtotal, tax, total)`` of one line, each rounded to the currency; total = subtotal + tax."""
    result = tax_engine.compute(
        price_unit, tax, quantity=quantity, discount=discount or Decimal(0), currency=currency
    )
    return result.untaxed, result.tax, result.total


AMOUNTS = ("price_subtotal", "price_tax", "price_total")


def compute_line(line: Any, currency: Any) -> None:
    """Store the amounts of ``line`` (its ``tax`` should be in the identity map already).

    Only amounts that differ are set: a line left as it was stays clean, so saving one
    line of a 500-line order does not have every flush check (the life cycle, the access
    layer) walk 500 "changed" lines that changed nothing.
    """
    amounts = line_amounts(
        line.quantity or Decimal(0),
        line.price_unit or Decimal(0),
        line.discount or Decimal(0),
        line.tax,
        currency,
    )
    for key, value in zip(AMOUNTS, amounts, strict=True):
        if getattr(line, key, None) != value:
            setattr(line, key, value)


def compute_order(env: Env, order: Any) -> None:
    """Recompute every line and the order totals in Python over the loaded lines.

    Call it on orders whose lines were loaded with their taxes (``load_order``)
    to stay free of per-line queries.
    """
    currency = order.currency
    untaxed = tax = total = Decimal(0)
    # lines deleted in this flush still sit in the collection
    gone = env.session.deleted if env is not None else ()
    for line in order.lines:
        if line in gone:
            continue
        compute_line(line, currency)
        untaxed += line.price_subtotal
        tax += line.price_tax
        total += line.price_total
    for key, value in (("amount_untaxed", untaxed), ("amount_tax", tax), ("amount_total", total)):
        if getattr(order, key, None) != value:
            setattr(order, key, value)
