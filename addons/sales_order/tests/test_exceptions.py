"""Order exceptions: reported, visible on the order and to the responsible group, resolved."""

from __future__ import annotations

import datetime as dt

import pytest

from addons.sales_order.services import exceptions, orders
from addons.sales_order.tests.conftest import World
from kernel.errors import ValidationError
from kernel.testing import make_user


def _running_order(world: World):
    with world.unit(world.manager) as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        return order.id


def test_exception_lifecycle(world: World) -> None:
    order_id = _running_order(world)
    with world.unit() as env:
        order = env.get("sale.order", order_id)
        with pytest.raises(ValidationError) as err:
            exceptions.report_exception(env, order, "delay", "  ")
        assert "description" in err.value.fields
        record = exceptions.report_exception(
            env, order, "delay", "Carrier lost the pallet", due_date=dt.date.today()
        )
        assert [e.id for e in exceptions.open_exceptions_of_order(env, order_id)] == [record.id]
        with pytest.raises(ValidationError) as err:
            exceptions.set_status(env, record, "resolved")
        assert "resolution" in err.value.fields
        exceptions.set_status(env, record, "in_progress")
        assert exceptions.open_exceptions_of_order(env, order_id)
        exceptions.set_status(env, record, "resolved", "Re-shipped by express")
        assert exceptions.open_exceptions_of_order(env, order_id) == []


def test_dashboard_shows_open_exceptions_to_the_responsible_group_only(world: World) -> None:
    order_id = _running_order(world)
    outsider = make_user(world.instance, "warehouse", ["base.group_user"])
    with world.unit() as env:
        order = env.get("sale.order", order_id)
        exceptions.report_exception(
            env, order, "complaint", "Customer says <b>scratched</b>", "sales_order.group_manager"
        )
    with world.unit(world.manager) as env:
        html = str(exceptions.render_open_exceptions_widget(env))
        assert "scratched" in html and "<b>" not in html  # escaped
        assert env.get("sale.order", order_id).name in html
        assert "Customer complaint" in html
    with world.unit(outsider) as env:
        html = str(exceptions.render_open_exceptions_widget(env))
        assert "scratched" not in html and "No open exceptions" in html


def test_widget_is_registered(world: World) -> None:
    found = []
    world.instance.registry.pm.hook.register_dashboard_widgets(
        register=lambda key, title, render, group=None: found.append((key, group))
    )
    assert ("sales_order.open_exceptions", "base.group_user") in found


def test_exception_recorded_on_its_screen_names_its_reporter(world: World) -> None:
    """The Exceptions screen (Sales › Exceptions › New) follows the same rules as the service."""
    from addons.base.tests.test_import_page import signed_in

    order_id = _running_order(world)
    with world.unit(world.manager) as env:
        group_id = env.ref("sales_order.group_manager").id
    form = {"order_id": str(order_id), "kind": "quality", "group_id": str(group_id)}
    with signed_in(world.instance, "clerk") as client:
        token = str(client.cookies.get("csrftoken"))
        empty = client.post(
            "/app/sales/exceptions/new",
            data={**form, "_csrf_token": token, "description": " "},
            follow_redirects=False,
        )
        assert empty.status_code == 422 and "Description is required" in empty.text
        saved = client.post(
            "/app/sales/exceptions/new",
            data={**form, "_csrf_token": token, "description": "Two cups broken"},
            follow_redirects=False,
        )
        assert saved.status_code in (302, 303), saved.text[:300]
        unresolved = client.post(
            saved.headers["location"],
            data={
                **form,
                "_csrf_token": token,
                "description": "Two cups broken",
                "status": "resolved",
            },
            follow_redirects=False,
        )
        assert unresolved.status_code == 422 and "say how the problem was solved" in unresolved.text
    with world.unit() as env:
        (record,) = exceptions.open_exceptions_of_order(env, order_id)
        assert (record.reported_by_id, record.status) == (world.clerk, "open")
