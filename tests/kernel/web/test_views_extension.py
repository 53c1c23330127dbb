"""Views of newly installed addons appear at once; extensions add columns, sections, filters."""

from __future__ import annotations

import re
from typing import Any

from fixtures.webclient import ADDONS, Browser

from kernel import lifecycle
from kernel.testing import make_user


def test_installing_an_addon_extends_and_replaces_screens(make_instance: Any) -> None:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    make_user(instance, "boss", ["webdemo.group_manager"])
    with instance.unit(None, su=True) as env:
        env.session.add(env["webdemo.order"](name="SO1"))
        env.session.add(env["webdemo.customer"](name="ACME"))
    browser = Browser(instance, "boss")
    before = browser.get("/app/demo-orders")
    assert "Tracking code" not in before.text
    assert "Demo customers" in browser.get("/app/demo-customers").text

    lifecycle.install(instance, ["webdemo_ext"])
    with instance.unit(None, su=True) as env:
        env.session.get(env["webdemo.order"], 1).tracking_code = "SF123"

    after = browser.get("/app/demo-orders")
    head = re.findall(r'class="sp-sort"[^>]*>([^<]*)<', after.text)
    assert head[-1] == "Tracking code"
    assert "SF123" in after.text
    assert 'value="tracked"' in after.text
    assert len(re.findall(r"sp-row-link", browser.get("/app/demo-orders?f=tracked").text)) == 1
    form = browser.get("/app/demo-orders/1")
    assert "Shipping" in form.text and 'name="tracking_code"' in form.text
    assert "Customers (extended)" in browser.get("/app/demo-customers").text
    browser.close()
