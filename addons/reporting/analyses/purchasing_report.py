"""The purchase analysis as a report: form, chart, tables and JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from addons.reporting.analyses import purchasing
from addons.reporting.analyses.routes import _num, _range
from addons.reporting.analyses.tables import Col, Field, Report, Table, routes
from kernel.env import Env
from kernel.i18n import _, text_of

TITLE = _("Purchase analysis")


def compute(env: Env, params: Mapping[str, Sequence[str]], lang: str) -> Report:
    first, last = _range(params)
    a = purchasing.analyse(env, first, last)
    tables = [
        Table(
            _("Spend per supplier"),
            [
                Col(_("Supplier")),
                Col(_("Currency")),
                Col(_("Untaxed spend"), "num"),
                Col(_("Orders"), "int"),
            ],
            [[s.label, s.currency, s.amount, s.orders] for s in a.suppliers],
            empty=_("No confirmed purchase orders in this range."),
        ),
        Table(
            _("Spend per product"),
            [
                Col(_("Product")),
                Col(_("Currency")),
                Col(_("Untaxed spend"), "num"),
                Col(_("Quantity"), "qty"),
                Col(_("Order lines"), "int"),
            ],
            [[s.label, s.currency, s.amount, s.quantity, s.orders] for s in a.products],
            empty=_("No confirmed purchase orders in this range."),
        ),
        Table(
            _("Supplier on-time rate"),
            [
                Col(_("Supplier")),
                Col(_("On time"), "int"),
                Col(_("Late"), "int"),
                Col(_("Pending"), "int"),
                Col(_("On-time rate"), "pct"),
            ],
            [[p.label, p.on_time, p.late, p.pending, p.rate] for p in a.punctuality],
            empty=_("No purchase order was due in this range."),
        ),
    ]
    main = a.currencies[0] if a.currencies else ""
    top = [s for s in a.suppliers if s.currency == main][:20]
    chart = {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [s.label for s in top],
        "series": [
            {
                "name": text_of(_("Untaxed spend")) + (f" · {main}" if main else ""),
                "data": [_num(s.amount) for s in top],
            }
        ],
    }
    data = {
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
        "spend_is": text_of(_("untaxed amount of confirmed purchase orders, per currency")),
        "totals": {code: _num(a.total(code)) for code in a.currencies},
        "suppliers": [
            {
                "partner_id": s.key,
                "name": s.label,
                "currency": s.currency,
                "spend": _num(s.amount),
                "orders": s.orders,
            }
            for s in a.suppliers
        ],
        "products": [
            {
                "product_id": s.key,
                "name": s.label,
                "currency": s.currency,
                "spend": _num(s.amount),
                "quantity": _num(s.quantity),
                "lines": s.orders,
            }
            for s in a.products
        ],
        "on_time": [
            {
                "partner_id": p.partner_id,
                "name": p.label,
                "on_time": p.on_time,
                "late": p.late,
                "pending": p.pending,
                "rate_pct": _num(p.rate),
            }
            for p in a.punctuality
        ],
    }
    form = [
        Field("date_from", _("From"), "date", first.isoformat()),
        Field("date_to", _("To"), "date", last.isoformat()),
    ]
    note = _(
        "Spend is the untaxed amount of confirmed purchase orders dated in the range, per currency. The on-time rate counts the orders promised in the range: on time when fully received by the expected date, late when received after it or still open once it has passed; orders not yet due are pending."
    )
    return Report(TITLE, note, form, tables, chart, data)


ROUTES = routes(
    "purchase",
    compute,
    """Purchase analysis between ``date_from`` and ``date_to`` (YYYY-MM-DD): untaxed spend
    of confirmed orders per supplier and per product, per currency (exact decimal
    strings), and per supplier the orders due in the range received on time, late or
    pending, with the on-time rate in percent (``null``: nothing due yet).""",
)
