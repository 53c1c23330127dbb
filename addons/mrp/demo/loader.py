"""Demo manufacturing: a small furniture workshop with two-level bills, and a tea gift kit.

The oak dining table (橡木餐桌) is made from legs and a top the workshop makes
itself (second level) plus bought screws and glue counted in other units than the
bill uses (grams of a glue stocked in kilograms, centimetres of board stocked in
metres). The tea gift box is a kit of two of base's demo products. One order is
finished, one waits for components. Loading again changes nothing.

The table is inspected before it is finished (two inspection points on its bill)
and carries a serial number; its tops are made in lots, so the table's serial
number shows the top lot it was made from (lot genealogy).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from kernel import workflow
from kernel.data import upsert
from kernel.env import Env

ADDON = "mrp"

# (xmlid, name, Chinese name, unit, cost, route)
PRODUCTS = [
    ("demo_oak_board", "Oak board", "橡木板材", "uom_m", "80.00", "buy"),
    ("demo_wood_screw", "Wood screw 4×40", "木螺丝 4×40", "uom_unit", "0.20", "buy"),
    ("demo_wood_glue", "Wood glue", "木工胶", "uom_kg", "30.00", "buy"),
    ("demo_table_leg", "Oak table leg", "橡木桌腿", "uom_unit", "0", "make"),
    ("demo_table_top", "Oak table top", "橡木桌面", "uom_unit", "0", "make"),
    ("demo_dining_table", "Oak dining table", "橡木餐桌", "uom_unit", "0", "make"),
    ("demo_tea_gift_box", "Longjing gift box", "龙井礼盒", "uom_unit", "0", "make"),
]

# (xmlid, product, quantity made, type, [(component, quantity, unit, scrap %)])
BOMS = [
    ("demo_bom_leg", "demo_table_leg", "1", "normal", [("demo_oak_board", "75", "uom_cm", "5")]),
    (
        "demo_bom_top",
        "demo_table_top",
        "1",
        "normal",
        [("demo_oak_board", "3.6", "uom_m", "10"), ("demo_wood_glue", "120", "uom_g", "0")],
    ),
    (
        "demo_bom_table",
        "demo_dining_table",
        "1",
        "normal",
        [
            ("demo_table_leg", "4", "uom_unit", "0"),
            ("demo_table_top", "1", "uom_unit", "0"),
            ("demo_wood_screw", "16", "uom_unit", "5"),
            ("demo_wood_glue", "50", "uom_g", "0"),
        ],
    ),
    (
        "demo_bom_tea_gift_box",
        "demo_tea_gift_box",
        "1",
        "phantom",
        [
            ("base.demo_product_31", "1", "uom_unit", "0"),
            ("base.demo_product_38", "1", "uom_unit", "0"),
        ],
    ),
]


def load(env: Env) -> None:
    """Create or refresh the demo bills and products; orders only on the first load."""
    ids: dict[str, int] = {}

    def ref(name: str) -> int | None:
        if name not in ids:
            xmlid = name if "." in name else f"{ADDON}.{name}"
            try:
                ids[name] = env.ref(xmlid).id
            except Exception:  # base's demo products absent: the kit is left out
                return None
        return ids[name]

    for xmlid, name, name_zh, uom, cost, route in PRODUCTS:
        record = upsert(
            env,
            ADDON,
            xmlid,
            "product.product",
            {
                "name": name,
                "name_zh": name_zh,
                "type": "stockable",
                "uom_id": env.ref(f"base.{uom}").id,
                "standard_price": Decimal(cost),
                "supply_route": route,
                "purchase_ok": route == "buy",
            },
            demo=True,
        )
        ids[xmlid] = record.id
    # tracked finished goods: a serial number per table, tops made in lots
    for xmlid, tracking in (("demo_dining_table", "serial"), ("demo_table_top", "lot")):
        env.get("product.product", ids[xmlid]).tracking = tracking
    env.session.flush()
    Line = env["mrp.bom.line"]
    for xmlid, product, qty, kind, lines in BOMS:
        components = [(ref(c), q, u, s) for c, q, u, s in lines]
        if any(c is None for c, *_rest in components):
            continue
        known = _known(env, xmlid)
        bom = upsert(
            env,
            ADDON,
            xmlid,
            "mrp.bom",
            {
                "product_id": ids[product],
                "quantity": Decimal(qty),
                "type": kind,
                "code": xmlid[9:].upper(),
            },
            demo=True,
            update=False,
        )
        if not known:
            for seq, (component, quantity, uom, scrap) in enumerate(components, start=1):
                bom.lines.append(
                    Line(
                        sequence=seq * 10,
                        product_id=component,
                        quantity=Decimal(quantity),
                        uom_id=env.ref(f"base.{uom}").id,
                        scrap_percent=Decimal(scrap),
                    )
                )
    env.session.flush()
    from addons.mrp.demo.workcenters import load as load_workcenters

    load_workcenters(env)  # work centres and operations, before the orders are confirmed
    _quality_points(env)
    if not _known(env, "demo_production_done"):
        _orders(env, ids)


def _quality_points(env: Env) -> None:
    """Two inspection points on the table's bill, named in the instance's language."""
    zh = env.setting("lang", "en") == "zh_CN"
    points = [
        (
            "demo_qp_table_top",
            10,
            "桌面表面" if zh else "Table top surface",
            "无裂纹、无划痕，上油均匀" if zh else "no cracks or scratches, oil even",
        ),
        (
            "demo_qp_table_wobble",
            20,
            "稳固性" if zh else "Stability",
            "放在平面上四腿着地，不晃动" if zh else "all four legs on a flat floor, no wobble",
        ),
    ]
    bom = env.ref(f"{ADDON}.demo_bom_table")
    Operation = env["mrp.bom.operation"]
    # the surface is inspected after the oil finish (an operation of the table's bill)
    finish = env.session.scalar(
        select(Operation.id).where(Operation.bom_id == bom.id, Operation.name == "Oil finish")
    )
    for xmlid, sequence, name, instructions in points:
        upsert(
            env,
            ADDON,
            xmlid,
            "mrp.quality.point",
            {
                "bom_id": bom.id,
                "sequence": sequence,
                "name": name,
                "instructions": instructions,
                "operation_id": finish if xmlid == "demo_qp_table_top" else None,
            },
            demo=True,
            update=False,
        )
    env.session.flush()


def _known(env: Env, name: str) -> bool:
    Data = env["ir.model.data"]
    return (
        env.session.scalar(select(Data.id).where(Data.addon == ADDON, Data.name == name))
        is not None
    )


def _orders(env: Env, ids: dict[str, int]) -> None:
    """Components in stock for two tables; one made, a second one waiting for legs."""
    from addons.mrp.services.production import create_production
    from addons.mrp.services.quality import record_check
    from addons.stock.services import receive

    receive(env, ids["demo_oak_board"], Decimal(20), price_unit=Decimal("80.00"))
    receive(env, ids["demo_wood_screw"], Decimal(200), price_unit=Decimal("0.20"))
    receive(env, ids["demo_wood_glue"], Decimal(2), price_unit=Decimal("30.00"))
    legs = create_production(env, ids["demo_table_leg"], Decimal(4), origin="demo")
    workflow.fire(env, legs, "confirm")
    workflow.fire(env, legs, "produce")
    top = create_production(env, ids["demo_table_top"], Decimal(1), origin="demo")
    workflow.fire(env, top, "confirm")
    workflow.fire(env, top, "produce")
    table = create_production(env, ids["demo_dining_table"], Decimal(1), origin="demo")
    workflow.fire(env, table, "confirm")
    workflow.fire(env, table, "start")
    workflow.fire(env, table, "inspect")
    record_check(env, table, Decimal(1), Decimal(1))
    workflow.fire(env, table, "produce")
    waiting = create_production(env, ids["demo_dining_table"], Decimal(2), origin="demo")
    workflow.fire(env, waiting, "confirm")
    Data = env["ir.model.data"]
    for name, record in (("demo_production_done", table), ("demo_production_waiting", waiting)):
        env.session.add(
            Data(addon=ADDON, name=name, model="mrp.production", res_id=record.id, demo=True)
        )
    env.session.flush()
