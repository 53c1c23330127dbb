"""Importing partners and products from CSV and XLSX: preview, all-or-nothing, skip, upsert."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import func, select

from addons.base.services import importer
from kernel.errors import ValidationError
from kernel.i18n import use_locale
from kernel.instance import Instance
from kernel.testing import MakeInstance, StatementCounter


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    buf = io.BytesIO()
    workbook = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = workbook.add_worksheet("Products")
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    workbook.close()
    return buf.getvalue()


def count(instance: Instance, model: str) -> int:
    with instance.unit(None, su=True) as env:
        return int(env.session.scalar(select(func.count()).select_from(env[model])))


PRODUCTS_ZH = [
    ["编码", "产品名称", "中文名称", "单位", "售价", "成本", "条码", "类型", "销项税"],
    [
        "TEA-001",
        "Longjing green tea 250g",
        "西湖龙井 250克",
        "个",
        168.5,
        92.3,
        6901234567892,
        "库存商品",
        "VAT 13%",
    ],
    ["SVC-001", "Installation", "上门安装", "小时", "300", "0", "", "服务", "VAT 6%"],
    ["PEN-012", "Gel pen (dozen)", "中性笔", "打", "24.00", "12.1", "", "", ""],
]


def test_xlsx_with_chinese_headers_imports_exact_numbers(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    content = xlsx_bytes(PRODUCTS_ZH)
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "product", "产品.xlsx", content)
        assert report.applied and (report.created, report.updated) == (3, 0)
    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        tea = env.session.scalar(select(Product).where(Product.default_code == "TEA-001"))
        assert tea.list_price == Decimal("168.5") and tea.standard_price == Decimal("92.3")
        assert tea.barcode == "6901234567892"  # not "6901234567892.0"
        assert tea.name_zh == "西湖龙井 250克" and tea.uom.name == "Unit"
        assert tea.sale_tax.amount == Decimal("13")
        service = env.session.scalar(select(Product).where(Product.default_code == "SVC-001"))
        assert service.type == "service" and service.uom.name == "Hour"
        pen = env.session.scalar(select(Product).where(Product.default_code == "PEN-012"))
        assert pen.type == "stockable" and pen.uom.name == "Dozen" and pen.barcode is None


def test_preview_reports_row_column_and_translated_reason(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [
        ["Internal reference", "Name", "Sales price", "Unit of measure", "Colour"],
        ["A-1", "Good one", "10", "Unit"],
        ["A-2", "Bad price", "ten", "Unit"],
        [],
        ["A-3", "Bad unit", "5", "furlong"],
        ["A-1", "Duplicate code", "5", "Unit"],
        ["A-5", "Negative", "-3", "Unit"],
        ["A-6", "", "1", "Unit"],
    ]
    with instance.unit(None, su=True, lang="zh_CN") as env:
        preview = importer.preview(env, "product", "p.csv", csv_bytes(rows))
        assert preview.total == 6 and preview.invalid_rows == 5 and preview.to_create == 1
        assert preview.ignored == ["Colour"]
        assert [(e.row, e.column) for e in preview.errors] == [
            (3, "Sales price"),
            (5, "Unit of measure"),  # the empty row 4 keeps the spreadsheet's numbering
            (6, "Internal reference"),
            (7, "Sales price"),
            (8, "Name"),
        ]
        by_row = {e.row: e for e in preview.errors}
        with use_locale("zh_CN"):
            assert str(by_row[3].reason) == "ten 不是数字"
            assert "furlong" in str(by_row[5].reason)
            assert "第 2 行" in str(by_row[6].reason)
            assert "负" in str(by_row[7].reason)
            assert str(by_row[8]).startswith("第 8 行")
    assert count(instance, "product.product") == 0  # a preview writes nothing


def test_one_bad_row_imports_nothing(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [["name", "email", "ref"], ["Good Co", "a@b.cn", "C1"], ["Bad Co", "no-at-sign", "C2"]]
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "partner", "c.csv", csv_bytes(rows))
        assert not report.applied and report.created == 0
        assert [(e.row, e.column) for e in report.errors] == [(3, "email")]
    assert count(instance, "res.partner") == 0


def test_skip_invalid_imports_the_good_rows_and_lists_the_rest(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [
        ["客户编码", "客户名称", "邮箱", "信用额度", "国家", "省份", "客户", "销售员"],
        [
            "C001",
            "上海明远贸易有限公司",
            "sales@mingyuan.cn",
            "50000",
            "中国",
            "上海市",
            "是",
            "admin",
        ],
        ["C002", "坏邮箱公司", "bad@", "0", "CN", "", "是", ""],
        ["C003", "Berlin Tools GmbH", "", "1,000.50", "Germany", "", "yes", ""],
        ["C004", "负额度公司", "", "-1", "CN", "", "1", ""],
    ]
    with instance.unit(None, su=True) as env:
        report = importer.import_file(
            env, "partner", "客户.csv", csv_bytes(rows, "gb18030"), skip_invalid=True
        )
        assert report.applied and report.created == 2
        assert report.skipped_rows == [3, 5]
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        shanghai = env.session.scalar(select(Partner).where(Partner.ref == "C001"))
        assert shanghai.country.code == "CN" and shanghai.state.name_zh == "上海市"
        assert shanghai.credit_limit == Decimal("50000") and shanghai.is_customer
        assert shanghai.salesperson.login == "admin"
        berlin = env.session.scalar(select(Partner).where(Partner.ref == "C003"))
        assert berlin.credit_limit == Decimal("1000.50") and berlin.country.code == "DE"


def test_reimport_updates_by_reference_and_attaches_contacts(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    first = [
        ["ref", "name", "city", "parent_ref", "type"],
        ["C1", "Hangzhou Silk Co", "杭州", "", ""],
        ["", "王经理", "", "C1", "contact"],
        ["", "Warehouse East", "宁波", "C1", "delivery"],
        ["", "Warehouse West", "温州", "C1", "Delivery address"],
    ]
    with instance.unit(None, su=True) as env:
        assert importer.import_file(env, "partner", "a.csv", csv_bytes(first)).created == 4
    again = [["ref", "name", "city"], ["C1", "Hangzhou Silk Co., Ltd.", ""]]
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "partner", "a.csv", csv_bytes(again))
        assert (report.created, report.updated) == (0, 1)
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        company = env.session.scalar(select(Partner).where(Partner.ref == "C1"))
        assert company.name == "Hangzhou Silk Co., Ltd." and company.city == "杭州"
        assert [c.name for c in company.contacts] == ["王经理"]
        assert sorted(a.city for a in company.delivery_addresses) == ["宁波", "温州"]
        assert not company.contacts[0].is_company


def test_contacts_need_a_known_company(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [
        ["ref", "name", "is_company", "parent_ref"],
        ["P1", "Person", "no", ""],
        ["", "X", "", "P1"],
        ["", "Y", "", "NOPE"],
    ]
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "partner", "a.csv", csv_bytes(rows))
        assert {(e.row, e.column) for e in report.errors} == {(3, "parent_ref"), (4, "parent_ref")}


def test_barcode_of_another_product_is_refused(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        importer.import_file(
            env,
            "product",
            "a.csv",
            csv_bytes([["code", "name", "barcode"], ["A", "a", "6901234567892"]]),
        )
    with instance.unit(None, su=True) as env:
        rows = [["code", "name", "barcode"], ["B", "b", "6901234567892"]]
        report = importer.import_file(env, "product", "b.csv", csv_bytes(rows))
        assert [(e.row, e.column) for e in report.errors] == [(2, "barcode")]
        assert "A" in str(report.errors[0].reason)
        # the product that owns the barcode may keep it when it is updated
        rows = [["code", "name", "barcode"], ["A", "a2", "6901234567892"]]
        assert importer.import_file(env, "product", "b.csv", csv_bytes(rows)).updated == 1


def test_missing_required_column_and_unreadable_file(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        with pytest.raises(ValidationError) as err:
            importer.preview(env, "product", "a.csv", csv_bytes([["code", "price"], ["A", "1"]]))
        assert "Name" in str(err.value)
        with pytest.raises(ValidationError):
            importer.preview(env, "product", "a.xlsx", b"not a spreadsheet")
        with pytest.raises(ValidationError):
            importer.preview(env, "product", "a.pdf", b"%PDF")
        with pytest.raises(ValidationError):
            importer.preview(env, "invoice", "a.csv", b"name\nx\n")


def test_statement_count_does_not_grow_per_row(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])

    def statements(n: int, offset: int) -> int:
        rows = [["code", "name", "category", "price"]]  # no unit: the default one is used
        rows += [[f"N{offset + i}", f"Item {i}", "", str(i)] for i in range(n)]
        with instance.unit(None, su=True) as env, StatementCounter(instance.engine) as counter:
            report = importer.import_file(env, "product", "n.csv", csv_bytes(rows))
            assert report.created == n
        return counter.count

    small, large = statements(5, 0), statements(200, 1000)
    # the ORM sends one INSERT per new record; lookups and checks must not be per row
    assert large - small <= 200 - 5, (small, large)
    assert small <= 5 + 12, small


def test_contacts_of_a_skipped_company_are_skipped_too(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [
        ["ref", "name", "email", "parent_ref"],
        ["K1", "Broken Co", "broken", ""],
        ["", "Orphan contact", "", "K1"],
        ["K2", "Fine Co", "", ""],
    ]
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "partner", "a.csv", csv_bytes(rows), skip_invalid=True)
        assert report.created == 1 and report.skipped_rows == [2, 3]
    assert count(instance, "res.partner") == 1


def test_large_files_stay_under_parameter_limits(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    rows = [["code", "name", "barcode"]]
    rows += [[f"L{i:05d}", f"Item {i}", f"B{i:05d}"] for i in range(2500)]
    with instance.unit(None, su=True) as env:
        assert importer.import_file(env, "product", "big.csv", csv_bytes(rows)).created == 2500
    with instance.unit(None, su=True) as env:
        report = importer.import_file(env, "product", "big.csv", csv_bytes(rows))
        assert (report.created, report.updated) == (0, 2500)
