"""Home-page figures for sales people: revenue this month and last month, best customers.

Why on the home page: the first screen a sales user sees should say how the month is
going; the numbers are the sales analysis's (confirmed orders' untaxed lines, per
currency), with a link to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from addons.reporting.analyses import sales
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _, text_of
from kernel.web.templating import money


def render_sales_widget(env: Env, today: dt.date | None = None) -> Any:
    today = today or dt.date.today()
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    try:
        now = sales.analyse(env, "month", "customer", first, today)
    except ValidationError:  # more customers this month than a pivot shows: no ranking
        now = sales.analyse(env, "month", "customer", first, today, breakdown=False)
    before = sales.analyse(
        env, "month", "customer", last_month_end.replace(day=1), last_month_end, breakdown=False
    )
    codes = sorted(set(now.totals) | set(before.totals))
    if not codes:
        return Markup('<p class="text-body-secondary small mb-0">{}</p>').format(
            text_of(_("No confirmed sales this month or last month."))
        )
    rows = Markup("").join(
        Markup(
            '<tr><th scope="row">{}</th><td class="text-end sp-num">{}</td><td class="text-end sp-num">{}</td></tr>'
        ).format(
            code, money(now.totals.get(code, 0), code), money(before.totals.get(code, 0), code)
        )
        for code in codes
    )
    best = Markup("").join(
        Markup('<li>{} <span class="text-body-secondary">{}</span></li>').format(
            line.label,
            " · ".join(money(v, c) for c, v in sorted(line.revenue.items())),
        )
        for line in now.breakdown[:3]
    )
    return Markup(
        '<table class="table table-sm mb-2 sp-sales-widget"><thead><tr><th></th>'
        '<th class="text-end">{}</th><th class="text-end">{}</th></tr></thead><tbody>{}</tbody></table>'
        '{}<a class="small" href="/reporting/sales">{}</a>'
    ).format(
        text_of(_("This month")),
        text_of(_("Last month")),
        rows,
        Markup('<p class="small mb-1">{}</p><ol class="small mb-2">{}</ol>').format(
            text_of(_("Best customers this month")), best
        )
        if best
        else Markup(""),
        text_of(_("Sales analysis")),
    )
