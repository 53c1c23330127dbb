"""sale_delivery's hook implementations: the order screens' delivery fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel import hookimpl


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.sale_delivery.views import SALE_ORDER_EXTENSION, SALE_ORDER_LINE_EXTENSION

    register(SALE_ORDER_EXTENSION)
    register(SALE_ORDER_LINE_EXTENSION)


@hookimpl
def addon_uninstalling(env: Any, addon: str) -> None:
    """Orders forget their carrier before the column goes (the carriers may go too)."""
    if addon == "sale_delivery":
        from sqlalchemy import update

        table = env["sale.order"].__table__
        env.session.execute(
            update(table).where(table.c.carrier_id.isnot(None)).values(carrier_id=None)
        )
