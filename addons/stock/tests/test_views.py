"""Screens, menus, routes: every declared field exists, every filter runs, the routes answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from addons.stock.services import receive
from addons.stock.tests.conftest import delivery, make_product
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.introspect import collect_views, model_meta


def test_views_name_real_fields_and_filters_run(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order", "stock"])
    views = collect_views(instance.registry)
    stock_views = [v for v in views.values() if v.model.startswith("stock.")]
    assert len(stock_views) == 8
    with instance.unit(None, su=True) as env:
        for view in stock_views:
            meta = model_meta(instance.registry, view.model)
            names = [*view.list.columns, *view.list.group_by, *view.list.sums]
            names += [f for s in view.form.sections for f in s.fields]
            for name in names:
                assert name in meta.fields, f"{view.model}: {name}"
            Model = env[view.model]
            for flt in view.list.filters:
                env.session.scalar(
                    select(func.count()).select_from(Model).where(flt.where(env, Model))
                )
        order_view = views["sale.order"]
        assert "stock_status" in order_view.list.columns
        assert any(f.name == "short" for f in order_view.list.filters)
        # tracking and cost method are set on the product form
        product_fields = [f for s in views["product.product"].form.sections for f in s.fields]
        assert {"tracking", "cost_method"} <= set(product_fields)
        # the stock on hand can be searched by product and location
        quants = views["stock.quant"]
        assert {"product_id", "location_id"} <= set(quants.list.search)


def test_menus_are_registered_under_inventory(stock: Instance) -> None:
    entries: list[tuple[Any, ...]] = []
    for impl in stock.registry.pm.hook.register_menus.get_hookimpls():
        if impl.plugin_name.startswith("stock"):
            impl.function(register=lambda *a, **kw: entries.append((a, kw)))
    keys = {a[0] for a, _kw in entries}
    assert {"stock", "stock.on_hand", "stock.transfers", "stock.reorder_rules"} <= keys


def test_availability_and_reorder_routes(stock: Instance) -> None:
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.context import ensure_fresh

    make_user(stock, "keeper", ["stock.group_user"])
    make_user(stock, "chief", ["stock.group_manager"])
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 7)
        delivery(env, [(pid, 2)])
        env.session.add(
            env["stock.reorder.rule"](
                product_id=pid,
                warehouse_id=env.ref("stock.warehouse_main").id,
                minimum=Decimal(10),
                maximum=Decimal(20),
            )
        )
    ensure_fresh(stock, force=True)

    def signed_in(client: TestClient[Any], login: str) -> str:
        client.get("/login")
        token = str(client.cookies.get("csrftoken"))
        client.post(
            "/login",
            data={"login": login, "password": "pw", "_csrf_token": token},
            follow_redirects=False,
        )
        return str(client.cookies.get("csrftoken"))

    with TestClient(create_app(stock), base_url="http://suanpan.localhost") as client:
        token = signed_in(client, "keeper")
        answer = client.get(f"/stock/availability?products={pid}")
        assert answer.status_code == 200
        assert answer.json()[str(pid)]["available"] == "5.0000"
        refused = client.post("/stock/reorder/run", data={"_csrf_token": token})
        assert refused.status_code == 403
    with TestClient(create_app(stock), base_url="http://suanpan.localhost") as client:
        token = signed_in(client, "chief")
        ran = client.post("/stock/reorder/run", data={"_csrf_token": token})
        assert ran.status_code in (200, 201), ran.text
        (request,) = ran.json()["requests"]
        assert request["quantity"] == "15.0000"  # 20 − forecast 5
        assert request["reference"] is None  # nobody replenishes without purchase


def test_stock_on_hand_is_found_by_the_products_code(stock: Instance) -> None:
    """A storekeeper types the code printed on the shelf label, not the product's name."""
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.context import ensure_fresh
    from kernel.web.sessions import COOKIE_NAME, create_session

    keeper = make_user(stock, "keeper", ["stock.group_user"])
    with stock.unit(None, su=True) as env:
        receive(env, make_product(env, "Green tea", default_code="TEA-LJ-250"), 7)
        receive(env, make_product(env, "Black tea", default_code="TEA-DH-100"), 3)
    ensure_fresh(stock, force=True)
    with TestClient(create_app(stock), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(stock, keeper))
        page = client.get("/app/stock-on-hand?q=LJ-250")
        assert page.status_code == 200
        assert "Green tea" in page.text and "Black tea" not in page.text
