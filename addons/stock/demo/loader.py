"""Demo data: the main warehouse 主仓库 is stocked through an inventory count, plus reorder rules.

Deterministic (a seeded ``random.Random``) so screenshots and other addons' demo
loaders (sales orders reserving goods) see the same stock on every install.
Products are base's demo products (``base.demo_product_NN``), stockable ones only;
a few are left out of stock so shortages and reorder alerts show up.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.stock.services.inventory import create_inventory, validate_inventory
from kernel.data import upsert

ADDON = "stock"


def _demo_products(env: Any) -> list[Any]:
    Data = env["ir.model.data"]
    Product = env["product.product"]
    rows = env.session.execute(
        select(Data.name, Data.res_id).where(
            Data.addon == "base", Data.name.like("demo_product_%"), Data.model == "product.product"
        )
    ).all()
    ids = {res_id: name for name, res_id in rows}
    if not ids:
        return []
    products = env.session.scalars(select(Product).where(Product.id.in_(list(ids)))).all()
    return sorted((p for p in products if p.type == "stockable"), key=lambda p: ids[p.id])


def load(env: Any) -> None:
    products = _demo_products(env)
    if not products:
        return
    rng = random.Random(20261125)
    warehouse = env.ref("stock.warehouse_main")
    stock = env.ref("stock.location_stock")
    counts = []
    for index, product in enumerate(products):
        if index % 9 == 4:
            continue  # out of stock: orders for it show a shortage
        counts.append((product.id, Decimal(rng.choice([5, 12, 20, 36, 50, 80, 120, 200]))))
    Data = env["ir.model.data"]
    known = env.session.scalar(
        select(Data.id).where(Data.addon == ADDON, Data.name == "demo_inventory_initial")
    )
    if known is None:  # loading the demo again must not count the stock twice
        inventory = create_inventory(env, stock.id, counts, name="初始库存 Initial stock")
        validate_inventory(env, inventory)
        env.session.add(
            Data(
                addon=ADDON,
                name="demo_inventory_initial",
                model="stock.inventory",
                res_id=inventory.id,
                demo=True,
            )
        )
    for index, product in enumerate(products[:8]):
        upsert(
            env,
            ADDON,
            f"demo_reorder_rule_{index + 1:02d}",
            "stock.reorder.rule",
            {
                "name": f"{product.name} @ {warehouse.code}",
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "minimum": Decimal(20),
                "maximum": Decimal(100),
                "multiple": Decimal(10),
                "lead_days": 7,
            },
            demo=True,
        )
    env.session.flush()
