"""Inventory analysis: stock value, turnover, days of supply and slow movers, per product
or category (registered where stock is installed).

Why from the done moves and not from a stock history table: a done move is immutable
and carries its valuation (``price_unit``), so the quantity at any past date is
today's less what moved since, and the cost of what was delivered is known exactly. Three grouped statements (quants per product; done
moves across the warehouse boundary per product, unit cost, direction and window; the
last delivery per product) give every figure; money is ``Decimal`` throughout:
quantities are summed in SQL per unit cost and multiplied by it in Python, which is
exact on SQLite's scaled integers and PostgreSQL's numerics alike.

* quantity at a date: on hand now less the net quantity moved in since; its value:
  that quantity at the product's current cost (so the start and end values compare
  like with like, and a cost changed since cannot make a value negative);
* COGS: deliveries to customers in the range, at their move cost (what they cost then);
* turnover: COGS ÷ the average of the values at the start and the end of the range;
* days of supply: stock at the end ÷ the average daily delivered quantity;
* slow mover: stock left and no delivery in the range, or more than ``slow_days`` of supply.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, select

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name, prefetch_display

ZERO = Decimal(0)
CENT = Decimal("0.01")
MONEY = Decimal("0.0001")
BYS = ("product", "category")


@dataclass
class Line:
    key: int
    label: str
    category: str
    on_hand: Decimal = ZERO  # at the end of the range
    value_start: Decimal = ZERO
    value_end: Decimal = ZERO
    delivered: Decimal = ZERO  # quantity delivered to customers in the range
    cogs: Decimal = ZERO
    last_delivery: dt.date | None = None
    days: int = 1

    @property
    def average_value(self) -> Decimal:
        return (self.value_start + self.value_end) / 2

    @property
    def turnover(self) -> Decimal | None:
        average = self.average_value
        return (self.cogs / average).quantize(CENT) if average > 0 else None

    @property
    def days_of_supply(self) -> Decimal | None:
        if self.delivered <= 0:
            return None
        return (self.on_hand * self.days / self.delivered).quantize(Decimal("0.1"))

    def slow(self, slow_days: int) -> bool:
        if self.on_hand <= 0:
            return False
        supply = self.days_of_supply
        return supply is None or supply > slow_days


@dataclass
class InventoryAnalysis:
    by: str
    date_from: dt.date
    date_to: dt.date
    currency: str
    slow_days: int
    lines: list[Line] = field(default_factory=list)

    def total(self, name: str) -> Decimal:
        return sum((getattr(line, name) for line in self.lines), ZERO)

    @property
    def turnover(self) -> Decimal | None:
        average = (self.total("value_start") + self.total("value_end")) / 2
        return (self.total("cogs") / average).quantize(CENT) if average > 0 else None


def _moment(day: dt.date) -> dt.datetime:
    """The start of ``day`` (UTC): move times are stored in UTC."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def analyse(
    env: Env, date_from: dt.date, date_to: dt.date, by: str = "product", slow_days: int = 180
) -> InventoryAnalysis:
    if by not in BYS:
        raise ValidationError(_("%(value)s is not a breakdown", value=by), field="by")
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    if not 1 <= slow_days <= 3650:
        raise ValidationError(_("between 1 and 3650 days"), field="slow_days")
    for model in ("stock.quant", "stock.move", "product.product"):
        env.check(model, "read")
    from addons.base.services.company import company_currency

    Quant, Move = env["stock.quant"], env["stock.move"]
    Location, Product = env["stock.location"], env["product.product"]
    internal = select(Location.id).where(Location.usage == "internal").scalar_subquery()
    customer = select(Location.id).where(Location.usage == "customer").scalar_subquery()
    start, end = _moment(date_from), _moment(date_to + dt.timedelta(days=1))
    days = (date_to - date_from).days + 1

    on_hand: dict[int, Decimal] = {
        pid: Decimal(qty or 0)
        for pid, qty in env.session.execute(
            select(Quant.product_id, func.sum(Quant.quantity, type_=Quant.quantity.type))
            .where(Quant.location_id.in_(internal))
            .group_by(Quant.product_id)
        )
    }
    src_in, dst_in = Move.location_id.in_(internal), Move.location_dest_id.in_(internal)
    direction = case((and_(dst_in, ~src_in), literal("in")), else_=literal("out"))
    window = case((Move.date_done >= end, literal("after")), else_=literal("range"))
    to_customer = case((Move.location_dest_id.in_(customer), 1), else_=0)
    moved = env.session.execute(
        select(
            Move.product_id,
            Move.price_unit,
            direction,
            window,
            to_customer,
            func.sum(Move.product_qty, type_=Move.product_qty.type),
        )
        .where(Move.state == "done", Move.date_done >= start, src_in != dst_in)
        .group_by(Move.product_id, Move.price_unit, direction, window, to_customer)
    ).all()
    last: dict[int, dt.datetime] = dict(
        env.session.execute(
            select(Move.product_id, func.max(Move.date_done))
            .where(
                Move.state == "done",
                Move.date_done < end,
                src_in,
                Move.location_dest_id.in_(customer),
            )
            .group_by(Move.product_id)
        ).all()
    )
    ids = sorted(set(on_hand) | {row[0] for row in moved})
    products = list(env.session.scalars(select(Product).where(Product.id.in_(ids)))) if ids else []
    prefetch_display(env, products)
    lines: dict[int, Line] = {}
    start_qty: dict[int, Decimal] = {}
    costs: dict[int, Decimal] = {}
    for p in products:
        category = display_name(p.category, env) if p.category_id else ""
        line = Line(p.id, display_name(p, env), category, days=days)
        line.on_hand = on_hand.get(p.id, ZERO)
        costs[p.id] = Decimal(p.standard_price or 0)
        line.last_delivery = _local_date(last.get(p.id))
        lines[p.id] = line
    range_net: dict[int, Decimal] = defaultdict(Decimal)
    for pid, price, way, when, customer_flag, qty in moved:
        if pid not in lines:
            continue
        line = lines[pid]
        qty = Decimal(qty or 0)
        sign = 1 if way == "in" else -1
        if when == "after":  # undo the moves after the range: stock as it was at its end
            line.on_hand -= sign * qty
        else:
            range_net[pid] += sign * qty
            if customer_flag and way == "out":
                line.delivered += qty
                line.cogs += qty * Decimal(price or 0)
    for pid, line in lines.items():
        start_qty[pid] = line.on_hand - range_net[pid]
        line.value_end = line.on_hand * costs[pid]
        line.value_start = start_qty[pid] * costs[pid]
    analysis = InventoryAnalysis(by, date_from, date_to, company_currency(env).code, slow_days)
    chosen = [
        line
        for line in lines.values()
        if line.on_hand or line.value_start or line.value_end or line.delivered
    ]
    analysis.lines = _by_category(chosen) if by == "category" else chosen
    for line in analysis.lines:  # quantity × cost has 8 places: back to the money scale
        line.value_start = line.value_start.quantize(MONEY)
        line.value_end = line.value_end.quantize(MONEY)
        line.cogs = line.cogs.quantize(MONEY)
    analysis.lines.sort(key=lambda line: (-line.value_end, line.label.casefold()))
    return analysis


def _local_date(stamp: dt.datetime | None) -> dt.date | None:
    if stamp is None:
        return None
    return (
        stamp.date() if isinstance(stamp, dt.datetime) else dt.date.fromisoformat(str(stamp)[:10])
    )


def _by_category(lines: list[Line]) -> list[Line]:
    groups: dict[str, Line] = {}
    index: dict[str, int] = defaultdict(int)
    for line in lines:
        name = line.category or "—"
        if name not in groups:
            index[name] = len(groups) + 1
            groups[name] = Line(index[name], name, name, days=line.days)
        group = groups[name]
        for attr in ("on_hand", "value_start", "value_end", "delivered", "cogs"):
            setattr(group, attr, getattr(group, attr) + getattr(line, attr))
        if line.last_delivery and (
            group.last_delivery is None or line.last_delivery > group.last_delivery
        ):
            group.last_delivery = line.last_delivery
    return list(groups.values())
