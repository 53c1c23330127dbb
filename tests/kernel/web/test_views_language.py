"""Records are named in the reader's language on every screen, without a query per row.

A Chinese reader sees 西湖龙井, 个 and 中国 — in pickers, list cells, line tables,
page titles and the API's ``display_name`` — where an English reader sees the
English names; typing the Chinese name into a picker finds the record.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fixtures.webclient import Browser, api_client, text_of_html
from sqlalchemy import insert, select

from kernel.instance import Instance
from kernel.testing import MakeInstance, StatementCounter, make_user


@pytest.fixture
def shop(make_instance: MakeInstance) -> Iterator[tuple[Instance, dict[str, int]]]:
    """base with a categorised tea sold in units to a Chinese company, one English and one
    Chinese clerk."""
    instance = make_instance(["base"])
    make_user(instance, "ann", ["base.group_manager"], lang="en")
    make_user(instance, "li", ["base.group_manager"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        Category, Product, Partner = (
            env["product.category"],
            env["product.product"],
            env["res.partner"],
        )
        drinks = Category(name="Drinks", name_zh="饮料")
        tea = Category(name="Tea", name_zh="茶叶", parent=drinks)
        env.session.add_all([drinks, tea])
        env.session.flush()
        product = Product(
            default_code="TEA-01",
            name="West Lake Longjing",
            name_zh="西湖龙井",
            category_id=tea.id,
            uom_id=env.ref("base.uom_unit").id,
        )
        company = Partner(name="Hangzhou Tea Co.", country_id=env.ref("base.country_cn").id)
        env.session.add_all([product, company])
        env.session.flush()
        contact = Partner(name="Wang Fang", parent_id=company.id, type="contact")
        env.session.add(contact)
        env.session.flush()
        ids = {"product": product.id, "tea": tea.id, "company": company.id, "contact": contact.id}
    yield instance, ids


def _labels(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'data-label="([^"]*)"', page)]


def test_pickers_lists_and_titles_speak_the_readers_language(
    shop: tuple[Instance, dict[str, int]],
) -> None:
    instance, ids = shop
    ann, li = Browser(instance, "ann"), Browser(instance, "li")
    try:
        assert _labels(ann.get("/app/_picker/product.product?q=TEA").text) == [
            "[TEA-01] West Lake Longjing"
        ]
        # the Chinese name is found by typing it, and shown to the Chinese reader
        assert _labels(li.get("/app/_picker/product.product?q=龙井").text) == ["[TEA-01] 西湖龙井"]
        assert _labels(ann.get("/app/_picker/product.product?q=龙井").text) == [
            "[TEA-01] West Lake Longjing"
        ]
        assert "中国" in _labels(li.get("/app/_picker/res.country?q=中国").text)
        assert "个" in _labels(li.get("/app/_picker/uom.uom?q=个").text)
        # a contact is named with its company
        assert _labels(ann.get("/app/_picker/res.partner?q=Wang").text) == [
            "Hangzhou Tea Co., Wang Fang"
        ]

        product_zh = html.unescape(li.get(f"/app/products/{ids['product']}").text)
        assert "<title>[TEA-01] 西湖龙井 ·" in product_zh
        assert 'aria-current="page">[TEA-01] 西湖龙井</li>' in product_zh  # breadcrumb
        assert 'value="饮料 / 茶叶"' in product_zh and 'value="个"' in product_zh
        product_en = html.unescape(ann.get(f"/app/products/{ids['product']}").text)
        assert 'value="Drinks / Tea"' in product_en and 'value="Unit"' in product_en

        partner_zh = html.unescape(li.get(f"/app/partners/{ids['company']}").text)
        assert 'value="中国"' in partner_zh and "China" not in partner_zh

        listed = text_of_html(li.get("/app/products?q=龙井").text)
        assert "饮料 / 茶叶" in listed and " 个 " in listed
        grouped = text_of_html(li.get("/app/products?group=category_id").text)
        assert "饮料 / 茶叶" in grouped
        opened = text_of_html(li.get(f"/app/products?group=category_id&gv={ids['tea']}").text)
        assert "类别: 饮料 / 茶叶" in opened, opened[-600:]
    finally:
        ann.close()
        li.close()


def test_api_display_name_in_the_readers_language(
    shop: tuple[Instance, dict[str, int]],
) -> None:
    instance, ids = shop
    with instance.unit(None, su=True) as env:
        li = env.session.scalar(select(env["res.user"].id).where(env["res.user"].login == "li"))
    with api_client(instance, int(li)) as api:
        data = api.get(f"/api/v1/product.product/{ids['product']}").json()
    assert data["display_name"] == "[TEA-01] 西湖龙井"


def test_list_names_parents_without_a_query_per_row(make_instance: MakeInstance) -> None:
    """Categories named ``Parent / Child`` through their parents: a page of 50 costs what 5 do."""
    instance = make_instance(["base"])
    make_user(instance, "li", ["base.group_manager"], lang="zh_CN")

    def add(count: int, prefix: str) -> None:
        with instance.unit(None, su=True) as env:
            Category = env["product.category"]
            roots = [{"name": f"{prefix} root {i}", "name_zh": f"根{i}"} for i in range(count)]
            env.session.execute(insert(Category), roots)
            root_ids = env.session.scalars(
                select(Category.id).where(Category.name.like(f"{prefix} root %"))
            ).all()
            env.session.execute(
                insert(Category),
                [{"name": f"{prefix} mid {i}", "parent_id": rid} for i, rid in enumerate(root_ids)],
            )
            mid_ids = env.session.scalars(
                select(Category.id).where(Category.name.like(f"{prefix} mid %"))
            ).all()
            env.session.execute(
                insert(Category),
                [{"name": f"{prefix} leaf {i}", "parent_id": mid} for i, mid in enumerate(mid_ids)],
            )

    browser = Browser(instance, "li")
    try:
        counts = []
        for count, prefix in ((5, "A"), (50, "B")):
            add(count, prefix)
            url = f"/app/product-categories?q={prefix}%20leaf&cols=name,parent_id"
            browser.get(url)  # warm caches
            with StatementCounter(instance.engine) as counter:
                page = browser.get(url)
            assert page.status_code == 200
            assert f"根{count - 1} / {prefix} mid {count - 1}" in text_of_html(page.text)
            counts.append(
                sum(
                    1
                    for s in counter.statements
                    if "ir_setting" not in s and "UPDATE web_session" not in s
                )
            )
        assert counts[0] == counts[1], counts
    finally:
        browser.close()
