"""The delivery performance analysis as a report: form, chart, tables and JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from addons.reporting.analyses import delivery_perf
from addons.reporting.analyses.routes import _num, _range
from addons.reporting.analyses.tables import Col, Field, Report, Table, routes
from kernel.env import Env
from kernel.i18n import _, text_of

TITLE = _("Delivery performance")


def _rate_columns(first: object) -> list[Col]:
    return [
        Col(first),
        Col(_("On time"), "int"),
        Col(_("Late"), "int"),
        Col(_("Pending"), "int"),
        Col(_("On-time rate"), "pct"),
    ]


def compute(env: Env, params: Mapping[str, Sequence[str]], lang: str) -> Report:
    first, last = _range(params)
    a = delivery_perf.analyse(env, first, last)
    overall = a.overall
    tables = [
        Table(
            _("Per month of the requested date"),
            _rate_columns(_("Month")),
            [[m.label, m.on_time, m.late, m.pending, m.rate] for m in a.months]
            + (
                [
                    [
                        text_of(_("Total")),
                        overall.on_time,
                        overall.late,
                        overall.pending,
                        overall.rate,
                    ]
                ]
                if a.months
                else []
            ),
            empty=_("No confirmed order was requested in this range."),
        ),
        Table(
            _("Per customer"),
            _rate_columns(_("Customer")),
            [[c.label, c.on_time, c.late, c.pending, c.rate] for c in a.customers],
            empty=_("No confirmed order was requested in this range."),
        ),
        Table(
            _("Late and not shipped"),
            [
                Col(_("Order")),
                Col(_("Customer")),
                Col(_("Requested date"), "date"),
                Col(_("Days late"), "int"),
            ],
            [[o.name, o.customer, o.requested, o.days_late] for o in a.late_open],
            urls=[f"/app/sales/orders/{o.order_id}" for o in a.late_open],
            empty=_("No late order."),
        ),
    ]
    chart = {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [m.label for m in a.months],
        "percent_axis": True,
        "series": [
            {"name": text_of(_("On time")), "data": [m.on_time for m in a.months], "stack": "n"},
            {"name": text_of(_("Late")), "data": [m.late for m in a.months], "stack": "n"},
            {
                "name": text_of(_("On-time rate")),
                "data": [_num(m.rate) for m in a.months],
                "kind": "line",
                "axis": 1,
            },
        ],
    }

    def rate(r: delivery_perf.Rate) -> dict[str, object]:
        return {
            "on_time": r.on_time,
            "late": r.late,
            "pending": r.pending,
            "rate_pct": _num(r.rate),
        }

    data = {
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
        "today": a.today.isoformat(),
        "overall": rate(overall),
        "months": [{"month": m.label, **rate(m)} for m in a.months],
        "customers": [{"partner_id": c.key, "name": c.label, **rate(c)} for c in a.customers],
        "late_open_count": a.late_open_count,
        "late_open": [
            {
                "order_id": o.order_id,
                "name": o.name,
                "customer": o.customer,
                "requested_date": o.requested.isoformat(),
                "days_late": o.days_late,
            }
            for o in a.late_open
        ],
    }
    form = [
        Field("date_from", _("From"), "date", first.isoformat()),
        Field("date_to", _("To"), "date", last.isoformat()),
    ]
    note = _(
        "Confirmed orders whose requested date falls in the range: on time when fully shipped by that day, late when shipped after it or still not shipped once it has passed; orders not yet due are pending and stay out of the rate."
    )
    return Report(TITLE, note, form, tables, chart, data)


ROUTES = routes(
    "delivery",
    compute,
    """Delivery performance of confirmed sales orders whose ``requested_date`` falls
    between ``date_from`` and ``date_to`` (YYYY-MM-DD): orders shipped on time, late or
    pending, and the on-time rate in percent (``null``: nothing due yet), overall, per
    month of the requested date and per customer; how many late orders are not shipped
    yet (``late_open_count``) and the 50 oldest of them.""",
)
