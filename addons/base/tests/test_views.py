"""The master-data screens render for users, with filters, and the menu is theirs only."""

from __future__ import annotations

from sqlalchemy import select

from addons.base.tests.test_import_page import signed_in
from kernel.testing import MakeInstance, make_user


def test_screens_render_with_demo_data(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"], demo=True)
    make_user(instance, "clerk", ["base.group_user"], lang="zh_CN")
    with signed_in(instance, "clerk") as client:
        home = client.get("/")
        assert "基础数据" in home.text  # the Master Data menu
        customers = client.get("/app/partners?f=customers")
        assert customers.status_code == 200
        assert "上海明远贸易有限公司" in customers.text
        assert "浙江纺织印染有限公司" not in customers.text  # a supplier only
        suppliers = client.get("/app/partners?f=suppliers")
        assert "浙江纺织印染有限公司" in suppliers.text
        products = client.get("/app/products?q=TEA-001")
        assert products.status_code == 200 and "西湖龙井" in products.text
        assert "安溪铁观音" not in products.text  # the search narrowed the list
        with instance.unit(None, su=True) as env:
            customer_id = env.ref("base.demo_customer_02").id
            contact_name = env.ref("base.demo_contact_02").name
            product_id = env.ref("base.demo_product_01").id
        form = client.get(f"/app/partners/{customer_id}")
        assert form.status_code == 200, form.text[:300]
        assert "北京华信科技有限公司" in form.text and contact_name in form.text
        assert "联系人与地址" in form.text
        assert client.get(f"/app/products/{product_id}").status_code == 200
        assert client.get("/app/partners/new").status_code == 200
        for url in (
            "/app/product-categories",
            "/app/currencies",
            "/app/units",
            "/app/unit-categories",
            "/app/taxes",
            "/app/payment-terms",
            "/app/companies",
            "/app/countries",
            "/app/customer-groups",
            "/app/partner-tags",
        ):
            assert client.get(url).status_code == 200, url


def test_menu_hidden_from_users_without_master_data(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    make_user(instance, "stranger", [], lang="zh_CN")
    with signed_in(instance, "stranger") as client:
        assert "基础数据" not in client.get("/").text
        assert client.get("/app/partners").status_code == 403


def test_creating_a_partner_on_the_form_reports_the_bad_field(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    make_user(instance, "clerk", ["base.group_user"])
    with signed_in(instance, "clerk") as client:
        token = str(client.cookies.get("csrftoken"))
        bad = client.post(
            "/app/partners/new",
            data={
                "_csrf_token": token,
                "name": "丙公司",
                "email": "bing-at-example",
                "is_company": "1",
            },
            follow_redirects=False,
        )
        assert bad.status_code == 422
        assert "bing-at-example is not a valid e-mail address" in bad.text
        good = client.post(
            "/app/partners/new",
            data={
                "_csrf_token": token,
                "name": "丙公司",
                "email": "info@bing.cn",
                "is_company": "1",
            },
            follow_redirects=False,
        )
        assert good.status_code in (302, 303), good.text[:300]


def test_a_product_saved_without_a_unit_counts_in_units(make_instance: MakeInstance) -> None:
    """The unit is not asked for: left empty on the form (or the API), it is Unit."""
    instance = make_instance(["base"])
    make_user(instance, "clerk", ["base.group_user"])
    with signed_in(instance, "clerk") as client:
        form = client.get("/app/products/new")
        assert "Unit (pieces) when left empty" in form.text
        saved = client.post(
            "/app/products/new",
            data={
                "_csrf_token": str(client.cookies.get("csrftoken")),
                "name": "Paper cup",
                "type": "consumable",
                "uom_id": "",
            },
            follow_redirects=False,
        )
        assert saved.status_code in (302, 303), saved.text[:300]
    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        cup = env.session.scalars(select(Product).where(Product.name == "Paper cup")).one()
        assert cup.uom_id == env.ref("base.uom_unit").id
        kg = env.ref("base.uom_kg").id
        rice = Product(name="Rice", uom_id=kg)
        env.session.add(rice)
        env.session.flush()
        assert rice.uom_id == kg  # a unit given is kept
