"""The printable RFQ / purchase order: a real bilingual PDF a supplier can act on,
and only for users allowed to read purchase orders."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from addons.purchase.services import orders as po
from addons.purchase.services.pdf import order_html, render_order_pdf
from addons.purchase.tests.conftest import make_goods
from kernel.instance import Instance
from kernel.testing import StatementCounter, make_user


def _text(pdf: bytes, tmp_path: Any) -> str:
    """The PDF's text as a reader sees it (pdftotext is required in CI, optional elsewhere)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is required in CI (apt-get install poppler-utils)")
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _chinese_goods(instance: Instance, ids: dict[str, Any]) -> int:
    """A product known by its Chinese name, with the supplier's own catalogue code."""
    with instance.unit(None, su=True) as env:
        product = env["product.product"](
            default_code="TS-01",
            name="纯棉圆领T恤",
            name_zh="纯棉圆领T恤",
            type="stockable",
            uom_id=env.ref("base.uom_unit").id,
            standard_price=Decimal("18.00"),
            purchase_tax_id=env.ref("base.vat_13_purchase").id,
        )
        env.session.add(product)
        env.session.flush()
        env.session.add(
            env["purchase.supplier.price"](
                partner_id=ids["supplier"],
                product_id=product.id,
                product_code="HD-8848",
                price=Decimal("16.50"),
            )
        )
        return int(product.id)


def _order(env: Any, ids: dict[str, Any], product_id: int, extra_lines: int = 0) -> Any:
    lines = [{"product_id": product_id, "quantity": "120"}]
    lines += [{"product_id": pid, "quantity": "1"} for pid in ids["products"][:extra_lines]]
    return po.create_order(
        env,
        ids["supplier"],
        lines,
        partner_ref="Q-2026-117",
        expected_date=dt.date(2026, 12, 20),
        notes="请在送货单上注明订单号",
    )


def test_rfq_pdf_holds_supplier_lines_totals_and_both_languages(purchase_instance, tmp_path):
    ids = make_goods(purchase_instance)
    product_id = _chinese_goods(purchase_instance, ids)
    with purchase_instance.unit(ids["buyer"]) as env:
        order = _order(env, ids, product_id)
        pdf = render_order_pdf(env, order)
        name, total = order.name, order.amount_total
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert name in text
    assert "Request for Quotation" in text and "询价单" in text
    assert "Supplier" in text and "供应商" in text
    assert "华东纺织有限公司" in text and "Q-2026-117" in text
    assert "纯棉圆领T恤" in text and "HD-8848" in text  # the supplier's code beside ours
    assert "2026-12-20" in text and "主仓库" in text  # expected date, deliver-to warehouse
    assert total == Decimal("2237.40") and "2,237.40" in text  # 120 × 16.50 + 13% VAT
    assert "请在送货单上注明订单号" in text
    assert "Page 1 / 1" in text  # the margin boxes render


def test_confirmed_order_prints_as_purchase_order_chinese_first(purchase_instance, tmp_path):
    ids = make_goods(purchase_instance)
    product_id = _chinese_goods(purchase_instance, ids)
    with purchase_instance.unit(ids["buyer"], lang="zh_CN") as env:
        order = _order(env, ids, product_id)
        po.confirm(env, order)
        html = order_html(env, order)
        assert html.index("采购订单") < html.index("Purchase Order")
        text = _text(render_order_pdf(env, order), tmp_path)
    assert "采购订单" in text and "Purchase Order" in text
    assert "询价单" not in text


def test_printing_does_not_query_per_line(purchase_instance):
    ids = make_goods(purchase_instance, n=12)
    product_id = _chinese_goods(purchase_instance, ids)
    counts = []
    for extra in (1, 1, 12):  # the first print warms the configuration memo (kernel.rowcache)
        with purchase_instance.unit(ids["buyer"]) as env:
            order_id = _order(env, ids, product_id, extra_lines=extra).id
        with purchase_instance.unit(ids["buyer"]) as env:
            order = env.get("purchase.order", order_id)
            with StatementCounter(purchase_instance.engine) as counter:
                order_html(env, order)
            counts.append(counter.count)
    assert counts[1] == counts[2], counts


def test_route_serves_buyers_and_refuses_users_without_purchase_rights(purchase_instance, tmp_path):
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.context import ensure_fresh
    from kernel.web.sessions import COOKIE_NAME, create_session

    ids = make_goods(purchase_instance)
    product_id = _chinese_goods(purchase_instance, ids)
    storekeeper = make_user(purchase_instance, "storekeeper", ["stock.group_user"])
    with purchase_instance.unit(ids["buyer"]) as env:
        order = _order(env, ids, product_id)
        order_id, name = order.id, order.name
    ensure_fresh(purchase_instance, force=True)
    with TestClient(create_app(purchase_instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(purchase_instance, ids["buyer"]))
        form = client.get(f"/app/purchase/orders/{order_id}")
        assert form.status_code == 200
        assert f'href="/purchase/order/{order_id}/pdf"' in form.text  # the Print button
        pdf = client.get(f"/purchase/order/{order_id}/pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert name in _text(pdf.content, tmp_path)
        assert client.get("/purchase/order/999999/pdf").status_code == 404

        client.cookies.set(COOKIE_NAME, create_session(purchase_instance, storekeeper))
        refused = client.get(f"/purchase/order/{order_id}/pdf")
        assert refused.status_code in (403, 404)
        assert not refused.content.startswith(b"%PDF")
        assert "华东纺织" not in refused.text
