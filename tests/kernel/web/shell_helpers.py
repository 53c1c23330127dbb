"""Helpers of the web host tests: apps on the test addon, browsers that sign in like people do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from kernel.instance import Instance
from kernel.web.app import create_app
from kernel.web.context import ensure_fresh

SHELL_ADDONS = [str(Path(__file__).parent / "shell_fixtures")]
BASE_URL = "http://suanpan.localhost"


@contextmanager
def browser(instance: Instance, **headers: str) -> Iterator[TestClient[Any]]:
    """A fresh app on ``instance`` (like one more worker) and a cookie-keeping client."""
    ensure_fresh(instance, force=True)
    with TestClient(create_app(instance), base_url=BASE_URL) as client:
        client.headers.update(headers)
        yield client


def csrf(client: TestClient[Any]) -> str:
    """The CSRF token a form on this client's pages would carry."""
    token = client.cookies.get("csrftoken")
    if not token:
        client.get("/login")
        token = client.cookies.get("csrftoken")
    assert token, "the sign-in page sets the CSRF cookie"
    return str(token)


def sign_in(
    client: TestClient[Any], login: str, password: str = "pw", next: str | None = None
) -> Any:
    data = {"login": login, "password": password, "_csrf_token": csrf(client)}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data, follow_redirects=False)


def post_form(client: TestClient[Any], url: str, data: dict[str, Any] | None = None) -> Any:
    payload = {**(data or {}), "_csrf_token": csrf(client)}
    return client.post(url, data=payload, follow_redirects=False)


def text_of_page(html: str) -> str:
    """Visible text, roughly: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
