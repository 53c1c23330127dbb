"""The printable order: a real PDF with the number, lines and totals, in the reader's language."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from addons.sales_order.services import orders
from addons.sales_order.services.pdf import FONT_FAMILY, order_html, render_order_pdf
from addons.sales_order.tests.conftest import World


def _text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_holds_number_lines_and_totals(world: World, tmp_path) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [{"product_id": world.widget, "quantity": 3}],
            note="Deliver to gate 2",
        )
        pdf = render_order_pdf(env, order)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert order.name in text
    assert "Quotation" in text and "报价单" in text  # bilingual title
    assert "Widget" in text and "339.00" in text
    assert "Deliver to gate 2" in text
    assert "Page 1 / 1" in text  # margin box rendered


def test_chinese_reader_gets_chinese_first(world: World, tmp_path) -> None:
    with world.unit(lang="zh_CN") as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        html = order_html(env, order)
        assert f'font-family: "{FONT_FAMILY}"' in html.replace("\\", "")
        assert html.index("报价单") < html.index("Quotation")
        text = _text(render_order_pdf(env, order), tmp_path)
    assert "小部件" in text and "客户" in text


def test_confirmed_order_prints_as_confirmation(world: World, tmp_path) -> None:
    with world.unit(world.manager) as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
        orders.approve(env, order)
        text = _text(render_order_pdf(env, order), tmp_path)
    assert "Order Confirmation" in text
