"""The tracking board: open sales orders by the node they wait at, and which are late.

Why from the history and the milestones: the node an order has reached is the last
of its nodes in the workflow history (the same events as the order cycle), and the
node it waits at is the first node it still expects — a state transition, or a
milestone an installed addon expects for this order (``workflow.milestone`` rows
not done yet). Three statements for the whole board (orders, their first time per
node, their pending milestones), whatever the number of orders.

**Late** (said on the screen too): an order waits at a node late when

* its requested date has passed and it has not shipped yet (the requested date is
  the date the customer wants the goods; nodes after shipping are not held to it), or
* it has waited at the node longer than the 90th percentile of the same step
  (from its last node to this one) over the orders submitted in the last 365 days,
  measured when at least ``MIN_SAMPLES`` orders made that step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from addons.reporting.analyses import cycle
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name

OPEN_STATES = ("submitted", "approved", "in_progress", "completed")
HISTORY_DAYS = 365
MIN_SAMPLES = 5
LIMIT = 500  # orders listed; the counts cover every open order


@dataclass
class BoardOrder:
    order_id: int
    name: str
    customer: str
    requested_date: dt.date | None
    last_node: str
    last_at: dt.datetime | None
    waiting_for: str
    waited_hours: Decimal
    overdue: bool
    p90_hours: Decimal | None

    @property
    def slow(self) -> bool:
        return self.p90_hours is not None and self.waited_hours > self.p90_hours

    @property
    def late(self) -> bool:
        return self.overdue or self.slow


@dataclass
class NodeCount:
    node: str
    label: str
    orders: int = 0
    late: int = 0


@dataclass
class Board:
    labels: dict[str, str]
    now: dt.datetime
    counts: list[NodeCount] = field(default_factory=list)
    orders: list[BoardOrder] = field(default_factory=list)
    total: int = 0
    late: int = 0
    shown: int = 0
    node: str = ""
    late_only: bool = False
    p90: dict[tuple[str, str], Decimal] = field(default_factory=dict)


def p90_per_step(env: Env, today: dt.date) -> dict[tuple[str, str], Decimal]:
    """The 90th percentile in hours of each step, over orders submitted in the last year."""
    analysis = cycle.analyse(env, today - dt.timedelta(days=HISTORY_DAYS), today, slowest=0)
    return {
        pair: stats.p90_hours
        for pair, stats in analysis.overall.items()
        if stats.count >= MIN_SAMPLES
    }


def build(
    env: Env, node: str = "", late_only: bool = False, now: dt.datetime | None = None
) -> Board:
    """Every open order the user may read, where it waits, and whether it is late."""
    env.check(cycle.MODEL, "read")
    labels = cycle.node_labels(env)
    if node and node not in labels:
        raise ValidationError(_("%(value)s is not a node of the order", value=node), field="node")
    now = now or dt.datetime.now(dt.UTC)
    today = now.date()
    Order, History = env["sale.order"], env["workflow.history"]
    Milestone = env["workflow.milestone"]
    open_orders = env.session.execute(
        select(Order.id, Order.requested_date, Order.state).where(Order.state.in_(OPEN_STATES))
    ).all()
    open_ids = select(Order.id).where(Order.state.in_(OPEN_STATES))
    reached: dict[int, dict[str, dt.datetime]] = {}
    for res_id, event, at in env.session.execute(
        select(History.res_id, History.transition, func.min(History.at))
        .where(
            History.model == cycle.MODEL,
            History.res_id.in_(open_ids),
            History.transition.in_(list(cycle.EVENTS)),
        )
        .group_by(History.res_id, History.transition)
    ):
        reached.setdefault(res_id, {})[cycle.EVENTS[event]] = cycle._aware(at)
    pending: dict[int, set[str]] = {}
    for res_id, name in env.session.execute(
        select(Milestone.res_id, Milestone.name).where(
            Milestone.model == cycle.MODEL,
            Milestone.res_id.in_(open_ids),
            Milestone.done_at.is_(None),
        )
    ):
        pending.setdefault(res_id, set()).add(f"milestone:{name}")
    p90 = p90_per_step(env, today)
    board = Board(labels, now, node=node, late_only=late_only, p90=p90)
    counts = {n: NodeCount(n, label) for n, label in labels.items()}
    ship_rank = cycle.ORDER["shipped"]
    entries: list[tuple[int, str, str, dt.datetime | None, Decimal, bool, Decimal | None]] = []
    for row in open_orders:
        nodes = reached.get(row.id, {})
        last = max(nodes, key=cycle.ORDER.__getitem__) if nodes else ""
        waiting = _waiting_for(labels, nodes, pending.get(row.id, set()))
        if not waiting:
            continue
        since = nodes.get(last)
        hours = cycle._hours(now - since) if since else Decimal(0)
        overdue = (
            row.requested_date is not None
            and row.requested_date < today
            and "shipped" in labels
            and "shipped" not in nodes
            and cycle.ORDER[waiting] <= ship_rank
        )
        limit = p90.get((last, waiting)) if last else None
        entry = (row.id, waiting, last, since, hours, bool(overdue), limit)
        late = overdue or (limit is not None and hours > limit)
        counts[waiting].orders += 1
        counts[waiting].late += int(late)
        board.total += 1
        board.late += int(late)
        if (not node or waiting == node) and (not late_only or late):
            entries.append(entry)
    board.counts = [c for c in counts.values() if c.orders]
    board.shown = len(entries)
    entries.sort(key=lambda e: (not (e[5] or (e[6] is not None and e[4] > e[6])), -e[4], e[0]))
    entries = entries[:LIMIT]
    found = {
        o.id: o
        for o in env.session.scalars(
            select(Order)
            .where(Order.id.in_([e[0] for e in entries]))
            .options(selectinload(Order.partner))
        )
    }
    for order_id, waiting, last, since, hours, overdue, limit in entries:
        order = found[order_id]
        board.orders.append(
            BoardOrder(
                order_id,
                order.name,
                display_name(order.partner, env) if order.partner else "",
                order.requested_date,
                last,
                since,
                waiting,
                hours,
                overdue,
                limit,
            )
        )
    return board


def _waiting_for(labels: dict[str, str], nodes: dict[str, Any], pending: set[str]) -> str:
    """The first node in the canonical order the order still expects and has not reached."""
    for name, event in cycle.NODES:
        if name not in labels or name in nodes:
            continue
        if event.startswith("milestone:"):
            if event in pending:
                return name
            continue
        return name
    return ""
