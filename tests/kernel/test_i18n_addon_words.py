"""Words an addon declares as data read as that addon translates them, whatever the load order.

"Inventory" is 库存 to stock (the group's application) and 存货 to accounting (an
account type). Which one the merged catalogs hold depends on the order addons were
loaded in, which varies from process to process; a group's name must not.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kernel import i18n
from kernel.testing import MakeInstance


@pytest.mark.parametrize("accounting_last", [True, False])
def test_a_group_reads_in_its_own_addons_words(
    make_instance: MakeInstance, monkeypatch: Any, accounting_last: bool
) -> None:
    from kernel.addons.discovery import discover

    if not {"stock", "accounting"} <= set(discover()):
        pytest.skip("needs the stock and accounting addons")
    instance = make_instance(["stock", "accounting"])
    dirs = list(i18n._catalog_dirs)
    ordered = sorted(dirs, key=lambda d: ("accounting" in str(d)) == accounting_last)
    monkeypatch.setattr(i18n, "_catalog_dirs", ordered)
    monkeypatch.setattr(i18n, "_cache", {})
    assert i18n.translations("zh_CN").gettext("Inventory") == (
        "库存" if not accounting_last else "存货"
    )
    with instance.unit(None, su=True, readonly=True) as env, i18n.use_locale("zh_CN"):
        Group = env["res.group"]
        group = env.session.scalars(select(Group).where(Group.xmlid == "stock.group_manager")).one()
        assert group.full_name.startswith("库存 / "), group.full_name
