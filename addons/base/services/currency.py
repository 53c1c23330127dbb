"""Rounding amounts to a currency and converting between currencies.

Every document rounds through :func:`round` so that an order, its invoice and
its payment agree to the cent (or to the yen: JPY has no decimals).
Rounding is ``ROUND_HALF_UP`` — what Chinese invoices (发票) and accountants expect,
not Python's default banker's rounding.
"""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _

DEFAULT_DECIMALS = 2


def decimals_of(currency: Any) -> int:
    """Decimal places of ``currency`` (a record, or ``None`` for the default two)."""
    if currency is None:
        return DEFAULT_DECIMALS
    if isinstance(currency, int):
        return currency
    return int(currency.decimals if currency.decimals is not None else DEFAULT_DECIMALS)


def round(amount: Decimal | int | str, currency: Any = None) -> Decimal:
    """``amount`` rounded half-up to the decimals of ``currency`` (a record, an int or None)."""
    if isinstance(amount, float):
        raise TypeError("floats are not accepted for money; pass a Decimal or a string")
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return value.quantize(Decimal(1).scaleb(-decimals_of(currency)), rounding=ROUND_HALF_UP)


def is_zero(amount: Decimal, currency: Any = None) -> bool:
    return round(amount, currency) == 0


def by_code(env: Env, code: str) -> Any:
    """The currency with ISO ``code``; a clear error when it is not defined."""
    Currency = env["res.currency"]
    found = env.session.scalar(select(Currency).where(Currency.code == code.upper()))
    if found is None:
        raise ValidationError(
            _("Currency: %(code)s is not defined", code=code), field="currency_id"
        )
    return found


def _as_currency(env: Env, currency: Any) -> Any:
    if isinstance(currency, str):
        return by_code(env, currency)
    if isinstance(currency, int):
        return env.get("res.currency", currency)
    return currency


def rate(env: Env, currency: Any, date: dt.date | None = None) -> Decimal:
    """Units of ``currency`` per unit of the reference currency on ``date`` (latest known before)."""
    currency = _as_currency(env, currency)
    Rate = env["res.currency.rate"]
    when = date or dt.date.today()
    found = env.session.scalar(
        select(Rate.rate)
        .where(Rate.currency_id == currency.id, Rate.date <= when)
        .order_by(Rate.date.desc())
        .limit(1)
    )
    if found is None:
        raise ValidationError(
            _(
                "Currency: no exchange rate for %(code)s on or before %(date)s",
                code=currency.code,
                date=when.isoformat(),
            ),
            field="currency_id",
        )
    return Decimal(found)


def convert(
    env: Env,
    amount: Decimal,
    from_currency: Any,
    to_currency: Any,
    date: dt.date | None = None,
    *,
    rounded: bool = True,
) -> Decimal:
    """``amount`` in ``from_currency`` expressed in ``to_currency`` at the rates of ``date``.

    Currencies may be records, ids or ISO codes. The result is rounded to the
    target currency's decimals unless ``rounded=False`` (for chained computations).
    """
    source = _as_currency(env, from_currency)
    target = _as_currency(env, to_currency)
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    if source.id == target.id:
        return round(value, target) if rounded else value
    converted = value * rate(env, target, date) / rate(env, source, date)
    return round(converted, target) if rounded else converted


def format_amount(amount: Decimal, currency: Any = None) -> str:
    """``¥1,234.50`` — grouped, with the currency's symbol and decimals."""
    value = round(amount, currency)
    symbol = currency.symbol if currency is not None and currency.symbol else ""
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{builtins.abs(value):,.{decimals_of(currency)}f}"
