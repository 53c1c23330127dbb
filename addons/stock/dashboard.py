"""The Inventory alerts widget: products under their minimum, reservations that are late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select

from addons.stock.services.reorder import under_minimum
from kernel.i18n import _


def late_reservations(env: Any, today: dt.date | None = None) -> int:
    """Open demand still short whose requested date is today or earlier."""
    Move = env["stock.move"]
    day = today or dt.date.today()
    return int(
        env.session.scalar(
            select(func.count(Move.id)).where(
                Move.state == "waiting", Move.date_deadline.is_not(None), Move.date_deadline <= day
            )
        )
        or 0
    )


def render_alerts(env: Any) -> Markup:
    rules = under_minimum(env)
    late = late_reservations(env)
    items = []
    Product = env["product.product"]
    names = {
        p.id: p.display_name(env)
        for p in env.session.scalars(
            select(Product).where(Product.id.in_([r.product_id for r, _f in rules] or [0]))
        )
    }
    for rule, forecast in rules[:10]:
        items.append(
            Markup("<li>{}</li>").format(
                str(
                    _(
                        "%(product)s: forecast %(forecast)s, minimum %(minimum)s",
                        product=names.get(rule.product_id, rule.product_id),
                        forecast=f"{forecast.normalize():f}",
                        minimum=f"{rule.minimum.normalize():f}",
                    )
                )
            )
        )
    under = _("%(count)s products under their minimum", count=len(rules))
    late_text = _("%(count)s reservations cannot be served by the requested date", count=late)
    body = Markup("").join(items)
    return Markup(
        '<div class="stock-alerts"><p><a href="/app/reorder-rules">{}</a></p><ul>{}</ul>'
        '<p><a href="/app/stock-moves?f=late">{}</a></p></div>'
    ).format(escape(str(under)), body, escape(str(late_text)))
