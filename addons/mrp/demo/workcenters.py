"""Demo work centres of the furniture workshop and the operations of its bills.

The panel saw cuts legs and tops, the assembly benches (two, a little slower
than the standard times) glue and assemble, the finishing booth oils the table.
Called by the demo loader before its orders are confirmed, so they get work orders.
"""

from __future__ import annotations

from decimal import Decimal

from kernel.data import upsert
from kernel.env import Env

ADDON = "mrp"

# (xmlid, code, name, capacity, efficiency %, labour / h, overhead / h)
WORKCENTERS = [
    ("demo_wc_saw", "SAW", "Panel saw", 1, "100", "45.00", "25.00"),
    ("demo_wc_bench", "BENCH", "Assembly bench", 2, "90", "40.00", "10.00"),
    ("demo_wc_finish", "FIN", "Finishing booth", 1, "100", "40.00", "35.00"),
]

# bill xmlid → [(name, work centre xmlid, setup minutes, run minutes)]
OPERATIONS = {
    "demo_bom_leg": [
        ("Cut leg blank", "demo_wc_saw", "10", "6"),
        ("Sand", "demo_wc_bench", "0", "8"),
    ],
    "demo_bom_top": [
        ("Cut panels", "demo_wc_saw", "20", "25"),
        ("Glue up top", "demo_wc_bench", "15", "40"),
    ],
    "demo_bom_table": [
        ("Assemble table", "demo_wc_bench", "10", "45"),
        ("Oil finish", "demo_wc_finish", "15", "60"),
    ],
}


def load(env: Env) -> None:
    """Create or refresh the work centres; a bill gets its operations once."""
    centres: dict[str, int] = {}
    for xmlid, code, name, capacity, efficiency, labour, overhead in WORKCENTERS:
        record = upsert(
            env,
            ADDON,
            xmlid,
            "mrp.workcenter",
            {
                "code": code,
                "name": name,
                "capacity": capacity,
                "efficiency": Decimal(efficiency),
                "labour_rate": Decimal(labour),
                "overhead_rate": Decimal(overhead),
                "calendar_id": env.ref("mrp.calendar_standard").id,
            },
            demo=True,
        )
        centres[xmlid] = record.id
    env.session.flush()
    Operation = env["mrp.bom.operation"]
    for bom_xmlid, steps in OPERATIONS.items():
        try:
            bom = env.ref(f"{ADDON}.{bom_xmlid}")
        except Exception:  # the bill was left out
            continue
        if bom.operations:
            continue
        for seq, (name, centre, setup, run) in enumerate(steps, start=1):
            bom.operations.append(
                Operation(
                    sequence=seq * 10,
                    name=name,
                    workcenter_id=centres[centre],
                    setup_minutes=Decimal(setup),
                    run_minutes=Decimal(run),
                )
            )
    env.session.flush()
