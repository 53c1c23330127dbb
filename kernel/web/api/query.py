"""Turning ``?filter[...]``, ``?order=``, ``?fields=``, ``?limit=`` and ``?offset=`` into SQL.

Why it is strict: these come straight from the network. Every field name is looked
up in the model's own column list (:meth:`ModelMeta.field`) and every value is
converted to the column's type and bound as a parameter, so neither a name nor a
value can change the statement's shape. Anything unknown is a 422 naming the field.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false
from sqlalchemy.orm import InstrumentedAttribute

from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import FieldMeta, ModelMeta, coerce, like_pattern
from kernel.web.params import whole_number

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "like")
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
_FILTER_KEY = re.compile(r"^filter\[([^\[\]]*)\](?:\[([^\[\]]*)\])?$")


@dataclass
class ListQuery:
    where: list[ColumnElement[bool]] = field(default_factory=list)
    order_by: list[Any] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def _value(meta: FieldMeta, raw: str) -> Any:
    if raw == "null":
        return None
    probe = FieldMeta(**{**meta.__dict__, "required": False})
    return coerce(probe, raw)


def condition(meta_model: ModelMeta, name: str, op: str, raw: str) -> ColumnElement[bool]:
    """One filter as a bound SQL condition."""
    meta = meta_model.field(name)
    column: InstrumentedAttribute[Any] = getattr(meta_model.cls, name)
    if meta.type == "json":
        raise ValidationError(_("%(field)s cannot be filtered", field=name), field=name)
    if op not in OPERATORS:
        raise ValidationError(
            _(
                "unknown filter operator %(op)s for %(field)s (use one of %(ops)s)",
                op=op,
                field=name,
                ops=", ".join(OPERATORS),
            ),
            field=name,
        )
    if op == "in":
        values = [_value(meta, part) for part in raw.split(",") if part != ""]
        return column.in_(values) if values else false()
    if op == "like":
        if meta.type not in ("char", "text", "selection"):
            raise ValidationError(
                _("%(field)s is not a text field: like does not apply", field=name), field=name
            )
        return column.ilike(like_pattern(raw), escape="\\")
    value = _value(meta, raw)
    if value is None:
        if op == "eq":
            return column.is_(None)
        if op == "ne":
            return column.is_not(None)
        raise ValidationError(
            _("%(field)s: null can only be compared with eq or ne", field=name), field=name
        )
    if meta.type == "boolean" and op not in ("eq", "ne"):
        raise ValidationError(
            _("%(field)s is yes/no: only eq and ne apply", field=name), field=name
        )
    comparisons: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
        "eq": operator.eq,
        "ne": operator.ne,
        "lt": operator.lt,
        "lte": operator.le,
        "gt": operator.gt,
        "gte": operator.ge,
    }
    return comparisons[op](column, value)


def order_clause(meta: ModelMeta, spec: str) -> list[Any]:
    """``-date_order,id`` as ORDER BY items; ``id`` is always added last for a stable order."""
    items: list[Any] = []
    names: set[str] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        descending = part.startswith("-")
        name = part.lstrip("-+")
        if meta.field(name).type == "json":
            raise ValidationError(_("%(field)s cannot be sorted", field=name), field=name)
        column = getattr(meta.cls, name)
        items.append(column.desc() if descending else column.asc())
        names.add(name)
    if "id" not in names:
        items.append(meta.cls.id.asc())
    return items


def default_order(meta: ModelMeta) -> list[Any]:
    spec = getattr(meta.cls, "__default_order__", "id") or "id"
    known = ",".join(p for p in spec.split(",") if p.strip().lstrip("-+") in meta.fields)
    return order_clause(meta, known)


def parse(meta: ModelMeta, params: Mapping[str, Sequence[str]]) -> ListQuery:
    """Read the list parameters; ``params`` maps each query key to all its values."""
    query = ListQuery()
    for key, values in params.items():
        if not key.startswith("filter"):
            continue
        match = _FILTER_KEY.match(key)
        if match is None:
            raise ValidationError(
                _("malformed filter %(key)s (use filter[field] or filter[field][op])", key=key),
                field=key,
            )
        name, op = match.group(1), match.group(2) or "eq"
        for raw in values:
            query.where.append(condition(meta, name, op, raw))
    order = _last(params, "order")
    query.order_by = order_clause(meta, order) if order else default_order(meta)
    requested = _last(params, "fields")
    if requested:
        names = [n.strip() for n in requested.split(",") if n.strip()]
        for name in names:
            meta.field(name)
        query.fields = ["id", *(n for n in names if n != "id")]
    else:
        query.fields = list(meta.fields)
    query.limit = whole_number("limit", _last(params, "limit"), DEFAULT_LIMIT, maximum=MAX_LIMIT)
    query.offset = whole_number("offset", _last(params, "offset"), 0)
    return query


def _last(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = params.get(key)
    return values[-1] if values else None


def combined(where: list[ColumnElement[bool]]) -> ColumnElement[bool] | None:
    return and_(*where) if where else None
