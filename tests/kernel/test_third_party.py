"""A third-party addon shipped as its own distribution (``tests/fixtures/suanpan_loyalty``).

It is found through the ``suanpan.addons`` entry point, extends ``sale.order`` of
our ``sales_order`` addon, implements one of its hooks and carries its own Alembic
branch. Install it with ``pip install -e tests/fixtures/suanpan_loyalty``.
"""

from __future__ import annotations

import importlib.metadata
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import inspect, text

from kernel import lifecycle, schema
from kernel.addons.discovery import discover
from kernel.instance import Instance
from kernel.testing import MakeInstance, table_counts

try:
    importlib.metadata.distribution("suanpan-loyalty")
except importlib.metadata.PackageNotFoundError:
    pytest.skip(
        "the suanpan-loyalty distribution is not installed "
        "(pip install -e tests/fixtures/suanpan_loyalty)",
        allow_module_level=True,
    )

FIRST, SECOND = "a1b2c3d4e5f6", "b2c3d4e5f6a7"
AVAILABLE = discover()
needs_sales_order = pytest.mark.skipif(
    "sales_order" not in AVAILABLE, reason="the sales_order addon is not discoverable yet"
)


def columns(instance: Instance, table: str) -> set[str]:
    with instance.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_discovered_through_its_entry_point() -> None:
    manifest = AVAILABLE["loyalty"]
    assert manifest.source == "entry_point"
    assert manifest.module == "suanpan_loyalty"
    assert manifest.depends == ("sales_order",)
    assert manifest.migrations_dir.is_dir()
    assert "site-packages" not in str(manifest.path) or manifest.path.is_dir()


@needs_sales_order
def test_installs_with_sales_order_and_extends_only_its_instance(
    make_instance: MakeInstance,
) -> None:
    plain = make_instance(["sales_order"])
    loyal = make_instance(["sales_order"])
    assert lifecycle.install(loyal, ["loyalty"]) == ["loyalty"]
    assert {"loyalty_points", "loyalty_tier"} <= columns(loyal, "sale_order")
    assert "loyalty_points" not in columns(plain, "sale_order")
    assert "loyalty_points" in loyal.registry["sale.order"].__table__.columns
    assert "loyalty_points" not in plain.registry["sale.order"].__table__.columns
    assert loyal.registry.column_owners[("sale_order", "loyalty_points")] == "loyalty"


def _approved_order(env: Any, amount: Decimal) -> Any:
    """An order of one unit at ``amount`` (untaxed), submitted and approved."""
    from addons.sales_order.services import orders

    partner = env["res.partner"](name="Loyal Customer Ltd.", is_company=True, is_customer=True)
    product = env["product.product"](
        name="Abacus",
        type="consumable",
        list_price=amount,
        standard_price=Decimal(1),
        uom_id=env.ref("base.uom_unit").id,
    )
    env.session.add_all([partner, product])
    env.session.flush()
    order = orders.create_order(
        env, partner.id, [{"product_id": product.id, "quantity": Decimal(1), "price_unit": amount}]
    )
    order = orders.submit(env, order)
    if order.state == "submitted":
        order = orders.approve(env, order)
    assert order.state in ("approved", "in_progress", "completed", "closed"), order.state
    return order


@needs_sales_order
def test_approving_an_order_credits_points(make_instance: MakeInstance) -> None:
    instance = make_instance(["loyalty"])
    with instance.unit(1) as env:
        order = _approved_order(env, Decimal("1234.56"))
        assert order.amount_total >= Decimal("1234.56")
        expected = int(order.amount_total // 100)
        assert order.loyalty_points == expected
        order_id = order.id
    with instance.unit(None, su=True) as env:
        assert env.get("sale.order", order_id).loyalty_points == expected


def test_points_are_floored() -> None:
    from suanpan_loyalty.hooks import points_for

    assert points_for(Decimal("99.99")) == 0
    assert points_for(Decimal("100.00")) == 1
    assert points_for(Decimal("1299.99")) == 12
    assert points_for(None) == 0


@needs_sales_order
def test_its_migration_brings_an_older_database_up_to_date(make_instance: MakeInstance) -> None:
    instance = make_instance(["loyalty"])
    with instance.engine.begin() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            SECOND
        ]
    with instance.unit(1) as env:
        order_id = _approved_order(env, Decimal("10.00")).id
    # Simulate a database that installed release 1.0: no loyalty_tier, branch at FIRST.
    with instance.engine.begin() as conn:
        conn.execute(text("ALTER TABLE sale_order DROP COLUMN loyalty_tier"))
        conn.execute(
            text("UPDATE alembic_version SET version_num = :old WHERE version_num = :new"),
            {"old": FIRST, "new": SECOND},
        )
        conn.execute(
            text(
                "DELETE FROM ir_schema_owner WHERE addon = 'loyalty' AND column_name = 'loyalty_tier'"
            )
        )
    assert "loyalty_tier" not in columns(instance, "sale_order")

    assert lifecycle.upgrade(instance, ["loyalty"]) == ["loyalty"]

    assert "loyalty_tier" in columns(instance, "sale_order")
    with instance.engine.begin() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            SECOND
        ]
    with instance.unit(None, su=True) as env:
        # the order from release 1.0 reads the column's declared default, not NULL
        assert env.get("sale.order", order_id).loyalty_tier == "member"


@needs_sales_order
def test_uninstall_after_a_migration_removes_everything_it_added(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["sales_order"])
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    counts = table_counts(instance)
    lifecycle.install(instance, ["loyalty"])
    with instance.engine.begin() as conn:
        conn.execute(text("ALTER TABLE sale_order DROP COLUMN loyalty_tier"))
        conn.execute(text("UPDATE alembic_version SET version_num = :old"), {"old": FIRST})
        conn.execute(
            text(
                "DELETE FROM ir_schema_owner WHERE addon = 'loyalty' AND column_name = 'loyalty_tier'"
            )
        )
    lifecycle.upgrade(instance, ["loyalty"])
    lifecycle.uninstall(instance, ["loyalty"])
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == counts


def test_its_catalog_is_complete() -> None:
    from kernel.i18n.catalogs import missing_translations

    assert missing_translations("loyalty", "zh_CN") == []
