"""Finding orders: search by number, customer, salesperson or product, filter, group with totals.

The query string of the orders list (``q=…&state=draft&date_from=…``) is also
what a saved filter stores, so saving and applying a filter is replaying it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from sqlalchemy import Select, exists, func, or_, select

from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

GROUPS = ("partner", "salesperson", "state", "month")
FILTER_KEYS = ("q", "customer", "salesperson", "product", "state", "date_from", "date_to")


@dataclass(frozen=True)
class OrderQuery:
    q: str = ""  # number or customer name
    customer: str = ""
    salesperson: str = ""
    product: str = ""  # reference, name or barcode of a product on any line
    states: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def parse(cls, query: str) -> OrderQuery:
        """From a query string; unknown keys are ignored, bad dates name the field."""
        raw = parse_qs(query.lstrip("?"), keep_blank_values=False)

        def one(key: str) -> str:
            return (raw.get(key) or [""])[0].strip()

        def day(key: str) -> dt.date | None:
            value = one(key)
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValidationError(
                    _("%(field)s: %(value)s is not a date (YYYY-MM-DD)", field=key, value=value),
                    field=key,
                ) from None

        states = tuple(s for value in raw.get("state", []) for s in value.split(",") if s)
        return cls(
            q=one("q"),
            customer=one("customer"),
            salesperson=one("salesperson"),
            product=one("product"),
            states=states,
            date_from=day("date_from"),
            date_to=day("date_to"),
        )

    def to_string(self) -> str:
        pairs: list[tuple[str, str]] = [
            (k, v)
            for k, v in (
                ("q", self.q),
                ("customer", self.customer),
                ("salesperson", self.salesperson),
                ("product", self.product),
            )
            if v
        ]
        if self.states:
            pairs.append(("state", ",".join(self.states)))
        if self.date_from:
            pairs.append(("date_from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("date_to", self.date_to.isoformat()))
        return urlencode(pairs)


def _filtered(env: Env, stmt: Select[Any], query: OrderQuery) -> Select[Any]:
    Order = env["sale.order"]
    Partner = env["res.partner"]
    User = env["res.user"]
    Line = env["sale.order.line"]
    Product = env["product.product"]
    if query.q:
        pattern = f"%{query.q}%"
        customer_ids = select(Partner.id).where(Partner.name.ilike(pattern))
        stmt = stmt.where(or_(Order.name.ilike(pattern), Order.partner_id.in_(customer_ids)))
    if query.customer:
        stmt = stmt.where(
            Order.partner_id.in_(
                select(Partner.id).where(Partner.name.ilike(f"%{query.customer}%"))
            )
        )
    if query.salesperson:
        pattern = f"%{query.salesperson}%"
        stmt = stmt.where(
            Order.salesperson_id.in_(
                select(User.id).where(or_(User.name.ilike(pattern), User.login.ilike(pattern)))
            )
        )
    if query.product:
        pattern = f"%{query.product}%"
        stmt = stmt.where(
            exists(
                select(Line.id)
                .join(Product, Product.id == Line.product_id)
                .where(
                    Line.order_id == Order.id,
                    or_(
                        Product.default_code.ilike(pattern),
                        Product.name.ilike(pattern),
                        Product.name_zh.ilike(pattern),
                        Product.barcode == query.product,
                    ),
                )
            )
        )
    if query.states:
        stmt = stmt.where(Order.state.in_(query.states))
    if query.date_from:
        stmt = stmt.where(Order.date_order >= query.date_from)
    if query.date_to:
        stmt = stmt.where(Order.date_order <= query.date_to)
    return stmt


def search_orders(
    env: Env, query: OrderQuery | str = "", *, limit: int = 50, offset: int = 0
) -> list[Any]:
    """Orders matching ``query``, newest first."""
    if isinstance(query, str):
        query = OrderQuery.parse(query)
    Order = env["sale.order"]
    stmt = _filtered(env, select(Order), query)
    stmt = stmt.order_by(Order.date_order.desc(), Order.id.desc()).limit(limit).offset(offset)
    return list(env.session.scalars(stmt))


def month_of(env: Env, column: Any) -> Any:
    if env.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


@dataclass(frozen=True)
class GroupTotal:
    key: Any
    label: str
    count: int
    amount_untaxed: Decimal
    amount_total: Decimal


def group_totals(env: Env, by: str, query: OrderQuery | str = "") -> list[GroupTotal]:
    """Order count and totals per customer, salesperson, state or month (one query)."""
    if by not in GROUPS:
        raise ValidationError(
            _("Group by: %(by)s is not one of %(allowed)s", by=by, allowed=", ".join(GROUPS)),
            field="group_by",
        )
    if isinstance(query, str):
        query = OrderQuery.parse(query)
    Order = env["sale.order"]
    Partner = env["res.partner"]
    User = env["res.user"]
    count = func.count(Order.id)
    untaxed = func.coalesce(func.sum(Order.amount_untaxed), 0)
    total = func.coalesce(func.sum(Order.amount_total), 0)
    if by == "partner":
        key, label = Order.partner_id, Partner.name
        stmt = select(key, label, count, untaxed, total).outerjoin(
            Partner, Partner.id == Order.partner_id
        )
        group: tuple[Any, ...] = (key, label)
    elif by == "salesperson":
        key, label = Order.salesperson_id, User.name
        stmt = select(key, label, count, untaxed, total).outerjoin(
            User, User.id == Order.salesperson_id
        )
        group = (key, label)
    elif by == "state":
        key = Order.state
        stmt = select(key, key, count, untaxed, total)
        group = (key,)
    else:
        key = month_of(env, Order.date_order)
        stmt = select(key, key, count, untaxed, total)
        group = (key,)
    stmt = _filtered(env, stmt.select_from(Order), query).group_by(*group).order_by(key)
    states = dict(Order.__table__.c.state.info["selection"])
    Money = Order.__table__.c.amount_total.type
    dialect = env.session.get_bind().dialect
    result = []
    for row_key, row_label, n, sum_untaxed, sum_total in env.session.execute(stmt):
        if by == "state":
            row_label = str(states.get(row_key, row_key))
        result.append(
            GroupTotal(
                key=row_key,
                label=str(row_label or "—"),
                count=int(n),
                amount_untaxed=_money(Money, sum_untaxed, dialect),
                amount_total=_money(Money, sum_total, dialect),
            )
        )
    return result


def _money(money_type: Any, value: Any, dialect: Any) -> Decimal:
    """SUM over an Exact column comes back typed; COALESCE(…, 0) may come back raw (0)."""
    if isinstance(value, Decimal):
        return value
    return money_type.process_result_value(value, dialect) or Decimal(0)


# --- saved filters ------------------------------------------------------------------------


def save_filter(env: Env, name: str, query: str) -> Any:
    """Save (or overwrite) the current user's filter ``name``.

    ``query`` is the orders list's query string as the user had it (search text,
    filters, grouping, and the keys of :class:`OrderQuery`), kept as is.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name: give the filter a name"), field="name")
    query = (query or "").strip().lstrip("?")
    if len(query) > 2000:
        raise ValidationError(_("Query: too long to be saved"), field="query")
    OrderQuery.parse(query)  # refuses malformed dates now rather than when applied
    Filter = env["sale.saved.filter"]
    existing = env.session.scalar(
        select(Filter).where(Filter.user_id == env.uid, Filter.name == name)
    )
    if existing is not None:
        existing.query = query
        env.session.flush()
        return existing
    record = Filter(user_id=env.uid, name=name, query=query)
    env.session.add(record)
    env.session.flush()
    return record


def my_filters(env: Env) -> list[Any]:
    Filter = env["sale.saved.filter"]
    return list(
        env.session.scalars(select(Filter).where(Filter.user_id == env.uid).order_by(Filter.name))
    )


def my_filter(env: Env, filter_id: int) -> Any:
    """One of the user's own saved filters (someone else's is not found)."""
    Filter = env["sale.saved.filter"]
    record = env.session.scalar(
        select(Filter).where(Filter.id == filter_id, Filter.user_id == env.uid)
    )
    if record is None:
        from kernel.errors import NotFound

        raise NotFound(_("saved filter #%(id)s does not exist", id=filter_id))
    return record


def apply_filter(env: Env, filter_id: int, **kwargs: Any) -> list[Any]:
    """The orders a saved filter finds."""
    return search_orders(env, my_filter(env, filter_id).query, **kwargs)
