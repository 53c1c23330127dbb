"""delivery's implementations of kernel hooks: screens and menus."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.delivery.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.delivery.views import register_menus as menus

    menus(register)
