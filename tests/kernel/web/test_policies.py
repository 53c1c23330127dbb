"""Issue 18, cases 1–4: the kernel's system models through the generic API.

A sales user, an accountant and the admin each use an API key, as in the
adversarial test that found these holes. Every refusal is checked against the
database afterwards: nothing changed.
"""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.webclient import api_client
from sqlalchemy import func, select

from kernel.env import SUPERUSER_ID
from kernel.testing import make_user


@pytest.fixture
def shop(make_instance: Any) -> Any:
    from kernel.addons.discovery import discover

    if not {"sales_order", "accounting"} <= set(discover()):
        pytest.skip("the sales_order and accounting addons are not available")
    instance = make_instance(["sales_order", "accounting"], demo=True)
    seller = make_user(instance, "seller", ["sales_order.group_user"])
    accountant = make_user(instance, "accountant", ["accounting.group_user"])
    return instance, seller, accountant


def _row(instance: Any, model: str, record_id: int) -> Any:
    with instance.unit(None, su=True) as env:
        record = env.session.get(env[model], record_id)
        env.session.expunge_all()
        return record


def _count(instance: Any, model: str, **where: Any) -> int:
    with instance.unit(None, su=True) as env:
        cls = env[model]
        stmt = select(func.count()).select_from(cls)
        for key, value in where.items():
            stmt = stmt.where(getattr(cls, key) == value)
        return int(env.session.scalar(stmt) or 0)


def test_case1_api_keys_stay_with_their_owner(shop: Any) -> None:
    instance, seller, accountant = shop
    with api_client(instance, seller) as api, api_client(instance, SUPERUSER_ID) as admin:
        mine = api.get("/api/v1/_account/api-keys").json()["items"]
        assert len(mine) == 1  # the key this client signs in with
        key_id = mine[0]["id"]
        for who in (api, admin):
            moved = who.patch(f"/api/v1/res.user.apikey/{key_id}", json={"user_id": SUPERUSER_ID})
            assert moved.status_code == 403, moved.text
            assert moved.headers["content-type"].startswith("application/problem+json")
        assert _row(instance, "res.user.apikey", key_id).user_id == seller
        # the escalations that followed in the report
        assert api.patch("/api/v1/ir.setting/1", json={"value": "x"}).status_code == 403
        granted = api.post("/api/v1/res.user.group", json={"user_id": seller, "group_id": 2})
        assert granted.status_code == 403
        assert _count(instance, "res.user.group", user_id=seller, group_id=2) == 0
        assert api.get("/api/v1/web.session").status_code == 403
        assert admin.get("/api/v1/web.session").status_code == 403
        # nobody creates or revokes keys through the generic API, not even the admin
        forged = admin.post("/api/v1/res.user.apikey", json={"user_id": seller, "prefix": "x"})
        assert forged.status_code == 403
        with api_client(instance, accountant) as other:
            theirs = other.get("/api/v1/_account/api-keys").json()["items"][0]["id"]
            revoked = api.patch(
                f"/api/v1/res.user.apikey/{theirs}", json={"revoked_at": "2026-01-01T00:00:00Z"}
            )
            assert revoked.status_code == 403
            assert api.post(f"/api/v1/_account/api-keys/{theirs}/revoke").status_code == 404
            assert _row(instance, "res.user.apikey", theirs).revoked_at is None
            assert other.get("/api/v1/_models").status_code == 200  # still works
        # the owner's own endpoint: created (shown once), listed, revoked
        created = api.post("/api/v1/_account/api-keys", json={"name": "robot"})
        assert created.status_code == 201, created.text
        assert created.json()["key"].startswith("sp_")
        listed = api.get("/api/v1/_account/api-keys").json()["items"]
        assert [k["name"] for k in listed][:1] == ["robot"] and "key" not in listed[0]
        new_id = created.json()["id"]
        assert api.post(f"/api/v1/_account/api-keys/{new_id}/revoke").json()["revoked_at"]
        nameless = api.post("/api/v1/_account/api-keys", json={})
        assert nameless.status_code == 422 and "name" in nameless.json()["fields"]


def test_case2_counters_move_only_by_drawing(shop: Any) -> None:
    instance, seller, _accountant = shop
    with instance.unit(None, su=True) as env:
        first = env.next_number("sale.order")
        counter = env.session.scalars(select(env["ir.sequence.counter"])).first()
        counter_id, before = counter.id, counter.next_number
    with api_client(instance, seller) as api, api_client(instance, SUPERUSER_ID) as admin:
        for who in (api, admin):
            rewound = who.patch(
                f"/api/v1/ir.sequence.counter/{counter_id}", json={"next_number": 1}
            )
            assert rewound.status_code == 403, rewound.text
            assert who.delete(f"/api/v1/ir.sequence.counter/{counter_id}").status_code == 403
        assert api.get(f"/api/v1/ir.sequence.counter/{counter_id}").status_code == 403
        assert admin.get(f"/api/v1/ir.sequence.counter/{counter_id}").status_code == 200
    assert _row(instance, "ir.sequence.counter", counter_id).next_number == before
    with instance.unit(seller) as env:
        second = env.next_number("sale.order")
    assert second != first and second > first


def _move_with_attachment(instance: Any) -> tuple[int, int]:
    with instance.unit(None, su=True) as env:
        move = env.session.scalars(select(env["account.move"])).first()
        assert move is not None, "demo data has journal entries"
        Attachment = env["ir.attachment"]
        row = Attachment(
            model="account.move", res_id=move.id, filename="bank.pdf", content=b"%PDF", size=4
        )
        env.session.add(row)
        env.session.flush()
        return move.id, row.id


def test_case3_attachments_follow_their_record(shop: Any) -> None:
    from fixtures.webclient import Browser

    instance, seller, accountant = shop
    move_id, attachment_id = _move_with_attachment(instance)
    with instance.unit(None, su=True) as env:
        order_id = env.session.scalars(select(env["sale.order"].id)).first()
    with api_client(instance, seller) as api:
        assert api.get(f"/api/v1/account.move/{move_id}").status_code == 403
        listed = api.get("/api/v1/ir.attachment?filter[model]=account.move")
        assert listed.status_code == 200 and listed.json()["total"] == 0
        assert api.get(f"/api/v1/ir.attachment/{attachment_id}").status_code == 404
        renamed = api.patch(f"/api/v1/ir.attachment/{attachment_id}", json={"filename": "x.pdf"})
        assert renamed.status_code == 404
        moved = api.patch(
            f"/api/v1/ir.attachment/{attachment_id}",
            json={"model": "sale.order", "res_id": order_id},
        )
        assert moved.status_code == 404
        assert api.delete(f"/api/v1/ir.attachment/{attachment_id}").status_code == 404
        # attaching to a record one cannot change is refused too
        smuggled = api.post(
            "/api/v1/ir.attachment",
            json={"model": "account.move", "res_id": move_id, "filename": "a.pdf"},
        )
        assert smuggled.status_code in (403, 422)
    row = _row(instance, "ir.attachment", attachment_id)
    assert (row.model, row.res_id, row.filename) == ("account.move", move_id, "bank.pdf")
    browser = Browser(instance, "seller")
    try:
        assert browser.get(f"/app/_attachment/{attachment_id}").status_code == 404
    finally:
        browser.close()
    # the accountant may read and rename it, but not re-point it to another record
    with api_client(instance, accountant) as api:
        assert api.get(f"/api/v1/ir.attachment/{attachment_id}").status_code == 200
        ok = api.patch(f"/api/v1/ir.attachment/{attachment_id}", json={"filename": "bank-1.pdf"})
        assert ok.status_code == 200, ok.text
        moved = api.patch(f"/api/v1/ir.attachment/{attachment_id}", json={"res_id": move_id + 1})
        assert moved.status_code == 422 and "res_id" in moved.json()["fields"], moved.text
    assert _row(instance, "ir.attachment", attachment_id).res_id == move_id


def test_attachment_created_without_a_field_is_a_422_naming_it(shop: Any) -> None:
    instance, seller, _accountant = shop
    with instance.unit(None, su=True) as env:
        order_id = env.session.scalars(select(env["sale.order"].id)).first()
    with api_client(instance, seller) as api:
        missing = api.post("/api/v1/ir.attachment", json={"filename": "a.pdf"})
        assert missing.status_code == 422, missing.text
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert {"model", "res_id", "content"} <= set(missing.json()["fields"])
        no_content = api.post(
            "/api/v1/ir.attachment",
            json={"model": "sale.order", "res_id": order_id, "filename": "a.pdf"},
        )
        assert no_content.status_code == 422 and "content" in no_content.json()["fields"]


def test_case4_history_milestones_outbox_are_written_by_the_kernel_only(shop: Any) -> None:
    instance, seller, _accountant = shop
    with instance.unit(None, su=True) as env:
        milestone = env.session.scalars(
            select(env["workflow.milestone"]).where(env["workflow.milestone"].done_at.is_(None))
        ).first()
    history_before = _count(instance, "workflow.history")
    outbox_before = _count(instance, "ir.outbox")
    with api_client(instance, seller) as api, api_client(instance, SUPERUSER_ID) as admin:
        for who in (api, admin):
            forged = who.post(
                "/api/v1/workflow.history",
                json={"model": "sale.order", "res_id": 1, "user_id": 1, "transition": "approve"},
            )
            assert forged.status_code == 403, forged.text
            posted = who.post("/api/v1/ir.outbox", json={"topic": "mail", "payload": {"to": "x"}})
            assert posted.status_code == 403
            if milestone is not None:
                done = who.patch(
                    f"/api/v1/workflow.milestone/{milestone.id}",
                    json={"done_at": "2026-01-01T00:00:00Z"},
                )
                assert done.status_code == 403
        assert _count(instance, "workflow.history") == history_before
        assert _count(instance, "ir.outbox") == outbox_before
        if milestone is not None:
            assert _row(instance, "workflow.milestone", milestone.id).done_at is None
        # the engine still writes history for the same user's own workflow moves
        partner = api.get("/api/v1/res.partner?filter[is_customer]=true&limit=1").json()
        product = api.get("/api/v1/product.product?filter[sale_ok]=true&limit=1").json()
        order = api.post(
            "/api/v1/sale.order",
            json={
                "partner_id": partner["items"][0]["id"],
                "lines": [{"product_id": product["items"][0]["id"], "quantity": "1"}],
            },
        ).json()
        submitted = api.post(f"/api/v1/sale.order/{order['id']}/actions/submit")
        assert submitted.status_code == 200, submitted.text
        history = api.get(f"/api/v1/sale.order/{order['id']}/history").json()["items"]
        assert history[0]["action"] == "submit" and history[0]["user_id"] == seller
        assert len(history) > 1  # auto-approval and milestones, written by the engine
