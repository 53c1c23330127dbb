"""An addon installed while the server runs: its screens, routes and files appear, no restart.

"Another process" is a second :class:`Instance` on the same database, as the CLI
(``suanpan addons install``) would be: it writes the registry version, and each
worker notices it at its next request (:func:`kernel.web.context.ensure_fresh`).
"""

from __future__ import annotations

from fixtures.webclient import ADDONS
from shell_helpers import SHELL_ADDONS, browser, sign_in

from kernel import lifecycle
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app
from kernel.web.context import ensure_fresh

BOTH = [*ADDONS, *SHELL_ADDONS]


def _install_elsewhere(instance: Instance, names: list[str]) -> None:
    other = Instance(instance.url, BOTH)
    try:
        lifecycle.install(other, names)
    finally:
        other.engine.dispose()


def test_screens_routes_and_static_files_of_a_new_addon_appear(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance([], addons_path=BOTH)
    make_user(instance, "admin2", [], password="pw")
    with browser(instance) as client:
        sign_in(client, "admin2")
        assert client.get("/app/demo-orders").status_code == 404
        assert client.get("/static/webshell/webshell.css").status_code == 404

        _install_elsewhere(instance, ["webdemo", "webshell"])
        _grant(instance, "admin2", "webdemo.group_user")
        ensure_fresh(instance, force=True)

        screen = client.get("/app/demo-orders")
        assert screen.status_code == 200 and "Demo orders" in screen.text
        assert client.get("/app/demo-orders/new").status_code == 200
        assert client.get("/webshell/page").status_code == 200
        css = client.get("/static/webshell/webshell.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def _grant(instance: Instance, login: str, xmlid: str) -> None:
    from sqlalchemy import select

    with instance.unit(None, su=True) as env:
        User, Group = env["res.user"], env["res.group"]
        uid = env.session.scalar(select(User.id).where(User.login == login))
        gid = env.session.scalar(select(Group.id).where(Group.xmlid == xmlid))
        env.session.add(env["res.user.group"](user_id=uid, group_id=gid))


def test_the_app_is_rebuilt_whole_when_the_addons_change(make_instance: MakeInstance) -> None:
    instance = make_instance([], addons_path=BOTH)
    app = create_app(instance)
    first = app.current()
    assert app.current() is first  # built once per registry, not per request

    _install_elsewhere(instance, ["webdemo", "webshell"])
    ensure_fresh(instance, force=True)
    instance.reload()
    ensure_fresh(instance, force=True)
    second = app.current()
    assert second is not first
    paths = [route.path for route in app.routes]
    assert paths.count("/webshell/page") == 1
    assert len([p for p in paths if p.startswith("/static/webshell")]) == 1
    assert "/app/demo-orders/{record_id:int}" in paths  # a screen is a route of its own

    other = Instance(instance.url, BOTH)
    try:
        lifecycle.uninstall(other, ["webshell", "webdemo"])
    finally:
        other.engine.dispose()
    ensure_fresh(instance, force=True)
    paths = [route.path for route in app.routes]
    assert "/webshell/page" not in paths
    assert not [p for p in paths if p.startswith(("/static/webshell", "/app/demo-orders"))]
    assert "/login" in paths  # the kernel's own routes are in every generation


def test_routes_of_an_addon_uninstalled_while_serving_answer_404(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance([], addons_path=BOTH)
    make_user(instance, "admin2", [], password="pw")
    with browser(instance) as client:
        sign_in(client, "admin2")
        _install_elsewhere(instance, ["webdemo", "webshell"])
        ensure_fresh(instance, force=True)
        assert client.get("/webshell/page").status_code == 200
        other = Instance(instance.url, BOTH)
        try:
            lifecycle.uninstall(other, ["webshell"])
        finally:
            other.engine.dispose()
        ensure_fresh(instance, force=True)
        assert client.get("/webshell/page").status_code == 404  # at once, not after a restart
        assert client.get("/").status_code == 200  # the kernel's own routes are untouched
