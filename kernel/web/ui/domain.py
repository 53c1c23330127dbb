"""Field paths, date buckets and the cell domains that narrow a list (a report's drill-down).

Why here: a pivot cell ("March 2026 × Hardware") must open the list of exactly the
records it sums. The list takes the cell's coordinates as ``d=<path>[:<granularity>]=<value>``
pairs; each is resolved against the models' own fields (nothing user-typed reaches
SQL text), follows at most two many-to-ones (``product_id.category_id``) as ``IN``
sub-selects, and compares a date bucket with the same SQL expression the report
grouped by, so the drill-down counts what the cell counted on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, cast, func, select

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import LazyString, _, text_of
from kernel.web.introspect import FieldMeta, ModelMeta, coerce, model_meta

MAX_HOPS = 2
ORDERED = ("date", "datetime", "money", "quantity", "decimal", "integer")  # may take >= / <=
GRANULARITIES = ("day", "week", "month", "quarter", "year")
GRANULARITY_LABELS: dict[str, LazyString] = {
    "day": _("day"),
    "week": _("week"),
    "month": _("month"),
    "quarter": _("quarter"),
    "year": _("year"),
}


@dataclass(frozen=True)
class Step:
    """One hop of a path: the many-to-one ``field`` of ``meta`` leading to ``target``."""

    meta: ModelMeta
    field: FieldMeta
    target: ModelMeta


@dataclass(frozen=True)
class Resolved:
    """A path such as ``order_id.date_order``: the hops and the last model's field."""

    path: str
    steps: tuple[Step, ...]
    meta: ModelMeta  # the model holding the last field
    field: FieldMeta
    granularity: str

    @property
    def label(self) -> str:
        names = [text_of(s.field.label) for s in self.steps] + [text_of(self.field.label)]
        text = " › ".join(names[-2:]) if len(names) > 1 else names[0]
        if self.granularity:
            return f"{text} ({text_of(GRANULARITY_LABELS[self.granularity])})"
        return text


def resolve(env: Env, meta: ModelMeta, spec: str) -> Resolved:
    """``spec`` (``path[:granularity]``) checked against the models, or a 422 naming it."""
    path, _sep, granularity = spec.partition(":")
    parts = path.split(".")
    if not path or len(parts) > MAX_HOPS + 1:
        raise ValidationError(_("%(field)s is not a field path", field=spec), field=spec)
    steps: list[Step] = []
    current = meta
    for name in parts[:-1]:
        fm = current.field(name)
        if fm.type != "many2one" or not fm.relation:
            raise ValidationError(_("%(field)s is not a field path", field=spec), field=spec)
        env.check(fm.relation, "read")
        target = model_meta(env.registry, fm.relation)
        steps.append(Step(current, fm, target))
        current = target
    fm = current.field(parts[-1])
    if granularity and (granularity not in GRANULARITIES or fm.type not in ("date", "datetime")):
        raise ValidationError(
            _("%(field)s cannot be grouped by %(unit)s", field=text_of(fm.label), unit=granularity),
            field=spec,
        )
    return Resolved(path, tuple(steps), current, fm, granularity)


def bucket(env: Env, expr: Any, granularity: str) -> Any:
    """The text key of a date's period, the same on both databases.

    day ``2026-03-09``, week ``2026-03-09`` (its Monday), month ``2026-03``,
    quarter ``2026-Q1``, year ``2026``.
    """
    if env.instance.dialect == "sqlite":
        if granularity == "week":
            return func.date(expr, "weekday 0", "-6 days", type_=String)
        if granularity == "quarter":
            quarter = (cast(func.strftime("%m", expr), Integer) + 2) // 3
            year = func.strftime("%Y", expr, type_=String)
            return year.concat("-Q").concat(cast(quarter, String))
        fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[granularity]
        return func.strftime(fmt, expr, type_=String)
    if granularity == "week":
        return func.to_char(func.date_trunc("week", expr), "YYYY-MM-DD", type_=String)
    fmt = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[
        granularity
    ]
    return func.to_char(expr, fmt, type_=String)


def _operator(spec: str) -> tuple[str, str]:
    """``date_order>`` (written ``date_order>=2026-01-01``) → (``date_order``, ``>=``)."""
    if spec.endswith((">", "<")):
        return spec[:-1], spec[-1] + "="
    return spec, "="


def condition(env: Env, meta: ModelMeta, spec: str, raw: str) -> ColumnElement[bool]:
    """Records of ``meta`` whose ``spec`` equals ``raw`` ("" = empty), as one SQL condition.

    ``path>=value`` / ``path<=value`` bound a date or number (an analysis's date range).
    """
    spec, op = _operator(spec)
    found = resolve(env, meta, spec)
    column = getattr(found.meta.cls, found.field.name)
    if op != "=":
        if found.granularity or not raw or found.field.type not in ORDERED:
            raise ValidationError(_("%(field)s is not a field path", field=spec), field=spec)
        plain = FieldMeta(**{**found.field.__dict__, "required": False})
        bound = coerce(plain, raw)
        inner: ColumnElement[bool] = column >= bound if op == ">=" else column <= bound
    elif raw == "":
        inner = column.is_(None)
    elif found.granularity:
        inner = bucket(env, column, found.granularity) == raw
    else:
        plain = FieldMeta(**{**found.field.__dict__, "required": False})
        value = coerce(plain, raw)
        inner = column.is_(None) if value is None else column == value
    for step in reversed(found.steps):
        fk = getattr(step.meta.cls, step.field.name)
        inner = fk.in_(select(step.target.cls.id).where(inner))
        if raw == "":
            # an empty value at the end of the path also matches an empty hop on the way
            inner = inner | fk.is_(None)
    return inner


def parse(values: list[str]) -> list[tuple[str, str]]:
    """``d`` query values (``path[:gran]=value``) as pairs; malformed ones are dropped."""
    pairs = []
    for item in values:
        spec, sep, raw = item.partition("=")
        if sep and spec:
            pairs.append((spec, raw))
    return pairs


def describe(env: Env, meta: ModelMeta, spec: str, raw: str) -> str:
    """A domain pair as people read it: ``Product › Category: Hardware``."""
    from kernel.web.introspect import display_name, selection_label

    spec, op = _operator(spec)
    found = resolve(env, meta, spec)
    text = raw or "—"
    fm = found.field
    if op != "=":
        return f"{found.label} {'≥' if op == '>=' else '≤'} {raw}"
    if raw and not found.granularity:
        if fm.type == "selection":
            text = selection_label(fm, raw)
        elif fm.type == "many2one" and fm.relation and raw.isdigit():
            target = model_meta(env.registry, fm.relation)
            if env.can(fm.relation, "read"):
                record = env.session.get(target.cls, int(raw))
                if record is not None:
                    text = display_name(record, env)
    return f"{found.label}: {text}"
