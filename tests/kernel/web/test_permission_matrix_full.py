"""Every model × every built-in group × every operation, against a file kept in the repository.

A full instance (all built-in addons) is built once. For a user of each group
declared in it — plus the administrator, whom system policies bind too — the
test calls the generic JSON API (list, read, create, write, delete) and the
generic screens' form posts (list, create, save) for every model, and writes
down what the user was answered: ``allow`` (the check point let the request
through: 200/201/204, or 404/409/422 about the record or its values) or
``deny`` (403). ``-`` marks a model without a screen. Anything else — a 500, a
401 — is written as the status, so it shows up in the diff.

The requests are harmless on purpose: reads, writes and deletes name a record
that does not exist (the check point answers before the record is looked up),
creates send an empty body. What allowed writes then *do* is tested by the
case tests (``test_policies.py``) and the webdemo matrix (``test_permissions_matrix.py``).

The expected answers are ``permission_matrix.csv`` next to this file. A change
of any access right or policy shows as a diff of that file: review it, then
regenerate with ``SUANPAN_UPDATE_MATRIX=1 pytest tests/kernel/web/test_permission_matrix_full.py``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from fixtures.webclient import Browser, api_client
from sqlalchemy import select

from kernel.env import SUPERUSER_ID
from kernel.testing import db_kind, make_user

MATRIX = Path(__file__).parent / "permission_matrix.csv"
ADDONS = ["sales_order", "stock", "purchase", "accounting", "purchase_accounting", "mrp"]
API_OPS = ("api_list", "api_read", "api_create", "api_write", "api_delete")
UI_OPS = ("ui_list", "ui_create", "ui_write")
COLUMNS = ("model", "group", "policy", *API_OPS, *UI_OPS)
MISSING = 2_147_483_000  # an id no test record reaches


def _outcome(status: int) -> str:
    if status == 403:
        return "deny"
    if status in (200, 201, 204, 303, 404, 409, 422):
        return "allow"
    return str(status)


def _groups(instance: Any) -> list[str]:
    with instance.unit(None, su=True) as env:
        Group = env["res.group"]
        return sorted(env.session.scalars(select(Group.xmlid)))


def _api_row(api: Any, model: str) -> list[str]:
    base = f"/api/v1/{model}"
    return [
        _outcome(api.get(f"{base}?limit=1").status_code),
        _outcome(api.get(f"{base}/{MISSING}").status_code),
        _outcome(api.post(base, json={}).status_code),
        _outcome(api.patch(f"{base}/{MISSING}", json={}).status_code),
        _outcome(api.delete(f"{base}/{MISSING}").status_code),
    ]


def _ui_row(browser: Browser, url: str | None) -> list[str]:
    if url is None:
        return ["-"] * len(UI_OPS)
    return [
        _outcome(browser.get(f"/app/{url}").status_code),
        _outcome(browser.post(f"/app/{url}/new", {}).status_code),
        _outcome(browser.post(f"/app/{url}/{MISSING}", {}).status_code),
    ]


def _render(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _differences(expected: str, found: str) -> list[str]:
    def cells(text: str) -> dict[tuple[str, str], dict[str, str]]:
        return {(r["model"], r["group"]): r for r in csv.DictReader(io.StringIO(text))}

    old, new = cells(expected), cells(found)
    lines = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            lines.append(f"{key[0]} × {key[1]}: expected row, none found")
        elif key not in old:
            lines.append(f"{key[0]} × {key[1]}: new row {new[key]}")
        else:
            for column in COLUMNS[2:]:
                if old[key].get(column) != new[key].get(column):
                    lines.append(
                        f"{key[0]} × {key[1]} {column}: expected {old[key].get(column)},"
                        f" found {new[key].get(column)}"
                    )
    return lines


@pytest.mark.skipif(
    db_kind() != "sqlite",
    reason="the check point answers before the database is asked; the database side of"
    " access (record rules, allowed writes) runs on both in test_record_rules and"
    " test_permissions_matrix",
)
def test_every_model_group_and_operation_matches_the_matrix_file(make_instance: Any) -> None:
    from kernel import policy
    from kernel.addons.discovery import discover
    from kernel.web.introspect import collect_views

    if not set(ADDONS) <= set(discover()):
        pytest.skip("the built-in addons are not available")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # 5,000 request lines otherwise
    instance = make_instance(ADDONS)
    registry = instance.registry
    rules = policy.policies(registry)
    assert policy.undeclared(registry) == []
    views = collect_views(registry)
    screens = {model: view.url for model, view in views.items()}
    hidden = {model for model, view in views.items() if not view.api}
    models = sorted(registry.models)
    users: list[tuple[str, int]] = [("admin", SUPERUSER_ID)]
    for group in _groups(instance):
        login = "m_" + group.replace(".", "_")
        extra = [] if group == "kernel.group_user" else [group]
        users.append((group, make_user(instance, login, extra)))
    rows: list[list[str]] = []
    for group, uid in users:
        login = "admin" if uid == SUPERUSER_ID else "m_" + group.replace(".", "_")
        browser = Browser(instance, login)
        try:
            with api_client(instance, uid) as api:
                for model in models:
                    api_cells = ["-"] * len(API_OPS) if model in hidden else _api_row(api, model)
                    ui_cells = _ui_row(browser, screens.get(model))
                    describe = rules.of(model).describe()
                    rows.append([model, group, describe, *api_cells, *ui_cells])
        finally:
            browser.close()
    found = _render(rows)
    tried = sum(1 for row in rows for cell in row[3:] if cell != "-")
    print(f"permission matrix: {len(models)} models × {len(users)} groups, {tried} requests")
    if os.environ.get("SUANPAN_UPDATE_MATRIX"):
        MATRIX.write_text(found, encoding="utf-8")
    expected = MATRIX.read_text(encoding="utf-8") if MATRIX.exists() else ""
    problems = _differences(expected, found)
    assert not problems, (
        f"{len(problems)} answers differ from {MATRIX.name} (review, then regenerate with "
        "SUANPAN_UPDATE_MATRIX=1):\n" + "\n".join(problems[:60])
    )
