"""Record rules through every channel: two companies and own-documents salespeople.

A full instance holds documents of two companies (Alpha, the main one, and
Beta) and orders of two salespeople limited to their own documents. For each
bound user and each ruled model, the rows the user must not see are worked out
from the data itself (the row's company or salesperson), then every channel is
asked: the JSON API list, its total, its filters, a read, a write and a delete
of each hidden row, the screens' list, export, group-by, form and picker. The
test counts the hidden rows that leak (must be 0) and the visible rows that go
missing (must be 0 too: a rule that hides everything would pass the first count).
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import Browser, api_client
from sqlalchemy import select

from kernel.testing import make_user

ADDONS = ["sales_order", "stock", "purchase", "accounting", "reporting"]
PIVOTS = {
    "sale.order": "sales/orders",
    "purchase.order": "purchase/orders",
    "account.move": "accounting/entries",
}
COMPANY_MODELS = [
    "res.company",
    "sale.order",
    "sale.order.line",
    "purchase.order",
    "purchase.order.line",
    "stock.warehouse",
    "stock.location",
    "stock.picking",
    "stock.move",
    "account.journal",
    "account.move",
    "account.move.line",
]
MISSING = 2_147_483_000
OWN_MODELS = ["sale.order", "sale.order.line", "res.partner"]
MANAGERS = [
    "sales_order.group_manager",
    "stock.group_manager",
    "purchase.group_manager",
    "accounting.group_manager",
]


def _company_of(env: Any, model: str, row: Any) -> int | None:
    if model == "res.company":
        return int(row.id)
    for parent in ("order_id", "move_id", "picking_id"):
        if model.endswith(".line") and hasattr(row, parent):
            owner = env.get(model.rsplit(".", 1)[0], getattr(row, parent))
            return owner.company_id
    return row.company_id


def _owner_of(env: Any, model: str, row: Any) -> int | None:
    if model == "sale.order.line":
        return env.get("sale.order", row.order_id).salesperson_id
    return row.salesperson_id


def _build(make_instance: Any) -> dict[str, Any]:
    from addons.accounting.services.moves import create_move
    from addons.purchase.services.orders import create_order as create_purchase
    from addons.sales_order.services.orders import create_order
    from addons.stock.services import create_picking
    from addons.stock.services.locations import create_warehouse, warehouse_location

    instance = make_instance(ADDONS)
    users = {
        "alice": make_user(instance, "alice", ["sales_order.group_own"]),
        "bob": make_user(instance, "bob", ["sales_order.group_own"]),
        "boss": make_user(instance, "boss", ["sales_order.group_own", *MANAGERS]),
        "ua": make_user(instance, "ua", MANAGERS),
        "ub": make_user(instance, "ub", MANAGERS),
    }
    with instance.unit(None, su=True) as env:
        alpha = env.ref("base.main_company")
        beta = env["res.company"](name="Beta Trading Co.", currency_id=alpha.currency_id)
        env.session.add(beta)
        env.session.flush()
        Allowed = env["res.user.company"]
        env.session.add_all(
            [
                Allowed(user_id=users["ua"], company_id=alpha.id, current=True),
                Allowed(user_id=users["ub"], company_id=beta.id, current=True),
            ]
        )
        Partner = env["res.partner"]
        partners = {
            key: Partner(
                name=f"Customer of {key}",
                is_company=True,
                is_customer=True,
                is_supplier=True,
                salesperson_id=users.get(key),
            )
            for key in ("alice", "bob", "nobody")
        }
        env.session.add_all(partners.values())
        product = env["product.product"](
            name="Widget", type="stockable", uom_id=env.ref("base.uom_unit").id
        )
        env.session.add(product)
        env.session.flush()
        line = [{"product_id": product.id, "quantity": 2, "price_unit": Decimal("10")}]
        for company in (alpha, beta):
            for seller in ("alice", "bob"):
                create_order(
                    env,
                    partners[seller].id,
                    line,
                    company_id=company.id,
                    salesperson_id=users[seller],
                )
            create_purchase(
                env,
                partners["nobody"].id,
                [{"product_id": product.id, "quantity": 1}],
                company_id=company.id,
            )
        beta_wh = create_warehouse(env, "Beta warehouse", "BWH", beta.id)
        for company, stock in (
            (alpha, env.ref("stock.location_stock")),
            (beta, warehouse_location(env, beta_wh.id)),
        ):
            create_picking(
                env,
                "outgoing",
                stock.id,
                env.ref("stock.location_customers").id,
                [{"product_id": product.id, "quantity": Decimal(1)}],
                company_id=company.id,
            )
        Journal = env["account.journal"]
        alpha_journal = env.session.scalars(
            select(Journal).where(Journal.company_id == alpha.id)
        ).first()
        beta_journal = Journal(
            name="Beta misc",
            code="BMISC",
            type="general",
            company_id=beta.id,
            sequence_code=alpha_journal.sequence_code,
        )
        env.session.add(beta_journal)
        env.session.flush()
        account = env.session.scalars(select(env["account.account"])).first()
        for journal in (alpha_journal, beta_journal):
            create_move(
                env,
                journal,
                [
                    {"account_id": account.id, "debit": Decimal(5), "name": "d"},
                    {"account_id": account.id, "credit": Decimal(5), "name": "c"},
                ],
            )
        return {
            "instance": instance,
            "users": users,
            "alpha": alpha.id,
            "beta": beta.id,
            "partners": {k: (p.id, p.name) for k, p in partners.items()},
        }


def _expected(world: dict[str, Any], who: str) -> dict[str, tuple[set[int], set[int]]]:
    """(visible ids, hidden ids) per ruled model for user ``who``, from the data."""
    instance, users = world["instance"], world["users"]
    found: dict[str, tuple[set[int], set[int]]] = {}
    with instance.unit(None, su=True) as env:
        if who in ("ua", "ub"):
            mine = world["alpha"] if who == "ua" else world["beta"]
            for model in COMPANY_MODELS:
                rows = env.session.scalars(select(env[model])).all()
                visible = {r.id for r in rows if _company_of(env, model, r) in (mine, None)}
                found[model] = (visible, {r.id for r in rows} - visible)
        else:
            uid = users[who]
            for model in OWN_MODELS:
                rows = env.session.scalars(select(env[model])).all()
                shared = model == "res.partner"
                visible = {
                    r.id
                    for r in rows
                    if who == "boss"  # a manager: the rule does not bind
                    or _owner_of(env, model, r) == uid
                    or (shared and _owner_of(env, model, r) is None)
                }
                found[model] = (visible, {r.id for r in rows} - visible)
    return found


@pytest.fixture
def world(make_instance: Any) -> dict[str, Any]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return _build(make_instance)


def test_rules_hold_on_every_api_channel(world: dict[str, Any]) -> None:
    """List, total, filters, read, write and delete: 0 hidden rows leak, 0 visible rows go missing."""
    leaks: list[str] = []
    tried = 0
    for who in ("ua", "ub", "alice", "bob", "boss"):
        expected = _expected(world, who)
        with api_client(world["instance"], world["users"][who]) as api:
            for model, (visible, hidden) in expected.items():
                assert visible or who == "boss", f"{who} sees no {model}: the data is too thin"
                answer = api.get(f"/api/v1/{model}", params={"limit": 500})
                assert answer.status_code == 200, (who, model, answer.text)
                body = answer.json()
                listed = {item["id"] for item in body["items"]}
                tried += 2
                leaks += [f"{who} list {model} #{i}" for i in listed & hidden]
                leaks += [f"{who} list {model} misses #{i}" for i in visible - listed]
                if body["total"] != len(visible):
                    leaks.append(f"{who} total {model} {body['total']} != {len(visible)}")
                for key in ("company_id", "salesperson_id"):
                    if key in body["items"][0] if body["items"] else False:
                        for value in (world["beta"], world["alpha"], world["users"]["bob"]):
                            tried += 1
                            got = api.get(
                                f"/api/v1/{model}", params={f"filter[{key}]": value, "limit": 500}
                            ).json()
                            leaks += [
                                f"{who} filter {model} {key}={value} #{item['id']}"
                                for item in got["items"]
                                if item["id"] in hidden
                            ]
                if model in PIVOTS:  # reports: the pivot counts the visible rows only
                    tried += 1
                    pivot = api.get(f"/api/v1/reporting/pivot/{PIVOTS[model]}")
                    assert pivot.status_code == 200, (who, model, pivot.text)
                    if pivot.json()["record_count"] != len(visible):
                        leaks.append(f"{who} pivot {model} {pivot.json()['record_count']}")
                # a hidden row answers like a row that does not exist (404, or 403
                # when the user may not write the model at all)
                for method in ("get", "patch", "delete"):
                    kwargs = {"json": {}} if method == "patch" else {}
                    call = getattr(api, method)
                    absent = call(f"/api/v1/{model}/{MISSING}", **kwargs).status_code
                    assert absent in (403, 404), (who, method, model, absent)
                    for record_id in sorted(hidden):
                        tried += 1
                        status = call(f"/api/v1/{model}/{record_id}", **kwargs).status_code
                        if status != absent:
                            leaks.append(f"{who} {method} {model} #{record_id}: {status}")
    print(f"record rules, API: {tried} requests, {len(leaks)} leaks")
    assert leaks == []


def test_rules_hold_on_screens_exports_and_pickers(world: dict[str, Any]) -> None:
    """Lists, group-by, CSV export, forms and the many-to-one picker show only allowed rows."""
    instance, partners = world["instance"], world["partners"]
    leaks: list[str] = []
    screens = {"sale.order": "sales/orders", "purchase.order": "purchase/orders"}
    for who in ("ua", "ub", "alice", "bob"):
        expected = _expected(world, who)
        browser = Browser(instance, who)
        try:
            for model, url in screens.items():
                if model not in expected:
                    continue
                visible, hidden = expected[model]
                listing = browser.get(f"/app/{url}", params={"limit": 500})
                grouped = browser.get(f"/app/{url}", params={"group": "partner_id"})
                exported = browser.get(f"/app/{url}/export/csv")
                for page in (listing, grouped, exported):
                    assert page.status_code == 200, (who, url, page.status_code)
                leaks += [
                    f"{who} list {model} #{i}"
                    for i in hidden
                    if f'href="/app/{url}/{i}"' in listing.text
                ]
                leaks += [
                    f"{who} list {model} misses #{i}"
                    for i in visible
                    if f'href="/app/{url}/{i}"' not in listing.text
                ]
                counts = re.findall(
                    r'▸ [^<]*</a></td>\s*<td class="text-end">(\d+)</td>', grouped.text
                )
                if sum(int(c) for c in counts) != len(visible):
                    leaks.append(f"{who} group-by counts {model}: {counts} for {len(visible)}")
                rows = exported.text.strip().splitlines()[1:]
                if len(rows) != len(visible):
                    leaks.append(f"{who} csv {model}: {len(rows)} rows for {len(visible)}")
                for record_id in hidden:
                    status = browser.get(f"/app/{url}/{record_id}").status_code
                    if status != 404:
                        leaks.append(f"{who} form {model} #{record_id}: {status}")
            picker = browser.get("/app/_picker/res.partner", params={"q": "Customer of"}).text
            companies = browser.get("/app/_picker/res.company", params={"q": "Co"}).text
            if who == "alice":
                assert partners["alice"][1] in picker and partners["nobody"][1] in picker
                leaks += [f"alice picker {partners['bob'][1]}"] * (partners["bob"][1] in picker)
            if who == "ua":
                leaks += ["ua picker Beta"] * ("Beta Trading" in companies)
            if who == "ub":
                leaks += ["ub picker Alpha"] * (
                    any(f">{n}<" in companies for n in _alpha_name(instance))
                )
                assert "Beta Trading" in companies
        finally:
            browser.close()
    assert leaks == []


def _alpha_name(instance: Any) -> list[str]:
    with instance.unit(None, su=True) as env:
        return [env.ref("base.main_company").name]


def test_writes_cannot_leave_the_rules(world: dict[str, Any]) -> None:
    """Moving a document to another company or salesperson, or creating one there, is a 403."""
    users, partners = world["users"], world["partners"]
    expected_ua = _expected(world, "ua")
    expected_alice = _expected(world, "alice")
    with api_client(world["instance"], users["ua"]) as api:
        mine = min(expected_ua["sale.order"][0])
        moved = api.patch(f"/api/v1/sale.order/{mine}", json={"company_id": world["beta"]})
        assert moved.status_code in (403, 422), moved.text
        assert "company" in moved.json()["detail"]
        created = api.post(
            "/api/v1/sale.order",
            json={"partner_id": partners["nobody"][0], "company_id": world["beta"]},
        )
        assert created.status_code == 422, created.text  # the company field is named
        assert created.json()["fields"]["company_id"]
        # the current company is the default: a new order lands in Alpha, visible
        fresh = api.post("/api/v1/sale.order", json={"partner_id": partners["nobody"][0]})
        assert fresh.status_code == 201, fresh.text
        assert fresh.json()["company_id"] == world["alpha"]
    with api_client(world["instance"], users["alice"]) as api:
        mine = min(expected_alice["sale.order"][0])
        handed = api.patch(f"/api/v1/sale.order/{mine}", json={"salesperson_id": users["bob"]})
        assert handed.status_code == 403, handed.text
        own = api.post("/api/v1/sale.order", json={"partner_id": partners["alice"][0]})
        assert own.status_code == 201, own.text
        assert own.json()["salesperson_id"] == users["alice"]


def test_one_criterion_per_query_and_services_see_what_the_user_sees(
    world: dict[str, Any],
) -> None:
    """Rules add a condition, not statements: listing lines through a many-to-one rule is one
    SELECT however many rows; service code running as the user reads only allowed rows."""
    from addons.stock.services.quants import lock_quants
    from kernel.testing import StatementCounter

    instance, users = world["instance"], world["users"]
    expected = _expected(world, "ub")
    with instance.unit(users["ub"]) as env:
        env.can("sale.order.line", "read")  # the first unit of a user reads groups and companies
    with instance.unit(users["ub"]) as env:
        Line = env["sale.order.line"]
        with StatementCounter(instance.engine) as counter:
            ids = {line.id for line in env.session.scalars(select(Line))}
        assert counter.count == 1
        assert ids == expected["sale.order.line"][0]
        Location = env["stock.location"]
        locations = list(env.session.scalars(select(Location.id)))
        assert set(locations) == expected["stock.location"][0]
    # a stock service run as the user locks only quants of its company's locations
    from addons.stock.services.quants import ensure_quants

    with instance.unit(None, su=True) as su:
        product = su.session.scalar(select(su["product.product"].id))
        everywhere = list(su.session.scalars(select(su["stock.location"].id)))
        ensure_quants(su, [(product, loc, None) for loc in everywhere])
    with instance.unit(users["ub"]) as env:
        quants = lock_quants(env, [product], everywhere)
        assert quants
        assert {q.location_id for q in quants} <= expected["stock.location"][0]
        assert len(quants) < len(everywhere)
