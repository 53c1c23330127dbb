"""``docs/api.md`` cannot drift from the API: each call it shows is in the live contract.

Every ```http block's first line is ``METHOD /path?query``; the path must match a
path template of the OpenAPI document a full instance serves (ids in the example
match ``{…}`` segments), and the JSON body after it must validate against that
operation's documented request schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fixtures.webclient import BASE_URL
from litestar.testing import TestClient

from kernel.addons.discovery import discover
from kernel.web.app import create_app

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"
BLOCK = re.compile(r"```http\n(?P<body>.*?)```", re.DOTALL)
ADDONS = ["sales_order", "stock", "purchase", "accounting", "purchase_accounting"]


def calls() -> list[tuple[str, str, Any]]:
    found = []
    for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        first, _sep, rest = match["body"].partition("\n")
        method, target = first.split(" ", 1)
        body = json.loads(rest) if rest.strip() else None
        found.append((method.lower(), target.split("?", 1)[0], body))
    return found


def _template(paths: dict[str, Any], path: str) -> str | None:
    for template in paths:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def _resolve(schema: Any, doc: dict[str, Any]) -> Any:
    """Inline ``$ref``s so a plain JSON Schema validator can check a body."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return _resolve(doc["components"]["schemas"][name], doc)
        return {k: _resolve(v, doc) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(item, doc) for item in schema]
    return schema


def test_every_call_of_the_guide_is_in_the_contract(make_instance: Any) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis
    if not set(ADDONS) <= set(discover()):
        pytest.skip("the built-in addons are not available")
    instance = make_instance(ADDONS)
    with TestClient(create_app(instance), base_url=BASE_URL) as client:
        doc = client.get("/api/schema").json()
    shown = calls()
    assert len(shown) >= 10
    problems = []
    for method, path, body in shown:
        template = _template(doc["paths"], path)
        if template is None or method not in doc["paths"][template]:
            problems.append(f"{method.upper()} {path}: not in /api/schema")
            continue
        operation = doc["paths"][template][method]
        if body is None:
            continue
        content = (operation.get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None:
            problems.append(f"{method.upper()} {path}: the contract documents no body")
            continue
        errors = list(jsonschema_rs.iter_errors(_resolve(schema, doc), body))
        problems += [f"{method.upper()} {path}: {error.message}" for error in errors]
    assert problems == []
