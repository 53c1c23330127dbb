"""delivery installs by itself beside stock, with or without sales_order and accounting
(sale_delivery then comes along), and uninstalling it leaves the schema and the rows of
the other addons as they were."""

from __future__ import annotations

import pytest

from kernel import lifecycle, schema
from kernel.testing import MakeInstance, table_counts


@pytest.mark.parametrize(
    "beside",
    [
        ["stock"],
        ["stock", "sales_order"],
        ["stock", "accounting"],
        ["stock", "sales_order", "accounting"],
    ],
)
def test_delivery_installs_and_uninstalls_beside(
    make_instance: MakeInstance, beside: list[str]
) -> None:
    instance = make_instance(beside, demo=False)
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    rows = table_counts(instance)
    lifecycle.install(instance, ["delivery"])
    installed = set(instance.installed_names())
    assert "delivery" in installed
    assert ("sale_delivery" in installed) == ("sales_order" in beside)
    lifecycle.uninstall(instance, ["delivery"], cascade=True)
    assert not {"delivery", "sale_delivery"} & set(instance.installed_names())
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == rows
