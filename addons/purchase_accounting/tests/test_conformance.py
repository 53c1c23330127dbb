"""The generic addon checks; installing purchase and accounting pulls the glue in by itself."""

from __future__ import annotations

from kernel import lifecycle, schema
from kernel.testing import AddonConformance, MakeInstance, table_counts


class TestConformance(AddonConformance):
    addon = "purchase_accounting"

    def test_billing_milestones_come_and_go_with_the_addon(
        self, make_instance: MakeInstance
    ) -> None:
        """Reinstalling after removal restores the billing milestones; removing leaves no trace."""
        instance = make_instance(["purchase", "accounting"])
        assert "purchase_accounting" in instance.installed_names()
        lifecycle.uninstall(instance, ["purchase_accounting"])
        with instance.engine.connect() as conn:
            before = schema.snapshot(conn)
        rows = table_counts(instance)
        assert lifecycle.install(instance, ["purchase_accounting"]) == ["purchase_accounting"]
        with instance.unit(None, su=True) as env:
            assert "billed" in {m.name for m in env.workflow("purchase.order").milestones}
        lifecycle.uninstall(instance, ["purchase_accounting"])
        with instance.engine.connect() as conn:
            assert schema.snapshot(conn) == before
        assert table_counts(instance) == rows
        with instance.unit(None, su=True) as env:
            assert "billed" not in {m.name for m in env.workflow("purchase.order").milestones}


def test_auto_installed_with_purchase_and_accounting(make_instance: MakeInstance) -> None:
    instance = make_instance(["purchase"])
    assert "purchase_accounting" not in instance.installed_names()
    new = lifecycle.install(instance, ["accounting"])
    assert new == ["accounting", "purchase_accounting"]
