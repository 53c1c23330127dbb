"""The tracking board's screen and JSON endpoint (registered where sales_order is installed).

Handlers receive the signed-in user's unit (``env: RequestEnv``); ``node`` and ``late``
are typed query parameters (``late`` a boolean: ``1``/``0``, ``true``/``false``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromQuery

from addons.reporting.analyses import board
from kernel.i18n import _, text_of
from kernel.web.deps import RequestEnv
from kernel.web.templating import render


def late_rule() -> str:
    """The definition of late, as the screen and the JSON say it."""
    return text_of(
        _(
            "An order is late at its node when its requested date has passed and it has not "
            "shipped yet, or when it has waited there longer than the 90th percentile of the "
            "same step over the orders submitted in the last 365 days (measured once "
            "%(count)s orders made the step).",
            count=board.MIN_SAMPLES,
        )
    )


def _link(node: str = "", late: bool = False) -> str:
    pairs = [(k, v) for k, v in (("node", node), ("late", "1" if late else "")) if v]
    return "/reporting/tracking" + (f"?{urlencode(pairs)}" if pairs else "")


def board_json(b: board.Board) -> dict[str, Any]:
    return {
        "as_of": b.now.isoformat(),
        "late_rule": late_rule(),
        "node": b.node or None,
        "late_only": b.late_only,
        "open_orders": b.total,
        "late_orders": b.late,
        "listed": len(b.orders),
        "matching": b.shown,
        "nodes": [
            {"node": c.node, "label": c.label, "orders": c.orders, "late": c.late} for c in b.counts
        ],
        "orders": [
            {
                "id": o.order_id,
                "name": o.name,
                "customer": o.customer,
                "requested_date": o.requested_date.isoformat() if o.requested_date else None,
                "last_node": o.last_node or None,
                "last_at": o.last_at.isoformat() if o.last_at else None,
                "waiting_for": o.waiting_for,
                "waited_hours": format(o.waited_hours, "f"),
                "p90_hours": None if o.p90_hours is None else format(o.p90_hours, "f"),
                "overdue": o.overdue,
                "slow": o.slow,
                "late": o.late,
                "url": f"/app/sales/orders/{o.order_id}",
            }
            for o in b.orders
        ],
    }


@get("/reporting/tracking", name="reporting.tracking", include_in_schema=False, sync_to_thread=True)
def tracking_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    node: FromQuery[str] = "",
    late: FromQuery[bool] = False,
) -> Response[Any]:
    """Open orders by the node they wait at, the late ones first."""

    b = board.build(env, node=node, late_only=late)
    query = request.url.query or ""
    context = {
        "title": text_of(_("Tracking board")),
        "b": b,
        "late_rule": late_rule(),
        "link": _link,
        "json_url": f"/api/v1/reporting/tracking?{query}",
    }
    return render(request, "reporting/tracking.html", context, env=env)


@get(
    "/api/v1/reporting/tracking",
    name="reporting.api.tracking",
    tags=["Reporting"],
    sync_to_thread=True,
)
def tracking_api(
    env: RequestEnv, node: FromQuery[str] = "", late: FromQuery[bool] = False
) -> Response[Any]:
    """Tracking board: every open sales order (submitted, approved, in progress, completed)
    the user may read, by the node it waits at (``nodes``: counts and late counts), and the
    orders (``node`` to keep one node, ``late=1`` the late ones only; the late first, at
    most 500). ``late_rule`` says when an order is late."""
    b = board.build(env, node=node, late_only=late)
    return Response(content=board_json(b), media_type="application/json")


ROUTES: list[Any] = [tracking_page, tracking_api]
