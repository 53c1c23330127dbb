"""Request body limits: JSON at most 1 MiB and 32 levels deep (413/422 problem+json), uploads larger.

Issue 18.6 / 15.5: a 1,000-deep JSON body was a ``RecursionError`` 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fixtures.webclient import ADDONS, Browser, api_client
from sqlalchemy import func, select

from kernel.testing import make_user
from kernel.web.limits import MAX_JSON_BODY, MAX_JSON_DEPTH, json_too_deep

JSON = {"content-type": "application/json"}


@pytest.fixture
def demo(make_instance: Any) -> Iterator[tuple[Any, Any]]:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    boss = make_user(instance, "boss", ["webdemo.group_manager"])
    with instance.unit(None, su=True) as env:
        env.session.add(env["webdemo.order"](name="SO001"))
    with api_client(instance, boss) as api:
        yield instance, api


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and "Traceback" not in response.text
    return body


def _orders(instance: Any) -> int:
    with instance.unit(None, su=True) as env:
        return int(env.session.scalar(select(func.count()).select_from(env["webdemo.order"])))


def test_depth_is_measured_outside_strings() -> None:
    assert not json_too_deep(b'{"a": [[[1]]]}', 4)
    assert json_too_deep(b'{"a": [[[1]]]}', 3)
    # brackets in strings, escaped quotes included, do not nest anything
    assert not json_too_deep(b'{"name": "[[[[{{{{\\"[[[[", "x": []}', 2)
    assert json_too_deep(b"[" * 33 + b"]" * 33)
    assert not json_too_deep(b"[]" * 5000)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/webdemo.order", b"[" * 1000 + b"]" * 1000),
        ("/api/v1/webdemo.order", b'{"a":' * 1000 + b"1" + b"}" * 1000),
        ("/api/v1/webdemo.order/1", b'{"notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ],
)
def test_deeply_nested_json_is_a_422_naming_the_reason(demo: Any, url: str, body: bytes) -> None:
    instance, api = demo
    method = api.patch if url.endswith("/1") else api.post
    problem = _problem(method(url, content=body, headers=JSON), 422)
    assert f"nested more than {MAX_JSON_DEPTH} levels" in problem["fields"]["body"]
    assert _orders(instance) == 1


def test_depth_limit_holds_without_a_json_content_type(demo: Any) -> None:
    _instance, api = demo
    deep = b"[" * 1000 + b"]" * 1000
    _problem(api.post("/api/v1/webdemo.order", content=deep), 422)
    # actions read a JSON body too
    _problem(api.post("/api/v1/webdemo.order/1/actions/confirm", content=deep, headers=JSON), 422)


def test_json_bodies_over_one_mebibyte_are_a_413(demo: Any) -> None:
    instance, api = demo
    big = b'{"name": "SO2", "notes": "' + b"x" * MAX_JSON_BODY + b'"}'
    problem = _problem(api.post("/api/v1/webdemo.order", content=big, headers=JSON), 413)
    assert "1024 KiB" in problem["detail"] and problem["fields"]["body"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"name": "SO3", "notes": "'
        for _ in range(20):
            yield b"y" * 64 * 1024
        yield b'"}'

    _problem(api.post("/api/v1/webdemo.order", content=chunks(), headers=JSON), 413)
    assert _orders(instance) == 1
    # just under the limit is fine
    fits = b'{"name": "SO4", "notes": "' + b"z" * (MAX_JSON_BODY - 100) + b'"}'
    assert api.post("/api/v1/webdemo.order", content=fits, headers=JSON).status_code == 201


def test_typed_json_routes_of_addons_are_guarded_too(make_instance: Any) -> None:
    from shell_helpers import SHELL_ADDONS

    from kernel.apikeys import create_api_key
    from kernel.web.app import create_app

    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    uid = make_user(instance, "clerk", [], password="pw")
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "robot")
    from litestar.testing import TestClient

    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as client:
        client.headers["Authorization"] = f"Bearer {key}"
        deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
        _problem(client.post("/api/webshell/echo", content=deep, headers=JSON), 422)
        fine = client.post("/api/webshell/echo", json={"a": {"b": [1, 2]}})
        assert fine.status_code == 201 and fine.json()["data"] == {"a": {"b": [1, 2]}}


def test_file_uploads_may_be_larger_than_json(demo: Any) -> None:
    instance, _api = demo
    make_user(instance, "clerk", ["webdemo.group_user", "webdemo.group_manager"])
    clerk = Browser(instance, "clerk")
    content = b"%PDF-1.4 " + b"0" * (3 * 1024 * 1024)
    up = clerk.post(
        "/app/demo-orders/1/attachments", files={"file": ("scan.pdf", content, "application/pdf")}
    )
    assert up.status_code == 303, up.text[:500]
    with instance.unit(None, su=True) as env:
        Attachment = env["ir.attachment"]
        assert env.session.scalar(select(Attachment.size)) == len(content)
