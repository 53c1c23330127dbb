"""Demo data: the promised volumes, stable external ids, and no duplicates on reload."""

from __future__ import annotations

from sqlalchemy import func, select

from addons.base.demo import loader
from addons.base.services import products
from kernel import lifecycle
from kernel.instance import Instance
from kernel.testing import MakeInstance


def _counts(instance: Instance) -> dict[str, int]:
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        Product = env["product.product"]

        def count(query: object) -> int:
            return int(env.session.scalar(query))  # type: ignore[arg-type]

        return {
            "customers": count(
                select(func.count()).where(
                    Partner.is_customer.is_(True), Partner.parent_id.is_(None)
                )
            ),
            "suppliers": count(select(func.count()).where(Partner.is_supplier.is_(True))),
            "partners": count(select(func.count()).select_from(Partner)),
            "products": count(select(func.count()).select_from(Product)),
        }


def test_demo_volumes_and_references(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"], demo=True)
    counts = _counts(instance)
    assert counts["customers"] == 30 and counts["suppliers"] == 8 and counts["products"] == 50
    with instance.unit(None, su=True, lang="zh_CN") as env:
        Data = env["ir.model.data"]
        customer_ids = env.session.scalars(
            select(Data.res_id).where(Data.addon == "base", Data.name.like("demo_customer_%"))
        ).all()
        assert len(customer_ids) == 30  # companies only: other addons pick customers by prefix
        first = env.ref("base.demo_customer_01")
        assert first.name == "上海明远贸易有限公司" and first.state.name_zh == "上海市"
        assert first.salesperson.login == "admin" and first.customer_group is not None
        assert len(first.contacts) == 1 and len(first.delivery_addresses) >= 1
        assert any(
            len(env.ref(f"base.demo_customer_{i:02d}").delivery_addresses) > 1 for i in range(1, 31)
        )
        foreign = env.ref("base.demo_customer_30")
        assert foreign.country.code != "CN" and foreign.lang == "en"
        Product = env["product.product"]
        all_products = env.session.scalars(select(Product)).all()
        barcodes = [p.barcode for p in all_products if p.barcode]
        assert barcodes and all(products.is_valid_ean13(b) for b in barcodes)
        assert len(set(barcodes)) == len(barcodes)
        assert all(p.name_zh and p.list_price > p.standard_price > 0 for p in all_products)
        tea = env.ref("base.demo_product_31")
        assert products.display_name(env, tea) == "[TEA-001] 西湖龙井 250克"
        assert sum(1 for p in all_products if p.sale_tax.amount == 13) >= 40
        assert {p.type for p in all_products} == {"stockable", "consumable", "service"}


def test_demo_is_deterministic_and_reload_does_not_duplicate(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"], demo=True)
    before = _counts(instance)
    with instance.unit(None, su=True) as env:
        phone = env.ref("base.demo_customer_07").phone
        barcode = env.ref("base.demo_product_12").barcode
    lifecycle.upgrade(instance, ["base"])
    with instance.unit(None, su=True) as env:
        loader.load(env)
    assert _counts(instance) == before
    with instance.unit(None, su=True) as env:
        assert env.ref("base.demo_customer_07").phone == phone
        assert env.ref("base.demo_product_12").barcode == barcode
