"""Column types and field helpers every model uses.

Money and quantities are :class:`~decimal.Decimal` end to end. PostgreSQL keeps
``NUMERIC`` exact, but SQLite stores it as a binary float, so sums drift and
large amounts lose digits. :class:`Exact` stores a scaled integer on SQLite
(``12.34`` with scale 4 is ``123400``): SQL ``SUM`` over integers is exact, and
the result type of ``func.sum(column)`` is the column's type, so the sum comes
back as a ``Decimal`` too.

Field helpers attach the translatable label and help text to the column's
``info``; the UI, the API and the docs all read them from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric, event
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator, TypeEngine

from kernel.i18n import LazyString, _

MONEY_SCALE = 4
QUANTITY_SCALE = 4
MAX_DIGITS = 18


class Exact(TypeDecorator[Decimal]):
    """An exact decimal: ``NUMERIC(p, s)`` on PostgreSQL, a scaled ``BIGINT`` on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = MONEY_SCALE, precision: int = MAX_DIGITS) -> None:
        super().__init__()
        self.scale = scale
        self.precision = precision
        self._quantum = Decimal(1).scaleb(-scale)
        self._factor = 10**scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def _coerce(self, value: Any) -> Decimal:
        if isinstance(value, float):
            raise TypeError("floats are not accepted for exact amounts; pass a Decimal or a string")
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
        quantized = number.quantize(self._quantum, rounding=ROUND_HALF_UP)
        if quantized != number:
            raise ValueError(f"{number} has more than {self.scale} decimal places")
        if len(quantized.as_tuple().digits) > self.precision:
            raise ValueError(f"{number} has more than {self.precision} digits")
        return quantized

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = self._coerce(value)
        if dialect.name == "sqlite":
            return int(number.scaleb(self.scale))
        return number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            if isinstance(value, float):  # e.g. AVG(): exact enough to round back
                return Decimal(repr(value)).scaleb(-self.scale).quantize(self._quantum)
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


def exact_problem(type_: Exact, value: Any) -> LazyString | None:
    """Why ``value`` cannot be stored in an :class:`Exact` column, or ``None`` if it can."""
    if isinstance(value, float):
        return _('%(value)s is a float; enter an exact decimal (e.g. "0.10")', value=repr(value))
    try:
        type_._coerce(value)
    except ValueError:
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation:
            return _("%(value)s is not a number", value=str(value))
        if number.quantize(type_._quantum, rounding=ROUND_HALF_UP) != number:
            return _(
                "%(value)s has more than %(scale)s decimal places",
                value=str(value),
                scale=type_.scale,
            )
        return _(
            "%(value)s has more than %(digits)s digits", value=str(value), digits=type_.precision
        )
    return None


@event.listens_for(Mapper, "mapper_configured")
def _validate_exact_on_set(mapper: Mapper[Any], class_: type) -> None:
    """Refuse floats and over-precise amounts when they are assigned, naming the field.

    The bind-time check in :class:`Exact` would only fail at flush, far from the
    assignment and without saying which field was wrong.
    """
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column.type, Exact) or prop.key not in class_.__dict__:
            continue
        event.listen(getattr(class_, prop.key), "set", _exact_validator(prop.key, column))


def _exact_validator(key: str, column: Any) -> Any:
    from kernel.errors import ValidationError

    def validate(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        if not isinstance(value, float | int | str | Decimal) or isinstance(value, bool):
            return  # None, SQL expressions
        problem = exact_problem(column.type, value)
        if problem is not None:
            label = column.info.get("label") or key
            raise ValidationError(
                _("%(field)s: %(problem)s", field=label, problem=problem), field=key
            )

    return validate


class Money(Exact):
    """An amount of money (the currency lives in a sibling column)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(scale=MONEY_SCALE)


class Quantity(Exact):
    """A quantity of goods (the unit of measure lives in a sibling column)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(scale=QUANTITY_SCALE)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored in UTC and always returned timezone-aware.

    SQLite has no time zones; naive values from the driver are UTC by contract.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stamp: dt.datetime = value
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=dt.UTC)
        return stamp.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def info(
    label: str | LazyString,
    help: str | LazyString | None = None,
    *,
    selection: Sequence[tuple[str, str | LazyString]] | None = None,
    readonly: bool = False,
    widget: str | None = None,
    computed: bool = False,
    sequence: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The ``info`` dict of a column: label, help and UI hints.

    >>> mapped_column(Money(), info=info(_("Total"), widget="monetary"))

    ``computed``: the system fills the column when a record is created (a total,
    a quantity in another unit), so no client is ever asked for it.
    ``sequence``: the column is the document's number, drawn from the ``ir.sequence``
    of that code when a record is created without one — on every create path
    (service, form, API, import), see :mod:`kernel.models.events`.
    """
    data: dict[str, Any] = {"label": label, "help": help, "readonly": readonly}
    if selection is not None:
        data["selection"] = list(selection)
    if widget is not None:
        data["widget"] = widget
    if computed:
        data["computed"] = True
    if sequence is not None:
        data["sequence"] = sequence
    data.update(extra)
    return data
