"""Order cycle from the workflow history: when each node was reached, and by whom.

Why from the history: every transition (submit, approve, complete, close) and every
milestone an addon reaches (reserved, procured, shipped, signed, invoiced, settled)
is written to ``workflow.history`` with its time and user by the kernel's engine,
so the cycle needs nothing of its own. One grouped statement gives each order's
first time at each node; the medians and 90th percentiles are then taken over the
orders (per month of submission). Only the nodes of installed addons appear.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _, text_of
from kernel.web.introspect import display_name

MODEL = "sale.order"
# the canonical order of an order's nodes: (node, history event)
NODES: list[tuple[str, str]] = [
    ("submitted", "submit"),
    ("approved", "approve"),
    ("procured", "milestone:procured"),
    ("reserved", "milestone:reserved"),
    ("produced", "milestone:produced"),
    ("shipped", "milestone:shipped"),
    ("signed", "milestone:signed"),
    ("completed", "complete"),
    ("invoiced", "milestone:invoiced"),
    ("settled", "milestone:settled"),
    ("closed", "close"),
]
EVENTS = {event: node for node, event in NODES}
ORDER = {node: i for i, (node, _event) in enumerate(NODES)}
HOUR = Decimal(3600)


def node_labels(env: Env) -> dict[str, str]:
    """Labels of the nodes the installed addons have (states and milestones)."""
    wf = env.registry.workflows[MODEL]
    labels: dict[str, str] = {}
    for node, event in NODES:
        if event.startswith("milestone:"):
            name = event.split(":", 1)[1]
            found = next((m for m in wf.milestones if m.name == name), None)
            if found is not None:
                labels[node] = text_of(found.label)
        else:
            try:
                labels[node] = text_of(wf.state(node).label)
            except KeyError:
                continue
    return labels


@dataclass
class Reached:
    node: str
    label: str
    at: dt.datetime | None
    user: str
    done: bool


def tracking(env: Env, order: Any) -> list[Reached]:
    """Every node of one order: reached ones with time and who, then those still expected."""
    History, User = env["workflow.history"], env["res.user"]
    rows = env.session.execute(
        select(History.transition, History.at, User.name)
        .outerjoin(User, User.id == History.user_id)
        .where(History.model == MODEL, History.res_id == order.id)
        .order_by(History.at, History.id)
    ).all()
    labels = node_labels(env)
    first: dict[str, tuple[dt.datetime, str]] = {}
    for event, at, user in rows:
        node = EVENTS.get(event)
        if node is not None and node not in first:
            first[node] = (at, user or "")
    from kernel import workflow

    expected = set(workflow.milestones(env, order))
    out = []
    for node, event in NODES:
        if node not in labels:
            continue
        milestone = event.split(":", 1)[1] if event.startswith("milestone:") else None
        if node in first:
            at, user = first[node]
            out.append(Reached(node, labels[node], at, user, True))
        elif milestone is None or milestone in expected:
            out.append(Reached(node, labels[node], None, "", False))
    if order.state == "cancelled":
        out = [r for r in out if r.done]
    return out


@dataclass
class PairStats:
    count: int
    median_hours: Decimal
    p90_hours: Decimal


@dataclass
class SlowOrder:
    order_id: int
    name: str
    customer: str
    hours: Decimal
    last_node: str


@dataclass
class CycleAnalysis:
    date_from: dt.date
    date_to: dt.date
    labels: dict[str, str]
    months: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    by_month: dict[tuple[str, str, str], PairStats] = field(default_factory=dict)
    overall: dict[tuple[str, str], PairStats] = field(default_factory=dict)
    slowest: list[SlowOrder] = field(default_factory=list)
    orders: int = 0


def _hours(delta: dt.timedelta) -> Decimal:
    return (Decimal(delta.days * 86400 + delta.seconds) / HOUR).quantize(Decimal("0.1"))


def _stats(values: list[Decimal]) -> PairStats:
    ordered = sorted(values)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]  # nearest rank
    median = Decimal(statistics.median(ordered)).quantize(Decimal("0.1"))
    return PairStats(len(ordered), median, p90)


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def analyse(env: Env, date_from: dt.date, date_to: dt.date, slowest: int = 10) -> CycleAnalysis:
    """Time between consecutive nodes of orders submitted in the range (UTC days)."""
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    env.check(MODEL, "read")
    History, Order = env["workflow.history"], env["sale.order"]
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    submitted = (
        select(History.res_id)
        .where(History.model == MODEL, History.transition == "submit")
        .group_by(History.res_id)
        .having(func.min(History.at) >= start, func.min(History.at) < end)
    )
    readable = select(Order.id).where(Order.id.in_(submitted))
    rows = env.session.execute(
        select(History.res_id, History.transition, func.min(History.at))
        .where(
            History.model == MODEL,
            History.res_id.in_(readable),
            History.transition.in_(list(EVENTS)),
        )
        .group_by(History.res_id, History.transition)
    ).all()
    times: dict[int, dict[str, dt.datetime]] = {}
    for res_id, event, at in rows:
        times.setdefault(res_id, {})[EVENTS[event]] = _aware(at)
    analysis = CycleAnalysis(date_from, date_to, node_labels(env))
    samples: dict[tuple[str, str, str], list[Decimal]] = {}
    overall: dict[tuple[str, str], list[Decimal]] = {}
    totals: list[tuple[Decimal, int, str]] = []
    for order_id, nodes in times.items():
        if "submitted" not in nodes:
            continue
        month = nodes["submitted"].strftime("%Y-%m")
        reached = sorted(nodes, key=ORDER.__getitem__)
        for a, b in itertools.pairwise(reached):
            hours = _hours(nodes[b] - nodes[a])
            samples.setdefault((month, a, b), []).append(hours)
            overall.setdefault((a, b), []).append(hours)
        totals.append((_hours(nodes[reached[-1]] - nodes[reached[0]]), order_id, reached[-1]))
    analysis.orders = len(totals)
    analysis.pairs = sorted(overall, key=lambda p: (ORDER[p[0]], ORDER[p[1]]))
    analysis.months = sorted({m for m, _a, _b in samples})
    analysis.by_month = {key: _stats(values) for key, values in samples.items()}
    analysis.overall = {key: _stats(values) for key, values in overall.items()}
    top = sorted(totals, reverse=True)[:slowest]
    found = {
        o.id: o
        for o in env.session.scalars(
            select(Order)
            .where(Order.id.in_([t[1] for t in top]))
            .options(selectinload(Order.partner))
        )
    }
    for hours, order_id, last in top:
        order = found.get(order_id)
        if order is None:
            continue
        analysis.slowest.append(
            SlowOrder(
                order_id,
                order.name,
                display_name(order.partner, env) if order.partner else "",
                hours,
                analysis.labels.get(last, last),
            )
        )
    return analysis


def render_panel(env: Env, order: Any) -> Any:
    """The order's tracking bar on its form: each node with its time and who did it."""
    from markupsafe import Markup

    from kernel.web.templating import datetime as when

    nodes = tracking(env, order)
    if not nodes:
        return None
    items = []
    for node in nodes:
        icon = "bi-check-circle-fill text-success" if node.done else "bi-circle text-secondary"
        detail = (
            Markup(
                '<div class="small text-body-secondary">{}</div><div class="small">{}</div>'
            ).format(when(node.at, "short"), node.user)
            if node.done
            else Markup('<div class="small text-body-secondary">{}</div>').format(
                text_of(_("waiting"))
            )
        )
        items.append(
            Markup(
                '<li class="sp-track-node border rounded px-2 py-1 {}" data-node="{}">'
                '<div class="fw-semibold"><i class="bi {}" aria-hidden="true"></i> {}</div>{}</li>'
            ).format("bg-body-tertiary" if node.done else "", node.node, icon, node.label, detail)
        )
    return Markup(
        '<section class="sp-tracking mb-3" aria-label="{}"><div class="small text-body-secondary mb-1">{}</div>'
        '<ol class="list-unstyled d-flex flex-wrap gap-2 mb-0">{}</ol></section>'
    ).format(text_of(_("Order tracking")), text_of(_("Order tracking")), Markup("").join(items))
