"""``base``'s implementations of kernel hooks: views, menus, routes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kernel import hookimpl


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.base.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.base.views import register_menus as menus

    menus(register)


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.base.routes import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "templates")
