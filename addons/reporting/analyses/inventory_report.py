"""The inventory analysis as a report: form, chart, tables and JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from addons.reporting.analyses import inventory
from addons.reporting.analyses.routes import _num, _one, _range
from addons.reporting.analyses.tables import Col, Field, Report, Table, routes
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _, text_of

TITLE = _("Inventory analysis")
BY_LABELS = {"product": _("Product"), "category": _("Product category")}


def _slow_days(params: Mapping[str, Sequence[str]]) -> int:
    text = _one(params, "slow_days", "180")
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise ValidationError(
            _("%(value)s is not a whole number", value=text[:40]), field="slow_days"
        )
    return int(text)


def compute(env: Env, params: Mapping[str, Sequence[str]], lang: str) -> Report:
    first, last = _range(params)
    by = _one(params, "by", "product")
    a = inventory.analyse(env, first, last, by, _slow_days(params))
    code = a.currency
    columns = [
        Col(BY_LABELS.get(by, by)),
        Col(_("On hand"), "qty"),
        Col(_("Stock value"), "money", code),
        Col(_("Value at start"), "money", code),
        Col(_("Delivered"), "qty"),
        Col(_("Cost of goods sold"), "money", code),
        Col(_("Turnover"), "num"),
        Col(_("Days of supply"), "num"),
        Col(_("Last delivery"), "date"),
        Col(_("Slow mover"), "flag"),
    ]
    rows = [
        [
            line.label,
            line.on_hand,
            line.value_end,
            line.value_start,
            line.delivered,
            line.cogs,
            line.turnover,
            line.days_of_supply,
            line.last_delivery,
            line.slow(a.slow_days),
        ]
        for line in a.lines
    ]
    total = [
        text_of(_("Total")),
        None,
        a.total("value_end"),
        a.total("value_start"),
        None,
        a.total("cogs"),
        a.turnover,
        None,
        None,
        None,
    ]
    slow = [line for line in a.lines if line.slow(a.slow_days)]
    tables = [
        Table(
            _("Stock, turnover and days of supply"),
            columns,
            [*rows, total] if rows else [],
            empty=_("No stock and no stock moves."),
        ),
        Table(
            _("Slow movers"),
            [columns[0], columns[1], columns[2], columns[7], columns[8]],
            [[s.label, s.on_hand, s.value_end, s.days_of_supply, s.last_delivery] for s in slow],
            empty=_("No slow movers."),
        ),
    ]
    top = a.lines[:20]
    chart = {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [line.label for line in top],
        "series": [
            {
                "name": f"{text_of(_('Stock value'))} · {code}",
                "data": [_num(x.value_end) for x in top],
            },
            {
                "name": text_of(_("Turnover")),
                "data": [_num(x.turnover) for x in top],
                "kind": "line",
                "axis": 1,
            },
        ],
        "second_axis": True,
    }
    data = {
        "by": by,
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
        "currency": code,
        "slow_days": a.slow_days,
        "turnover": _num(a.turnover),
        "totals": {
            "value_start": _num(a.total("value_start")),
            "value_end": _num(a.total("value_end")),
            "cogs": _num(a.total("cogs")),
        },
        "lines": [
            {
                "id": line.key,
                "label": line.label,
                "category": line.category,
                "on_hand": _num(line.on_hand),
                "value_end": _num(line.value_end),
                "value_start": _num(line.value_start),
                "average_value": _num(line.average_value),
                "delivered": _num(line.delivered),
                "cogs": _num(line.cogs),
                "turnover": _num(line.turnover),
                "days_of_supply": _num(line.days_of_supply),
                "last_delivery": line.last_delivery.isoformat() if line.last_delivery else None,
                "slow": line.slow(a.slow_days),
            }
            for line in a.lines
        ],
    }
    form = [
        Field("date_from", _("From"), "date", first.isoformat()),
        Field("date_to", _("To"), "date", last.isoformat()),
        Field("by", _("Breakdown by"), "select", by, list(BY_LABELS.items())),
        Field("slow_days", _("Slow beyond (days of supply)"), "number", str(a.slow_days)),
    ]
    note = _(
        "Stock value is the quantity on hand at the end of the range (and at its start: today's less what moved since) at the product's current cost. Turnover is the cost of goods delivered to customers in the range divided by the average of both values; days of supply is the stock at the end divided by the average daily delivered quantity. A slow mover has stock and no delivery, or more days of supply than the limit."
    )
    return Report(TITLE, note, form, tables, chart, data)


ROUTES = routes(
    "inventory",
    compute,
    """Inventory analysis between ``date_from`` and ``date_to`` (YYYY-MM-DD), ``by``
    product or category: on hand and stock value at the end, value at the start, quantity
    delivered and cost of goods sold, turnover, days of supply, last delivery and the
    slow-mover flag (``slow_days``, default 180). Amounts are exact decimal strings in
    the company currency.""",
)
