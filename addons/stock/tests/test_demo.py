"""Demo data: base's demo products are in stock in 主仓库 and some have reorder rules."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from addons.stock.services import availability
from kernel.testing import MakeInstance


def test_demo_stocks_the_main_warehouse(make_instance: MakeInstance) -> None:
    instance = make_instance(["stock"], demo=True)
    with instance.unit(None, su=True) as env:
        warehouse = env.ref("stock.warehouse_main")
        assert warehouse.name == "主仓库"
        Product = env["product.product"]
        stockable = env.session.scalars(select(Product.id).where(Product.type == "stockable")).all()
        assert stockable
        figures = availability(env, stockable, warehouse.id)
        in_stock = [pid for pid, f in figures.items() if f["on_hand"] > 0]
        assert len(in_stock) >= len(stockable) * 3 // 4
        assert any(f["on_hand"] == Decimal(0) for f in figures.values())
        Rule = env["stock.reorder.rule"]
        assert env.session.scalar(select(func.count(Rule.id))) == 8
        assert env.ref("stock.demo_inventory_initial").state == "done"
