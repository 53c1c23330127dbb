"""The generic screens on the demo addon: lists, forms, lines, workflow, history, attachments."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import ADDONS, Browser, text_of_html
from sqlalchemy import func, select

from kernel.testing import make_user

XSS = "<script>alert('x')</script>"


@pytest.fixture
def demo(make_instance: Any) -> Any:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    make_user(instance, "clerk", ["webdemo.group_user"])
    make_user(instance, "boss", ["webdemo.group_manager"])
    make_user(instance, "nobody", [])
    with instance.unit(None, su=True) as env:
        Customer, Order, Line = (
            env["webdemo.customer"],
            env["webdemo.order"],
            env["webdemo.order.line"],
        )
        acme = Customer(name="ACME Trading")
        evil = Customer(name=f"Evil {XSS}")
        env.session.add_all([acme, evil])
        env.session.flush()
        for index in range(1, 8):
            env.session.add(
                Order(
                    name=f"SO{index:03d}",
                    customer_id=acme.id if index % 2 else evil.id,
                    amount_total=Decimal(index) * Decimal("100.10"),
                    weight=Decimal("0.5"),
                    priority="high" if index <= 2 else "normal",
                    urgent=index == 4,
                    notes=f"note {index}",
                )
            )
        env.session.flush()
        env.session.add(
            Line(order_id=1, description="Beads", quantity=Decimal(2), price_unit=Decimal("3.5"))
        )
    browsers: list[Browser] = []

    def browser(login: str) -> Browser:
        b = Browser(instance, login)
        browsers.append(b)
        return b

    yield instance, browser
    for b in browsers:
        b.close()


def rows_of(html: str) -> list[str]:
    return re.findall(r'class="sp-row-link" href="/app/demo-orders/\d+">([^<]*)<', html)


def field_error(html: str, name: str) -> str:
    found = re.search(rf'data-field-error="{re.escape(name)}">([^<]*)<', html)
    return found.group(1) if found else ""


def test_list_search_filter_sort_and_columns(demo: Any) -> None:
    _instance, browser = demo
    clerk = browser("clerk")
    page = clerk.get("/app/demo-orders")
    assert page.status_code == 200
    assert rows_of(page.text)[:2] == ["SO001", "SO002"]  # default order -date_order, id
    assert "ACME Trading" in page.text and "Order date" in page.text
    assert rows_of(clerk.get("/app/demo-orders?q=so00").text) == [f"SO00{i}" for i in range(1, 8)]
    assert rows_of(clerk.get("/app/demo-orders?q=note 5").text) == ["SO005"]
    assert rows_of(clerk.get("/app/demo-orders?f=urgent").text) == ["SO004"]
    assert rows_of(clerk.get("/app/demo-orders?order=-amount_total").text)[:3] == [
        "SO007",
        "SO006",
        "SO005",
    ]
    assert rows_of(clerk.get("/app/demo-orders?q=%25").text) == []  # % is literal, not a wildcard
    chosen = clerk.get("/app/demo-orders?cols=name,notes")
    head = re.findall(r'class="sp-sort"[^>]*>([^<]*)<', chosen.text)
    assert head == ["Number", "Notes"]
    totals = text_of_html(page.text)
    assert "2,802.80" in totals  # the total of all seven amounts, from SQL


def test_grouping_shows_sql_subtotals(demo: Any) -> None:
    _instance, browser = demo
    page = browser("clerk").get("/app/demo-orders?group=priority")
    text = text_of_html(page.text)
    assert re.search(r"High 2 300\.30 1 ", text), text
    assert re.search(r"Normal 5 2,502\.50 2\.5 ", text)
    assert re.search(r"Total 7 2,802\.80 3\.5 ", text)
    drill = browser("clerk").get("/app/demo-orders?group=priority&gv=high")
    assert rows_of(drill.text) == ["SO001", "SO002"]


def test_pagination(demo: Any) -> None:
    instance, browser = demo
    with instance.unit(None, su=True) as env:
        Order = env["webdemo.order"]
        env.session.add_all([Order(name=f"X{i:03d}") for i in range(60)])
    clerk = browser("clerk")
    first = clerk.get("/app/demo-orders?order=name")
    second = clerk.get("/app/demo-orders?order=name&page=2")
    assert len(rows_of(first.text)) == 50 and len(rows_of(second.text)) == 17
    assert "51–67 of 67" in second.text
    assert not set(rows_of(first.text)) & set(rows_of(second.text))


def test_export_csv_and_xlsx_of_the_filtered_list(demo: Any) -> None:
    from python_calamine import CalamineWorkbook

    _instance, browser = demo
    clerk = browser("clerk")
    response = clerk.get(
        "/app/demo-orders/export/csv?priority=x&q=SO00&order=name&f=&cols=name,customer_id,amount_total"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Number", "Customer", "Total"]
    assert rows[1] == ["SO001", "ACME Trading", "100.1000"]
    assert len(rows) == 8
    xlsx = clerk.get(
        "/app/demo-orders/export/xlsx?order=name&group=priority&gv=high&cols=name,amount_total,urgent"
    )
    assert xlsx.status_code == 200
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    )
    assert sheet[0] == ["Number", "Total", "Urgent"]
    assert sheet[1][:2] == ["SO001", 100.1]  # a number, not text
    assert sheet[2][:2] == ["SO002", 200.2]
    assert sheet[3][:2] == ["", 300.3]  # the total row of the drilled-down group
    assert len(sheet) == 4


def test_export_translates_headers(demo: Any) -> None:
    instance, browser = demo
    make_user(instance, "wang", ["webdemo.group_user"], lang="zh_CN")
    wang = browser("wang")
    response = wang.get("/app/demo-orders/export/csv?cols=name,amount_total,priority&order=name")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "单号,合计,优先级"
    assert lines[1] == "SO001,100.1000,高"
    page = wang.get("/app/demo-orders")
    assert "演示订单" in page.text and "搜索" in page.text


def test_script_in_a_name_renders_escaped(demo: Any) -> None:
    _instance, browser = demo
    clerk = browser("clerk")
    listing = clerk.get("/app/demo-orders")
    form = clerk.get("/app/demo-orders/2")
    picker = clerk.get("/app/_picker/webdemo.customer?q=evil")
    for page in (listing, form, picker):
        assert XSS not in page.text
        assert "&lt;script&gt;" in page.text


def test_form_shows_validation_errors_next_to_fields_and_keeps_input(demo: Any) -> None:
    instance, browser = demo
    clerk = browser("clerk")
    response = clerk.post(
        "/app/demo-orders/1",
        {
            "name": "",
            "amount_total": "12.34567",
            "priority": "normal",
            "notes": "keep me",
            "lines-lines-present": "1",
            "lines-lines-0-description": "Beads",
            "lines-lines-0-quantity": "two",
        },
    )
    assert response.status_code == 422
    assert field_error(response.text, "name") == "Number is required"
    assert "4 decimal places" in field_error(response.text, "amount_total")
    assert "not a valid value" in field_error(response.text, "lines-lines-0-quantity")
    assert "keep me" in response.text
    with instance.unit(None, su=True) as env:
        assert env.session.get(env["webdemo.order"], 1).name == "SO001"


def test_validation_errors_are_in_the_users_language(demo: Any) -> None:
    """A zh_CN user reads the field errors (and the refusal of a workflow step) in Chinese."""
    instance, browser = demo
    make_user(instance, "wang", ["webdemo.group_user"], lang="zh_CN")
    wang = browser("wang")
    response = wang.post(
        "/app/demo-orders/1",
        {"name": "", "amount_total": "1", "priority": "normal", "lines-lines-present": "1"},
    )
    assert response.status_code == 422
    assert field_error(response.text, "name") == "单号为必填项"
    assert "is required" not in response.text
    no_reason = wang.post("/app/demo-orders/1/action/cancel", {"reason": ""})
    assert no_reason.status_code == 422
    assert "需要填写原因" in no_reason.text


def test_create_with_lines_then_edit_and_remove_a_line(demo: Any) -> None:
    instance, browser = demo
    clerk = browser("clerk")
    new = clerk.get("/app/demo-orders/new")
    assert new.status_code == 200 and 'value="normal" selected' in new.text
    row = clerk.get("/app/demo-orders/_line/lines?index=1")
    assert 'name="lines-lines-1-description"' in row.text and 'value="1"' in row.text
    # a zero default is a hint, not a typed value: left empty, the default (or an addon) fills it
    price = re.search(r'<input[^>]*name="lines-lines-1-price_unit"[^>]*>', row.text)
    assert price and 'value=""' in price.group(0) and 'placeholder="0"' in price.group(0)
    created = clerk.post(
        "/app/demo-orders/new",
        {
            "name": "SO900",
            "customer_id": "1",
            "date_order": "2026-05-04",
            "amount_total": "1999.99",
            "priority": "high",
            "urgent": "1",
            "lines-lines-present": "1",
            "lines-lines-0-description": "Frame",
            "lines-lines-0-quantity": "1",
            "lines-lines-0-price_unit": "12.30",
            "lines-lines-1-description": "Rods",
            "lines-lines-1-quantity": "0.125",
            "lines-lines-1-price_unit": "8",
        },
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    with instance.unit(None, su=True) as env:
        order = env.session.scalar(
            select(env["webdemo.order"]).where(env["webdemo.order"].name == "SO900")
        )
        assert order.amount_total == Decimal("1999.99") and order.urgent and order.customer_id == 1
        assert [(line.description, line.quantity) for line in order.lines] == [
            ("Frame", Decimal("1")),
            ("Rods", Decimal("0.125")),
        ]
        first_line = order.lines[0].id
    page = clerk.get(url)
    assert 'value="1999.99"' in page.text and "ACME Trading" in page.text
    saved = clerk.post(
        url,
        {
            "name": "SO900",
            "priority": "high",
            "lines-lines-present": "1",
            "lines-lines-0-id": str(first_line),
            "lines-lines-0-description": "Frame XL",
            "lines-lines-0-quantity": "3",
        },
    )
    assert saved.status_code == 303
    with instance.unit(None, su=True) as env:
        order = env.session.scalar(
            select(env["webdemo.order"]).where(env["webdemo.order"].name == "SO900")
        )
        assert [(line.id, line.description, line.quantity) for line in order.lines] == [
            (first_line, "Frame XL", Decimal("3"))
        ]
        assert not order.urgent  # unchecked box


def test_workflow_buttons_status_bar_reason_and_readonly(demo: Any) -> None:
    instance, browser = demo
    clerk, boss = browser("clerk"), browser("boss")
    page = clerk.get("/app/demo-orders/1")
    actions = re.findall(r'data-sp-action="(\w+)"', page.text)
    assert actions == ["confirm"]
    assert 'data-bs-target="#reason-cancel"' in page.text  # cancel asks for a reason
    assert re.search(r'class="sp-step sp-current"[^>]*>Draft<', page.text)
    confirmed = clerk.post("/app/demo-orders/1/action/confirm")
    assert confirmed.status_code == 303
    assert re.search(r'class="sp-milestone"[^>]*>○ Packed<', clerk.get("/app/demo-orders/1").text)
    with instance.unit(None, su=True) as env:
        from kernel.workflow import reach_milestone

        reach_milestone(env, env.session.get(env["webdemo.order"], 1), "packed", addon="webdemo")
    assert re.search(
        r'class="sp-milestone sp-done"[^>]*>✓ Packed<', clerk.get("/app/demo-orders/1").text
    )
    assert re.findall(r'data-sp-action="(\w+)"', clerk.get("/app/demo-orders/1").text) == []
    assert re.findall(r'data-sp-action="(\w+)"', boss.get("/app/demo-orders/1").text) == ["finish"]
    denied = clerk.post("/app/demo-orders/1/action/finish")
    assert denied.status_code == 403 and "not allowed" in denied.text
    no_reason = clerk.post("/app/demo-orders/1/action/cancel", {"reason": " "})
    assert no_reason.status_code == 422 and "reason is required" in no_reason.text
    assert boss.post("/app/demo-orders/1/action/finish").status_code == 303
    done = boss.get("/app/demo-orders/1")
    assert "This document is read-only." in done.text
    assert 'form="record-form"' not in done.text  # no save button
    refused = boss.post("/app/demo-orders/1", {"name": "changed", "priority": "low"})
    assert refused.status_code == 422
    with instance.unit(None, su=True) as env:
        order = env.session.get(env["webdemo.order"], 1)
        assert (order.state, order.name) == ("done", "SO001")


def test_history_lists_moves_and_comments(demo: Any) -> None:
    _instance, browser = demo
    clerk = browser("clerk")
    clerk.post("/app/demo-orders/2/action/cancel", {"reason": "duplicate order"})
    clerk.post("/app/demo-orders/2/comment", {"comment": f"called {XSS}"})
    page = clerk.get("/app/demo-orders/2")
    history = text_of_html(page.text.split('id="history"')[1].split('id="attachments"')[0])
    assert "Cancel Draft → Cancelled" in history and "duplicate order" in history
    assert "called" in history and XSS not in page.text
    assert "Clerk" in history


def test_attachments_upload_download_delete(demo: Any) -> None:
    instance, browser = demo
    clerk = browser("clerk")
    name = 'quote "final" <b>.pdf'
    up = clerk.post(
        "/app/demo-orders/3/attachments",
        files={"file": (name, b"%PDF-1.4 demo", "application/pdf")},
    )
    assert up.status_code == 303, up.text
    page = clerk.get("/app/demo-orders/3")
    assert "<b>.pdf" not in page.text and "&lt;b&gt;.pdf" in page.text
    attachment_id = int(re.search(r'href="/app/_attachment/(\d+)"', page.text).group(1))
    download = clerk.get(f"/app/_attachment/{attachment_id}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 demo"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-type"].startswith("application/pdf")
    bad = clerk.post(
        "/app/demo-orders/3/attachments",
        files={"file": ("run.exe", b"MZ", "application/octet-stream")},
    )
    assert bad.status_code == 422 and "cannot be attached" in bad.text
    big = clerk.post(
        "/app/demo-orders/3/attachments",
        files={"file": ("big.txt", b"x" * (10 * 1024 * 1024 + 1), "text/plain")},
    )
    assert big.status_code == 422 and "10 MB" in big.text
    nobody = browser("nobody")
    # an attachment of a record one cannot read is not there for them (kernel.policy: attached)
    assert nobody.get(f"/app/_attachment/{attachment_id}").status_code == 404
    assert clerk.post(f"/app/_attachment/{attachment_id}/delete").status_code == 303
    with instance.unit(None, su=True) as env:
        Attachment = env["ir.attachment"]
        assert env.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_picker_matches_by_name_and_respects_access(demo: Any) -> None:
    instance, browser = demo
    with instance.unit(None, su=True) as env:
        env.session.add_all([env["webdemo.customer"](name=f"Bulk {i:02d}") for i in range(30)])
        env.session.add(env["webdemo.secret"](name="Launch codes"))
    clerk = browser("clerk")
    found = clerk.get("/app/_picker/webdemo.customer?q=bulk")
    assert found.status_code == 200
    assert len(re.findall(r"data-sp-pick", found.text)) == 20
    assert "Bulk 00" in found.text and "ACME" not in found.text
    by_field = clerk.get("/app/_picker/webdemo.customer?customer_id__label=acme")
    assert re.findall(r'data-label="([^"]*)"', by_field.text) == ["ACME Trading"]
    assert clerk.get("/app/_picker/webdemo.secret?q=launch").status_code == 403
    assert "Launch codes" in browser("boss").get("/app/_picker/webdemo.secret?q=launch").text


def test_no_rights_no_screens_and_csrf_required(demo: Any) -> None:
    instance, browser = demo
    nobody = browser("nobody")
    assert nobody.get("/app/demo-orders").status_code == 403
    assert nobody.get("/app/demo-orders/1").status_code == 403
    assert nobody.get("/app/nope").status_code == 404
    clerk = browser("clerk")
    forged = clerk.client.post(
        "/app/demo-orders/1", data={"name": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403
    with instance.unit(None, su=True) as env:
        assert env.session.get(env["webdemo.order"], 1).name == "SO001"
    from litestar.testing import TestClient

    from kernel.web.app import create_app

    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as anonymous:
        for url in ("/app/demo-orders", "/app/no-such-screen", "/app/demo-orders/1"):
            response = anonymous.get(url, follow_redirects=False)
            assert response.status_code in (302, 303), (url, response.status_code)
            assert response.headers["location"].startswith("/login")


def test_grouping_by_month_and_drilling_down(demo: Any) -> None:
    import datetime as dt

    instance, browser = demo
    with instance.unit(None, su=True) as env:
        Order = env["webdemo.order"]
        for record_id, day in [
            (1, dt.date(2026, 1, 5)),
            (2, dt.date(2026, 1, 30)),
            (3, dt.date(2026, 2, 1)),
        ]:
            env.session.get(Order, record_id).date_order = day
    clerk = browser("clerk")
    text = text_of_html(clerk.get("/app/demo-orders?group=date_order:month").text)
    assert re.search(r"2026-01 2 300\.30", text), text
    assert re.search(r"2026-02 1 300\.30", text)
    assert re.search(r"— 4 ", text)
    drill = clerk.get("/app/demo-orders?group=date_order:month&gv=2026-01&order=name")
    assert rows_of(drill.text) == ["SO001", "SO002"]
    assert (
        clerk.get("/app/demo-orders?group=notes;drop").status_code == 200
    )  # unknown grouping ignored


def test_odd_list_and_form_addresses_never_fail(demo: Any) -> None:
    _instance, browser = demo
    clerk = browser("clerk")
    for query in ["page=abc", "page=-3", "page=0", "page=99999999999"]:
        refused = clerk.get(f"/app/demo-orders?{query}")  # an error naming it, not page 1
        assert refused.status_code == 422 and "page" in refused.text, query
    for query in [
        "order=name;drop table webdemo_order",
        "order=-",
        "cols=bogus,(select 1)",
        "group=customer_id&gv=abc",
        "group=date_order:month&gv=' or 1=1 --",
        "group=date_order:hour",
        "f=nope&q=%00",
        "q=" + "x" * 5000,
    ]:
        response = clerk.get(f"/app/demo-orders?{query}")
        assert response.status_code == 200, (query, response.status_code)
    for path in [
        "/app/demo-orders/0",
        "/app/demo-orders/99999999999999999999",
        "/app/demo-orders/x/y/z",
    ]:
        assert clerk.get(path).status_code == 404, path
    assert clerk.get("/app/demo-orders/export/pdf").status_code == 404
    assert clerk.get("/app/_picker/no.such.model?q=a").status_code == 404
    assert clerk.post("/app/demo-orders/1/action/teleport").status_code == 409
