"""The demo workshop inspects its tables and numbers them: the finished table's serial
number traces back to the lot of its top."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from addons.mrp.services.lots import trace


def test_demo_table_is_inspected_serial_numbered_and_traced(make_instance: Any) -> None:
    instance = make_instance(["mrp"], demo=True)
    with instance.unit(None, su=True) as env:
        bom = env.ref("mrp.demo_bom_table")
        assert [p.name for p in bom.quality_points] == ["Table top surface", "Stability"]
        assert bom.quality_points[0].operation.name == "Oil finish"
        done = env.ref("mrp.demo_production_done")
        assert done.state == "done"
        assert [(c.quantity, c.result) for c in done.quality_checks] == [(1, "pass")]
        Lot = env["stock.lot"]
        serial = env.session.scalar(select(Lot).where(Lot.name == done.finished_lots))
        assert serial is not None and serial.product_id == done.product_id
        (level,) = trace(env, serial.id, "up")
        assert [(i["product"], i["quantity"]) for i in level] == [("Oak table top", 1)]
