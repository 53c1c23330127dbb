"""sale_delivery's hook implementations: the order screens' delivery fields."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.sale_delivery.views import SALE_ORDER_EXTENSION, SALE_ORDER_LINE_EXTENSION

    register(SALE_ORDER_EXTENSION)
    register(SALE_ORDER_LINE_EXTENSION)
