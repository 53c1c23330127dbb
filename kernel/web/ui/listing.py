"""The list screen's data: search, filters, sorting, grouping, totals, pages — in SQL.

Why it is shaped this way: a list of 10,000 orders must open instantly. The page is
one ``COUNT`` (with the column totals in the same statement) plus one page query
that joins the many-to-one names it shows; grouping is a ``GROUP BY`` with SQL sums.
No statement runs per row. Everything the user types (search text, column names,
sort keys) is checked against the model's own fields and bound as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from kernel.env import Env
from kernel.i18n import LazyString, text_of
from kernel.web.introspect import (
    FieldMeta,
    ModelMeta,
    display_name,
    like_pattern,
    model_meta,
    name_fields,
    prefetch_display,
    selection_label,
)
from kernel.web.params import whole_number
from kernel.web.ui import domain
from kernel.web.ui.domain import describe
from kernel.web.views import Filter, View

MAX_PAGE = 10**6

EXPORT_LIMIT = 100_000


@dataclass
class ListState:
    """What the user asked for, as it travels in the query string."""

    q: str = ""
    filters: list[str] = field(default_factory=list)
    order: str = ""
    group: str = ""
    group_value: str | None = None
    page: int = 1
    columns: list[str] = field(default_factory=list)
    # a report cell's coordinates (``path[:granularity]=value``, see kernel.web.ui.domain)
    domain: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> ListState:
        def last(key: str) -> str:
            values = params.get(key) or [""]
            return values[-1]

        page = whole_number("page", last("page"), 1, minimum=1, maximum=MAX_PAGE)
        cols = [c for c in last("cols").split(",") if c]
        gv = params.get("gv")
        return cls(
            q=last("q").replace("\x00", "").strip()[:200],
            filters=[f for f in params.get("f", []) if f],
            order=last("order"),
            group=last("group"),
            group_value=gv[-1] if gv else None,
            page=page,
            columns=cols,
            domain=[d for d in params.get("d", []) if d][:8],
        )

    def query(self, **changes: Any) -> str:
        """The query string of this state with ``changes`` applied (``None`` removes)."""
        data: dict[str, Any] = {
            "q": self.q,
            "f": self.filters,
            "order": self.order,
            "group": self.group,
            "gv": self.group_value,
            "page": self.page if self.page > 1 else None,
            "cols": ",".join(self.columns),
            "d": self.domain,
        }
        data.update(changes)
        pairs: list[tuple[str, str]] = []
        for key, value in data.items():
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, list):
                pairs.extend((key, str(v)) for v in value)
            else:
                pairs.append((key, str(value)))
        return urlencode(pairs)


@dataclass
class Column:
    name: str
    label: str
    meta: FieldMeta
    sortable: bool = True

    @property
    def align_end(self) -> bool:
        return self.meta.numeric and self.meta.type != "many2one"


@dataclass
class Group:
    value: Any
    label: str
    count: int
    sums: dict[str, Any]
    raw: str
    currency: str = ""  # the group's amounts' currency, when the list holds several


@dataclass
class ListPage:
    view: View
    meta: ModelMeta
    state: ListState
    columns: list[Column]
    available: list[Column]
    rows: list[dict[str, Any]]
    total: int
    totals: dict[str, Any]
    groups: list[Group] | None
    page_size: int
    filters: list[Filter]
    group_options: list[Column]
    group_value_label: str = ""  # the opened group as people read it (a name, not an id)
    domain_labels: list[str] = field(default_factory=list)  # a drill-down's cell, readable
    #: money totals per currency when the records are in more than one (``totals`` then
    #: holds no money: amounts in yuan and dollars are never added together)
    currency_totals: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: the one currency of every amount listed, when there is one
    currency: str = ""
    #: the totals were left for a second request (a flat list of many records)
    totals_deferred: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.state.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.state.page * self.page_size)

    @property
    def new_query(self) -> str:
        """The "New" button's ``default_<field>=…``: what the active filters say a record is.

        Why: a person on Customers who presses New means a customer.
        """
        pairs: list[tuple[str, str]] = []
        for flt in self.filters:
            if flt.name not in self.state.filters:
                continue
            for name, value in flt.defaults.items():
                if name in self.meta.fields:
                    text = ("1" if value else "0") if isinstance(value, bool) else str(value)
                    pairs.append((f"default_{name}", text))
        return urlencode(pairs)


def _known(meta: ModelMeta, names: Sequence[str]) -> list[str]:
    return [n for n in names if n in meta.fields]


def columns_of(meta: ModelMeta, view: View, state: ListState) -> tuple[list[Column], list[Column]]:
    available = [
        Column(n, text_of(meta.fields[n].label), meta.fields[n])
        for n in meta.fields
        if n != "id" and meta.fields[n].type != "json"
    ]
    chosen = _known(meta, state.columns) or _known(meta, view.list.columns)
    by_name = {c.name: c for c in available}
    return [by_name[n] for n in chosen if n in by_name], available


def _found_by(env: Env, target: ModelMeta) -> list[str]:
    """The text columns a record is found by from another list: its name in both languages
    and what its own list searches (a product's code, a partner's reference)."""
    from kernel.web.introspect import collect_views

    view = collect_views(env.registry).get(target.name)
    own = view.list.search if view is not None else []
    texts = [n for n in own if n in target.fields and target.fields[n].type in ("char", "text")]
    return list(dict.fromkeys([*name_fields(target), *texts]))


def search_condition(
    env: Env, meta: ModelMeta, view: View | None, text: str, names: Sequence[str] | None = None
) -> ColumnElement[bool] | None:
    """ILIKE over the search fields (``names``, else the view's); a many-to-one searches
    the target's name in both languages (``name`` and ``name_zh``)."""
    if not text:
        return None
    pattern = like_pattern(text)
    parts: list[ColumnElement[bool]] = []
    wanted = names if names is not None else (view.list.search if view is not None else [])
    for name in _known(meta, wanted):
        fmeta = meta.fields[name]
        column = getattr(meta.cls, name)
        if fmeta.type in ("char", "text", "selection"):
            parts.append(column.ilike(pattern, escape="\\"))
        elif fmeta.type == "many2one" and fmeta.relation and env.can(fmeta.relation, "read"):
            target = model_meta(env.registry, fmeta.relation)
            matches = [
                getattr(target.cls, n).ilike(pattern, escape="\\") for n in _found_by(env, target)
            ]
            if matches:
                parts.append(column.in_(select(target.cls.id).where(or_(*matches))))
    return or_(*parts) if parts else false()


def conditions(env: Env, meta: ModelMeta, view: View, state: ListState) -> list[Any]:
    where: list[Any] = []
    searched = search_condition(env, meta, view, state.q)
    if searched is not None:
        where.append(searched)
    for spec, raw in domain.parse(state.domain):
        where.append(domain.condition(env, meta, spec, raw))
    by_name = {f.name: f for f in view.list.filters}
    for name in state.filters:
        flt = by_name.get(name)
        if flt is not None:
            where.append(flt.where(env, meta.cls))
    key = group_key(env, meta, view, state.group)
    if key is not None and state.group_value is not None:
        expr, gmeta, granularity = key
        if state.group_value == "":
            where.append(expr.is_(None))
        elif granularity:
            where.append(expr == state.group_value)
        else:
            from kernel.web.introspect import coerce

            try:
                value = coerce(
                    FieldMeta(**{**gmeta.__dict__, "required": False}), state.group_value
                )
            except Exception:
                value = None
            where.append(expr.is_(None) if value is None else expr == value)
    return where


GRANULARITIES = domain.GRANULARITIES
GRANULARITY_LABELS = domain.GRANULARITY_LABELS


def group_key(
    env: Env, meta: ModelMeta, view: View, spec: str
) -> tuple[Any, FieldMeta, str] | None:
    """The SQL expression to group by for ``spec`` (``state`` or ``date_order:month``).

    Only the view's own ``group_by`` entries are accepted, so the expression is
    always built from a known column and a known format.
    """
    if not spec or spec not in view.list.group_by:
        return None
    name, _sep, granularity = spec.partition(":")
    fm = meta.fields.get(name)
    if fm is None:
        return None
    column = getattr(meta.cls, name)
    if not granularity:
        return column, fm, ""
    if granularity not in GRANULARITIES or fm.type not in ("date", "datetime"):
        return None
    return domain.bucket(env, column, granularity), fm, granularity


def group_label(meta: ModelMeta, spec: str) -> str:
    name, _sep, granularity = spec.partition(":")
    label = text_of(meta.fields[name].label) if name in meta.fields else name
    if granularity in GRANULARITY_LABELS:
        return f"{label} ({text_of(GRANULARITY_LABELS[granularity])})"
    return label


def order_of(meta: ModelMeta, state: ListState, view: View) -> list[Any]:
    spec = state.order or view.list.order or getattr(meta.cls, "__default_order__", "id") or "id"
    items: list[Any] = []
    for part in (p.strip() for p in spec.split(",")):
        name = part.lstrip("-")
        if name in meta.fields and meta.fields[name].type != "json":
            column = getattr(meta.cls, name)
            items.append(column.desc() if part.startswith("-") else column.asc())
    items.append(meta.cls.id.desc() if spec.strip().startswith("-") else meta.cls.id.asc())
    return items


def _sum_fields(meta: ModelMeta, view: View, columns: list[Column]) -> list[str]:
    names = _known(meta, view.list.sums) or [c.name for c in columns if c.meta.summable]
    return [n for n in names if meta.fields[n].summable]


def _readable_m2o(env: Env, columns: list[Column]) -> Iterator[Column]:
    """The many-to-one columns shown whose target records the user may read."""
    for col in columns:
        fm = col.meta
        if (
            fm.type == "many2one"
            and fm.relationship
            and fm.relation
            and env.can(fm.relation, "read")
        ):
            yield col


def _with_m2o(env: Env, meta: ModelMeta, stmt: Select[Any], columns: list[Column]) -> Select[Any]:
    """Join the names of the many-to-one columns shown, when the user may read them."""
    for col in _readable_m2o(env, columns):
        stmt = stmt.options(joinedload(getattr(meta.cls, str(col.meta.relationship))))
    return stmt


def _related(env: Env, records: list[Any], columns: list[Column]) -> Iterator[Any]:
    """The many-to-one records the shown columns name (already joined into the page query)."""
    for col in _readable_m2o(env, columns):
        for record in records:
            yield getattr(record, str(col.meta.relationship))


def outcomes_of(env: Env, view: View, meta: ModelMeta, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Which of ``ids`` carry one of the view's outcomes (Rejected, Blocked …): one query each.

    The first declared outcome that matches wins; ``label`` is text in the user's language.
    """
    found: dict[int, dict[str, Any]] = {}
    if not ids:
        return found
    for outcome in view.outcomes:
        stmt = select(meta.cls.id).where(meta.cls.id.in_(ids), outcome.where(env, meta.cls))
        for rid in env.session.scalars(stmt):
            found.setdefault(
                rid,
                {
                    "name": outcome.name,
                    "label": text_of(outcome.label),
                    "style": outcome.style,
                    "badge": outcome.badge,
                },
            )
    return found


def cell(env: Env, record: Any, col: Column) -> dict[str, Any]:
    """One displayed value: ``value`` (raw, for formatting and export) and ``text``."""
    fm = col.meta
    value = getattr(record, col.name)
    if fm.type == "many2one":
        related = None
        if value is not None and fm.relationship and fm.relation and env.can(fm.relation, "read"):
            related = getattr(record, fm.relationship)
        text = (
            display_name(related, env)
            if related is not None
            else ("" if value is None else f"#{value}")
        )
        return {"value": value, "text": text, "type": fm.type}
    if fm.type == "selection":
        return {"value": value, "text": selection_label(fm, value), "type": fm.type}
    if isinstance(value, LazyString):
        value = str(value)
    return {"value": value, "text": "" if value is None else str(value), "type": fm.type}


#: Above this many records a flat list's page comes without its totals, which the
#: browser then asks for on its own: summing 100,000 orders' amounts took as long as the
#: rest of the page, and nobody reads the totals before the first rows.
DEFER_TOTALS_ABOVE = 20_000


def build(
    env: Env, view: View, state: ListState, *, paginate: bool = True, totals: bool | None = None
) -> ListPage:
    """The list page of ``state``; ``totals`` None: summed unless the flat list is long
    (:data:`DEFER_TOTALS_ABOVE`), True: always summed, False: never."""
    meta = model_meta(env.registry, view.model)
    env.check(view.model, "read")
    columns, available = columns_of(meta, view, state)
    where = conditions(env, meta, view, state)
    cond = and_(*where) if where else None
    sums = _sum_fields(meta, view, columns)
    key = group_key(env, meta, view, state.group)
    grouped = key is not None and state.group_value is None
    deferred = False
    if sums and not grouped and totals is not True and paginate:
        count = select(func.count(meta.cls.id)).select_from(meta.cls)
        total = int(env.session.scalar(count.where(cond) if cond is not None else count) or 0)
        deferred = totals is False or total > DEFER_TOTALS_ABOVE
    totals_: dict[str, Any] = {}
    currency_totals: list[tuple[str, dict[str, Any]]] = []
    currency = ""
    if not deferred:
        total, totals_, currency_totals, currency = _head(env, meta, cond, sums)
    groups: list[Group] | None = None
    group_options = [
        Column(spec, group_label(meta, spec), meta.fields[spec.partition(":")[0]])
        for spec in view.list.group_by
        if group_key(env, meta, view, spec) is not None
    ]
    rows: list[dict[str, Any]] = []
    page_size = max(1, view.list.page_size)
    if grouped:
        assert key is not None
        groups = _groups(env, meta, key, cond, sums)
    else:
        stmt = _with_m2o(env, meta, select(meta.cls), columns)
        if cond is not None:
            stmt = stmt.where(cond)
        stmt = stmt.order_by(*order_of(meta, state, view))
        if paginate:
            stmt = stmt.limit(page_size).offset((state.page - 1) * page_size)
        else:
            stmt = stmt.limit(EXPORT_LIMIT)
        records = list(env.session.scalars(stmt).unique())
        prefetch_display(env, _related(env, records, columns))
        tagged = outcomes_of(env, view, meta, [r.id for r in records])
        for record in records:
            cells = [cell(env, record, c) for c in columns]
            for c, col in zip(cells, columns, strict=True):
                if col.name == "state" and record.id in tagged:
                    c["outcome"] = tagged[record.id]
            rows.append({"id": record.id, "cells": cells})
    return ListPage(
        view=view,
        meta=meta,
        state=state,
        columns=columns,
        available=available,
        rows=rows,
        total=total,
        totals=totals_,
        groups=groups,
        page_size=page_size,
        filters=list(view.list.filters),
        group_options=group_options,
        group_value_label=_group_value_label(env, key, state.group_value),
        domain_labels=[describe(env, meta, s, r) for s, r in domain.parse(state.domain)],
        currency_totals=currency_totals,
        currency=currency,
        totals_deferred=deferred,
    )


def _currency_column(meta: ModelMeta, sums: list[str]) -> Any:
    """The records' currency column when money is summed (a sibling ``currency_id``)."""
    if not any(meta.fields[n].type == "money" for n in sums):
        return None
    fm = meta.fields.get("currency_id")
    if fm is None or fm.type != "many2one":
        return None
    return meta.cls.currency_id


def _head(
    env: Env, meta: ModelMeta, cond: Any, sums: list[str]
) -> tuple[int, dict[str, Any], list[tuple[str, dict[str, Any]]], str]:
    """Count and totals in one statement; money summed per currency, never across.

    Returns ``(count, totals, per-currency money totals, the one currency)``: with one
    currency its money totals are in ``totals``; with several, ``totals`` keeps only
    quantities and each currency has its own line.
    """
    sum_cols = [func.sum(getattr(meta.cls, n)) for n in sums]
    currency_col = _currency_column(meta, sums)
    if currency_col is None:
        head = select(func.count(meta.cls.id), *sum_cols).select_from(meta.cls)
        if cond is not None:
            head = head.where(cond)
        row = env.session.execute(head).one()
        return int(row[0] or 0), {n: row[i + 1] for i, n in enumerate(sums)}, [], ""
    head = select(currency_col, func.count(meta.cls.id), *sum_cols).select_from(meta.cls)
    if cond is not None:
        head = head.where(cond)
    rows = env.session.execute(head.group_by(currency_col)).all()
    total = sum(int(r[1] or 0) for r in rows)
    money = [n for n in sums if meta.fields[n].type == "money"]
    totals: dict[str, Any] = {}
    for i, n in enumerate(sums):
        values = [r[i + 2] for r in rows if r[i + 2] is not None]
        totals[n] = sum(values[1:], values[0]) if values else None
    codes = _currency_codes(env, meta, [r[0] for r in rows if r[0] is not None])
    if len(rows) <= 1:
        only = codes.get(rows[0][0], "") if rows else ""
        return total, totals, [], only
    for n in money:
        totals[n] = None
    per_currency = [
        (
            codes.get(r[0], "—"),
            {n: r[i + 2] for i, n in enumerate(sums) if n in money},
        )
        for r in sorted(rows, key=lambda r: codes.get(r[0], ""))
    ]
    return total, totals, per_currency, ""


def _currency_codes(env: Env, meta: ModelMeta, ids: list[int]) -> dict[int, str]:
    """Codes of the currencies (their ``rec_name`` column: ``CNY``), in one query."""
    if not ids:
        return {}
    relation = meta.fields["currency_id"].relation
    if not relation or relation not in env.registry or not env.can(relation, "read"):
        return {}  # amounts still summed per currency, the lines unnamed ("—")
    target = model_meta(env.registry, relation)
    column = getattr(target.cls, target.rec_name, None)
    if column is None:
        return {}
    found = env.session.execute(select(target.cls.id, column).where(target.cls.id.in_(ids)))
    return {int(i): str(code) for i, code in found.all()}


def _group_value_label(env: Env, key: tuple[Any, FieldMeta, str] | None, raw: str | None) -> str:
    """The opened group's label: ``Acme`` rather than ``7``, ``Draft`` rather than ``draft``."""
    if key is None or raw is None:
        return ""
    if raw == "":
        return "—"
    _expr, fm, granularity = key
    if granularity:
        return raw
    if fm.type == "selection":
        return selection_label(fm, raw)
    if fm.type == "boolean":
        return "✓" if raw.lower() in ("1", "true") else "✗"
    if fm.type == "many2one" and fm.relation and env.can(fm.relation, "read") and raw.isdigit():
        target = env.session.get(model_meta(env.registry, fm.relation).cls, int(raw))
        if target is not None:
            return display_name(target, env)
    return raw


def _groups(
    env: Env, meta: ModelMeta, key: tuple[Any, FieldMeta, str], cond: Any, sums: list[str]
) -> list[Group]:
    column, fm, granularity = key
    currency_col = _currency_column(meta, sums)
    # money is summed per currency: a group holding yuan and dollars is two rows
    split = [currency_col] if currency_col is not None else []
    stmt = select(
        column, func.count(meta.cls.id), *[func.sum(getattr(meta.cls, n)) for n in sums], *split
    )
    if cond is not None:
        stmt = stmt.where(cond)
    result = env.session.execute(stmt.group_by(column, *split).order_by(column, *split)).all()
    currencies = {row[-1] for row in result} if split else set()
    codes = _currency_codes(env, meta, [c for c in currencies if c is not None])
    if granularity:
        fm = FieldMeta(name=fm.name, type="char", label=fm.label)
    names: dict[int, str] = {}
    if fm.type == "many2one" and fm.relation and env.can(fm.relation, "read"):
        ids = [r[0] for r in result if r[0] is not None]
        target = model_meta(env.registry, fm.relation).cls
        if ids:
            found = list(env.session.scalars(select(target).where(target.id.in_(ids))))
            prefetch_display(env, found)
            names = {rec.id: display_name(rec, env) for rec in found}
    groups = []
    for row in result:
        value = row[0]
        if value is None:
            label = "—"
        elif fm.type == "many2one":
            label = names.get(value, f"#{value}")
        elif fm.type == "selection":
            label = selection_label(fm, value)
        elif fm.type == "boolean":
            label = "✓" if value else "✗"
        else:
            label = str(value)
        raw = (
            ""
            if value is None
            else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        )
        groups.append(
            Group(
                value=value,
                label=label,
                count=int(row[1]),
                sums={n: row[i + 2] for i, n in enumerate(sums)},
                raw=raw,
                currency=codes.get(row[-1], "—") if len(currencies) > 1 else "",
            )
        )
    return groups


def iter_export(page: ListPage) -> Iterator[list[Any]]:
    """Rows of the export: raw values for numbers and dates, names for references."""
    for row in page.rows:
        out = []
        for c, cell_ in zip(page.columns, row["cells"], strict=True):
            if c.meta.type in ("many2one", "selection"):
                out.append(cell_["text"])
            else:
                out.append(cell_["value"])
        yield out
