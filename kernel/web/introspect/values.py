"""Values in and out: a request's text or JSON to a column's Python value, and back to JSON.

Conversion happens here, against the field's metadata, so a value always reaches
SQL as a bound parameter of the right type (a ``Money`` as an exact ``Decimal``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from kernel.errors import ValidationError
from kernel.i18n import LazyString, _, text_of
from kernel.web.introspect.meta import FieldMeta

if TYPE_CHECKING:
    pass


def coerce(meta: FieldMeta, value: Any) -> Any:
    """Turn a request value (JSON or form text) into the column's Python type, or a 422.

    Decimals are parsed from their exact text (never through float); empty text is
    ``None`` for optional fields.
    """
    bad = ValidationError(
        _("%(field)s: %(value)s is not a valid value", field=text_of(meta.label), value=str(value)),
        field=meta.name,
    )
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store NUL characters
        raise bad
    if isinstance(value, str) and value.strip() == "" and meta.type not in ("char", "text"):
        value = None
    if value is None:
        if meta.required:
            raise ValidationError(
                _("%(field)s is required", field=text_of(meta.label)), field=meta.name
            )
        return None
    kind = meta.type
    try:
        if kind in ("char", "text"):
            if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
                raise bad
            text = str(value)
            if meta.size and len(text) > meta.size:
                raise ValidationError(
                    _(
                        "%(field)s is longer than %(size)s characters",
                        field=text_of(meta.label),
                        size=meta.size,
                    ),
                    field=meta.name,
                )
            if meta.required and not text.strip():
                raise ValidationError(
                    _("%(field)s is required", field=text_of(meta.label)), field=meta.name
                )
            return text
        if kind == "selection":
            keys = [k for k, _label in meta.selection or []]
            if str(value) not in keys:
                raise ValidationError(
                    _(
                        "%(field)s must be one of %(values)s",
                        field=text_of(meta.label),
                        values=", ".join(keys),
                    ),
                    field=meta.name,
                )
            return str(value)
        if kind in ("integer", "many2one"):
            if isinstance(value, bool | float):
                raise bad
            if isinstance(value, Decimal):
                if value != value.to_integral_value():
                    raise bad
                return int(value)
            whole = int(str(value).strip())
            if not -(2 ** (meta.bits - 1)) <= whole < 2 ** (meta.bits - 1):
                raise bad
            return whole
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise bad
        if kind in ("money", "quantity", "decimal"):
            if isinstance(value, bool | float):
                raise bad
            number: Decimal = value if isinstance(value, Decimal) else Decimal(str(value).strip())
            if not number.is_finite():
                raise bad
            scale = meta.scale or 0
            if number != number.quantize(Decimal(1).scaleb(-scale)):
                raise ValidationError(
                    _(
                        "%(field)s allows at most %(scale)s decimal places",
                        field=text_of(meta.label),
                        scale=scale,
                    ),
                    field=meta.name,
                )
            if abs(number) >= Decimal(10) ** (18 - scale):
                raise bad
            return number
        if kind == "date":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
            return dt.date.fromisoformat(str(value).strip())
        if kind == "datetime":
            if isinstance(value, dt.datetime):
                moment = value
            else:
                moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return moment.astimezone(dt.UTC)
        if kind == "json":
            return value
    except (ValueError, InvalidOperation, TypeError, OverflowError):
        raise bad from None
    raise bad


def to_json(meta: FieldMeta, value: Any) -> Any:
    """A column value as JSON: Decimal as an exact string, datetimes ISO 8601 in UTC."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if meta.scale is not None and value.is_finite():
            value = value.quantize(Decimal(1).scaleb(-meta.scale))
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, LazyString):
        return str(value)
    return value


def like_pattern(text: str) -> str:
    """``%text%`` with the user's own ``%``, ``_`` and ``\\`` matched literally (use ``escape="\\"``)."""
    escaped = text.replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
