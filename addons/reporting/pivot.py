"""The pivot engine: measures grouped by rows and columns in one SQL ``GROUP BY``.

Why it is shaped this way: a pivot over a million order lines must answer in the
database, not in Python. One statement groups by every row and column dimension
(and by the currency when a money measure is shown) and returns sums and counts;
Python then only arranges the groups it got back (never the rows), adds the
groups' exact ``Decimal`` sums for the totals and derives averages as sum ÷ count.
Filters are the list view's own (search text, predefined filters, a cell's domain)
so that a drill-down lists exactly the records a cell sums. Money is never added
across currencies: each currency is its own figure, and the screen says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import aliased

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import LazyString, _, text_of
from kernel.web.introspect import (
    ModelMeta,
    display_name,
    model_meta,
    prefetch_display,
    selection_label,
)
from kernel.web.ui import domain
from kernel.web.ui.listing import ListState, conditions
from kernel.web.views import Measure, Pivot, View

MAX_LEVELS = 2
MAX_HEADERS = 500  # distinct values per axis shown; more is refused with a hint to filter
AGGREGATES = ("sum", "avg", "count")
CHARTS = ("bar", "stack", "line", "pie")
PG_WORK_MEM = "64MB"  # PostgreSQL memory for the grouping of one pivot (docs/benchmarks.md)
AGG_LABELS: dict[str, LazyString] = {"sum": _("Sum"), "avg": _("Average"), "count": _("Count")}


@dataclass
class PivotRequest:
    """What the user asked for, as it travels in the query string."""

    rows: list[str] = field(default_factory=list)
    cols: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    chart: str = "bar"
    state: ListState = field(default_factory=ListState)

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]], pivot: Pivot) -> PivotRequest:
        asked = "rows" in params or "cols" in params  # else the declared default layout

        def pick(key: str, default: list[str]) -> list[str]:
            given = [v for v in params.get(key, []) if v]
            return given[:MAX_LEVELS] if asked else default

        chart = (params.get("chart") or ["bar"])[-1]
        measures = [m for m in params.get("m", []) if m] or [pivot.measures[0].key]
        return cls(
            rows=pick("rows", list(pivot.rows)),
            cols=pick("cols", list(pivot.cols)),
            measures=measures[:6],
            chart=chart if chart in CHARTS else "bar",
            state=ListState.from_params(params),
        )

    def query(self, **changes: Any) -> str:
        data: dict[str, Any] = {
            "rows": self.rows,
            "cols": self.cols,
            "m": self.measures,
            "chart": self.chart,
            "q": self.state.q,
            "f": self.state.filters,
            "d": self.state.domain,
        }
        data.update(changes)
        pairs: list[tuple[str, str]] = []
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((key, str(v)) for v in values if v not in (None, ""))
        return urlencode(pairs)


@dataclass(frozen=True)
class MeasureInfo:
    measure: Measure
    label: str
    type: str  # money quantity decimal integer (count: integer)
    resolved: domain.Resolved | None


@dataclass(frozen=True)
class Header:
    """One row or column of the pivot: the raw key (for drill-down) and its labels."""

    key: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def label(self) -> str:
        return " / ".join(self.labels) if self.labels else text_of(_("Total"))


@dataclass(frozen=True)
class Column:
    """A column of figures: a column header × a measure × (for money) a currency."""

    header: Header
    measure: MeasureInfo
    currency: int | None
    currency_code: str

    @property
    def label(self) -> str:
        parts = [self.measure.label]
        if self.currency_code:
            parts.append(self.currency_code)
        return " · ".join(parts)


@dataclass
class Acc:
    """Exact running figures of one cell: count, and per measure a sum and a count."""

    count: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, count: int, sums: Mapping[str, Any], counts: Mapping[str, int]) -> None:
        self.count += count
        for key, value in sums.items():
            if value is not None:
                self.sums[key] = self.sums.get(key, Decimal(0)) + Decimal(value)
        for key, n in counts.items():
            self.counts[key] = self.counts.get(key, 0) + n

    def value(self, measure: Measure) -> Decimal | int | None:
        if measure.agg == "count":
            return self.count
        total = self.sums.get(measure.field)
        if measure.agg == "sum":
            return total if total is not None else (Decimal(0) if self.count else None)
        n = self.counts.get(measure.field, 0)
        return None if not n or total is None else total / n


@dataclass
class PivotResult:
    view: View
    meta: ModelMeta
    request: PivotRequest
    measures: list[MeasureInfo]
    row_dims: list[domain.Resolved]
    col_dims: list[domain.Resolved]
    rows: list[Header]
    cols: list[Header]
    columns: list[Column]
    cells: dict[tuple[tuple[str, ...], tuple[str, ...], int | None], Acc]
    currencies: dict[int | None, str]
    per_currency: bool
    record_count: int
    totals: dict[tuple[Any, Any, Any], Acc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every cell, row, column and grand total, keyed (row, col, currency); ``None`` = all.

        Added up once from the groups the database returned (exact Decimals), so a
        screen of 500 × 500 cells does not rescan the groups per cell.
        """
        for (rk, ck, cur), acc in self.cells.items():
            for key in {
                (rk, ck, cur),
                (rk, None, cur),
                (None, ck, cur),
                (None, None, cur),
                (rk, ck, "*"),
                (rk, None, "*"),
                (None, ck, "*"),
                (None, None, "*"),
            }:
                self.totals.setdefault(key, Acc()).add(acc.count, acc.sums, acc.counts)

    def acc(self, row: Header | None, col: Header | None, currency: Any) -> Acc | None:
        """The cell, or a row/column/grand total when ``row``/``col`` is ``None``.

        ``currency`` ``"*"`` adds every currency (counts, quantities). ``None``: no records.
        """
        key = (None if row is None else row.key, None if col is None else col.key, currency)
        return self.totals.get(key)

    def value(self, row: Header | None, column: Column, total_cols: bool = False) -> Any:
        col = None if total_cols else column.header
        currency = column.currency if column.measure.type == "money" else "*"
        acc = self.acc(row, col, currency)
        return None if acc is None else acc.value(column.measure.measure)

    @property
    def total_columns(self) -> list[Column]:
        """The "Total" columns (one per measure and currency) shown after the column groups."""
        if not self.col_dims:
            return []
        total = Header((), ())
        seen: list[Column] = []
        for column in self.columns:
            candidate = Column(total, column.measure, column.currency, column.currency_code)
            if candidate not in seen:
                seen.append(candidate)
        return seen

    def drill(self, row: Header | None, column: Column | None, total_cols: bool = False) -> str:
        """The list URL of the records a cell sums (the cell's coordinates as ``d=`` pairs).

        ``column`` ``None``: every record of the row, whatever its column and currency.
        """
        pairs = list(self.request.state.domain)
        if row is not None:
            pairs += [f"{_spec(d)}={v}" for d, v in zip(self.row_dims, row.key, strict=True)]
        if column is not None and not total_cols and self.col_dims:
            keys = column.header.key
            pairs += [f"{_spec(d)}={v}" for d, v in zip(self.col_dims, keys, strict=True)]
        pivot = self.view.pivot
        money = column is not None and column.measure.type == "money"
        if self.per_currency and money and pivot and pivot.currency:
            cur = column.currency if column is not None else None
            pairs.append(f"{pivot.currency}={'' if cur is None else cur}")
        state = ListState(q=self.request.state.q, filters=self.request.state.filters, domain=pairs)
        return f"/app/{self.view.url}?{state.query()}"


def measures_of(env: Env, meta: ModelMeta, pivot: Pivot) -> dict[str, MeasureInfo]:
    """The declared measures the user may read, by key."""
    out: dict[str, MeasureInfo] = {}
    for measure in pivot.measures:
        if measure.agg not in AGGREGATES:
            continue
        if measure.agg == "count" or not measure.field:
            label = text_of(measure.label) or text_of(_("Count"))
            out[measure.key] = MeasureInfo(measure, label, "integer", None)
            continue
        found = domain.resolve(env, meta, measure.field)
        if not found.field.numeric:
            continue
        label = text_of(measure.label) or (
            f"{found.label} ({text_of(AGG_LABELS[measure.agg])})"
            if measure.agg != "sum"
            else found.label
        )
        out[measure.key] = MeasureInfo(measure, label, found.field.type, found)
    return out


def dimensions_of(env: Env, meta: ModelMeta, pivot: Pivot) -> dict[str, domain.Resolved]:
    """The declared dimensions the user may read (hops into unreadable models are left out)."""
    out: dict[str, domain.Resolved] = {}
    for spec in pivot.dimensions:
        try:
            out[spec] = domain.resolve(env, meta, spec)
        except Exception:  # a hop the user may not read, or a field of an uninstalled addon
            continue
    return out


class _Joins:
    """Outer joins of the many-to-one paths a statement needs, one alias per path prefix."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.aliases: dict[tuple[str, ...], Any] = {(): base}
        self.joins: list[tuple[Any, Any]] = []

    def column(self, found: domain.Resolved) -> Any:
        owner = self.base
        prefix: tuple[str, ...] = ()
        for step in found.steps:
            fk = getattr(owner, step.field.name)
            prefix = (*prefix, step.field.name)
            alias = self.aliases.get(prefix)
            if alias is None:
                alias = aliased(step.target.cls)
                self.aliases[prefix] = alias
                self.joins.append((alias, fk == alias.id))
            owner = alias
        return getattr(owner, found.field.name)

    def apply(self, stmt: Any) -> Any:
        for alias, on in self.joins:
            stmt = stmt.outerjoin(alias, on)
        return stmt


def _check_specs(specs: Iterable[str], known: Mapping[str, Any], field: str) -> None:
    for spec in specs:
        if spec not in known:
            message = (
                _("%(value)s is not one of this report's measures", value=spec)
                if field == "m"
                else _("%(value)s is not one of this report's dimensions", value=spec)
            )
            raise ValidationError(message, field=field)


def compute(env: Env, view: View, request: PivotRequest, extra: Sequence[Any] = ()) -> PivotResult:
    """The pivot of ``view``'s model for ``request``: one grouped statement, exact totals.

    ``extra``: further SQL conditions of an analysis built on the pivot (a date range).
    """
    pivot = view.pivot
    if pivot is None:
        raise ValidationError(_("this screen has no pivot view"))
    env.check(view.model, "read")
    meta = model_meta(env.registry, view.model)
    measures = measures_of(env, meta, pivot)
    dims = dimensions_of(env, meta, pivot)
    _check_specs(request.measures, measures, "m")
    _check_specs(request.rows, dims, "rows")
    _check_specs(request.cols, dims, "cols")
    if set(request.rows) & set(request.cols):
        raise ValidationError(_("a dimension cannot be both a row and a column"), field="cols")
    chosen = [measures[k] for k in request.measures]
    row_dims = [dims[s] for s in request.rows]
    col_dims = [dims[s] for s in request.cols]
    money = any(m.type == "money" for m in chosen)
    currency_dim = None
    if money and pivot.currency:
        currency_dim = domain.resolve(env, meta, pivot.currency)

    joins = _Joins(meta.cls)
    group_exprs = []
    for found in [*row_dims, *col_dims]:
        column = joins.column(found)
        group_exprs.append(
            domain.bucket(env, column, found.granularity) if found.granularity else column
        )
    currency_expr = joins.column(currency_dim) if currency_dim is not None else None
    fields = sorted({m.measure.field for m in chosen if m.resolved is not None})
    measure_cols = {m.measure.field: joins.column(m.resolved) for m in chosen if m.resolved}
    selected = [*group_exprs]
    if currency_expr is not None:
        selected.append(currency_expr)
    selected.append(func.count(meta.cls.id))
    for name in fields:
        selected += [func.sum(measure_cols[name]), func.count(measure_cols[name])]
    stmt = joins.apply(select(*selected).select_from(meta.cls))
    where = [*conditions(env, meta, view, request.state), *extra]
    if where:
        stmt = stmt.where(and_(*where))
    group_by = [*group_exprs] + ([currency_expr] if currency_expr is not None else [])
    if group_by:
        stmt = stmt.group_by(*group_by)
    if env.instance.dialect == "postgresql":
        # the groups are few but the planner cannot know it (it guesses from the rows):
        # with the default 4 MB it sorts a million rows on disk; for this transaction only
        env.session.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
    result = env.session.execute(stmt).all()

    n_rows, n_cols = len(row_dims), len(col_dims)
    cells: dict[tuple[tuple[str, ...], tuple[str, ...], int | None], Acc] = {}
    raw_values: list[list[Any]] = [[] for _ in range(n_rows + n_cols)]
    record_count = 0
    for item in result:
        keys = [_raw(v) for v in item[: n_rows + n_cols]]
        for i, v in enumerate(item[: n_rows + n_cols]):
            raw_values[i].append(v)
        pos = n_rows + n_cols
        currency = item[pos] if currency_expr is not None else None
        if currency_expr is not None:
            pos += 1
        count = int(item[pos] or 0)
        record_count += count
        sums = {name: item[pos + 1 + 2 * i] for i, name in enumerate(fields)}
        counts = {name: int(item[pos + 2 + 2 * i] or 0) for i, name in enumerate(fields)}
        key = (tuple(keys[:n_rows]), tuple(keys[n_rows:]), currency)
        cells.setdefault(key, Acc()).add(count, sums, counts)

    labels = [_labels(env, d, raw_values[i]) for i, d in enumerate([*row_dims, *col_dims])]
    rows = _headers(row_dims, [k[0] for k in cells], labels[:n_rows])
    cols = _headers(col_dims, [k[1] for k in cells], labels[n_rows:])
    currencies = _currency_codes(env, currency_dim, {k[2] for k in cells})
    per_currency = currency_dim is not None
    money_currencies = sorted(currencies, key=lambda c: currencies[c]) if per_currency else []
    columns = [
        Column(col, info, cur, currencies.get(cur, "") if cur is not None or per_currency else "")
        for col in (cols or [Header((), ())])
        for info in chosen
        for cur in (money_currencies if info.type == "money" and per_currency else [None])
    ]
    return PivotResult(
        view=view,
        meta=meta,
        request=request,
        measures=chosen,
        row_dims=row_dims,
        col_dims=col_dims,
        rows=rows,
        cols=cols,
        columns=columns,
        cells=cells,
        currencies=currencies,
        per_currency=per_currency,
        record_count=record_count,
    )


def _spec(found: domain.Resolved) -> str:
    return f"{found.path}:{found.granularity}" if found.granularity else found.path


def _raw(value: Any) -> str:
    """A group value as it travels in a drill-down URL: id, key, period or "" for empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _labels(env: Env, found: domain.Resolved, values: list[Any]) -> dict[str, str]:
    """Labels of one dimension's values: names of many-to-ones in one query, selection labels."""
    fm = found.field
    out: dict[str, str] = {"": "—"}
    if fm.type == "many2one" and fm.relation and not found.granularity:
        ids = sorted({v for v in values if v is not None})
        if not env.can(fm.relation, "read"):  # grouped by it, but its names are not theirs
            out.update({str(i): f"#{i}" for i in ids})
            return out
        target = model_meta(env.registry, fm.relation).cls
        if ids:
            records = list(env.session.scalars(select(target).where(target.id.in_(ids))))
            prefetch_display(env, records)
            out.update({str(r.id): display_name(r, env) for r in records})
        return out
    for value in values:
        raw = _raw(value)
        if raw in out:
            continue
        if fm.type == "selection" and not found.granularity:
            out[raw] = selection_label(fm, value)
        elif fm.type == "boolean":
            out[raw] = "✓" if value else "✗"
        else:
            out[raw] = raw
    return out


def _headers(
    dims: list[domain.Resolved], keys: Iterable[tuple[str, ...]], labels: list[dict[str, str]]
) -> list[Header]:
    """The distinct keys of one axis, sorted: periods in time order, names alphabetically."""
    distinct = sorted(set(keys), key=lambda key: _sort_key(dims, key, labels))
    if len(distinct) > MAX_HEADERS:
        raise ValidationError(
            _(
                "%(count)s groups are too many to show: filter the data or group by a coarser period",
                count=len(distinct),
            ),
            field="rows",
        )
    return [Header(key, tuple(labels[i].get(v, v) for i, v in enumerate(key))) for key in distinct]


def _sort_key(
    dims: list[domain.Resolved], key: tuple[str, ...], labels: list[dict[str, str]]
) -> tuple[Any, ...]:
    out: list[Any] = []
    for i, raw in enumerate(key):
        dim = dims[i]
        empty = raw == ""
        if dim.granularity or dim.field.type in ("date", "datetime"):
            out.append((empty, raw))
        elif dim.field.type == "selection" and dim.field.selection:
            order = [k for k, _v in dim.field.selection]
            out.append((empty, order.index(raw) if raw in order else len(order), raw))
        else:
            out.append((empty, labels[i].get(raw, raw).casefold()))
    return tuple(out)


def _currency_codes(
    env: Env, currency_dim: domain.Resolved | None, ids: set[int | None]
) -> dict[int | None, str]:
    if currency_dim is None:
        return {None: ""}
    relation = currency_dim.field.relation
    codes: dict[int | None, str] = {None: "—"}
    if relation and env.can(relation, "read"):
        target = model_meta(env.registry, relation).cls
        wanted = [i for i in ids if i is not None]
        for record in env.session.scalars(select(target).where(target.id.in_(wanted))):
            codes[record.id] = str(getattr(record, "code", None) or display_name(record, env))
    return {i: codes.get(i, f"#{i}") for i in ids}
