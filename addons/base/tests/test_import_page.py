"""The import screen end to end: upload with the CSRF token, preview, confirm."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import func, select

from addons.base.tests.test_importer import csv_bytes, xlsx_bytes
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app
from kernel.web.context import ensure_fresh

BASE_URL = "http://suanpan.localhost"


@contextmanager
def signed_in(instance: Instance, login: str) -> Iterator[TestClient[Any]]:
    ensure_fresh(instance, force=True)
    with TestClient(create_app(instance), base_url=BASE_URL) as client:
        client.get("/login")
        token = client.cookies.get("csrftoken")
        response = client.post(
            "/login",
            data={"login": login, "password": "pw", "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code in (302, 303), response.text[:300]
        yield client


def _token(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the form carries the CSRF token"
    return found.group(1)


def _partners(instance: Instance) -> int:
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        return int(env.session.scalar(select(func.count()).select_from(Partner)))


def test_upload_preview_and_confirm(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    make_user(instance, "clerk", ["base.group_user"], lang="zh_CN")
    rows = [["客户编码", "客户名称", "邮箱"], ["C1", "甲公司", "a@jia.cn"], ["C2", "乙公司", "bad"]]
    with signed_in(instance, "clerk") as client:
        page = client.get("/base/import")
        assert page.status_code == 200 and "导入业务伙伴和产品" in page.text
        token = _token(page.text)
        preview = client.post(
            "/base/import/preview",
            data={"_csrf_token": token, "kind": "partner"},
            files={"file": ("客户.csv", csv_bytes(rows), "text/csv")},
        )
        assert preview.status_code == 200, preview.text[:500]
        assert "甲公司" in preview.text and "电子邮件" in preview.text  # translated reason
        assert "共 2 行，新建 1 行" in preview.text
        assert _partners(instance) == 0
        content = base64.b64encode(csv_bytes(rows)).decode()
        confirm = {
            "_csrf_token": _token(preview.text),
            "kind": "partner",
            "filename": "客户.csv",
            "content": content,
        }
        refused = client.post("/base/import/confirm", data=confirm)
        assert refused.status_code == 422 and "import-problems" in refused.text
        assert _partners(instance) == 0
        done = client.post("/base/import/confirm", data={**confirm, "skip_invalid": "1"})
        assert done.status_code == 200 and "导入完成：新建 1 条，更新 0 条，跳过 1 行" in done.text
        assert _partners(instance) == 1


def test_xlsx_products_and_missing_csrf(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    make_user(instance, "clerk", ["base.group_user"])
    rows = [["Internal reference", "Name", "Sales price"], ["X-1", "Teapot", 88.8]]
    with signed_in(instance, "clerk") as client:
        forged = client.post(
            "/base/import/preview",
            data={"kind": "product"},
            files={"file": ("p.xlsx", xlsx_bytes(rows), "application/octet-stream")},
        )
        assert forged.status_code == 403
        token = _token(client.get("/base/import").text)
        content = base64.b64encode(xlsx_bytes(rows)).decode()
        done = client.post(
            "/base/import/confirm",
            data={
                "_csrf_token": token,
                "kind": "product",
                "filename": "p.xlsx",
                "content": content,
            },
        )
        assert done.status_code == 200, done.text[:500]
    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        teapot = env.session.scalar(select(Product).where(Product.default_code == "X-1"))
        assert str(teapot.list_price) == "88.8000"


def test_import_requires_the_right_to_create(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    make_user(instance, "viewer", [])
    rows = [["name"], ["Somebody"]]
    with signed_in(instance, "viewer") as client:
        assert client.get("/base/import").status_code == 403
        token = str(client.cookies.get("csrftoken"))
        content = base64.b64encode(csv_bytes(rows)).decode()
        response = client.post(
            "/base/import/confirm",
            data={"_csrf_token": token, "kind": "partner", "filename": "a.csv", "content": content},
        )
        assert response.status_code in (403, 422)
    assert _partners(instance) == 0
