"""E-mail over a real SMTP server on loopback (aiosmtpd): content, language, attachment,
a server that is down, and recovery with the message sent exactly once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from kernel.fields import utcnow
from kernel.mail.notify import Recipient, notify, staff
from kernel.mail.smtp import public_settings, save_settings
from kernel.outbox import deliver_pending
from kernel.testing import make_user
from tests.kernel.fixture_paths import ADDONS


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def chores(make_instance: Any, smtp_port: int) -> Any:
    instance = make_instance(["chores"], addons_path=[ADDONS])
    instance.background_delivery = True  # the test drains the outbox itself
    with instance.unit(None, su=True) as env:
        save_settings(
            env,
            {
                "host": "127.0.0.1",
                "port": smtp_port,
                "sender": "erp@example.com",
                "password": "s3cret",
            },
        )
    return instance


def queue(instance: Any, lang: str = "zh_CN", attach: bool = True) -> int:
    with instance.unit(None, su=True) as env:
        record = env["res.user"](login=f"doc{lang}", name="文档 Doc <1>", email="")
        env.session.add(record)
        env.session.flush()
        notify(
            env,
            "chore_done",
            record,
            [Recipient("li@example.com", "李雷", lang)],
            context={"note": "a<b"},
            attachments=[("chores.report", 7)] if attach else [],
        )
        return int(record.id)


def history(instance: Any, record_id: int) -> list[str]:
    with instance.unit(None, su=True, readonly=True) as env:
        H = env["workflow.history"]
        return list(
            env.session.scalars(
                select(H.reason).where(H.model == "res.user", H.res_id == record_id)
            )
        )


def test_message_arrives_in_the_recipients_language_with_its_attachment(
    chores: Any, inbox: Inbox
) -> None:
    record_id = queue(chores, "zh_CN")
    assert deliver_pending(chores) == 1
    [message] = inbox.messages
    assert message["Subject"] == "成功: 文档 Doc <1>"
    assert message["To"] == "李雷 <li@example.com>" and "erp@example.com" in message["From"]
    assert message["Content-Language"] == "zh-CN"
    html = message.get_body(("html",)).get_content()
    assert "成功" in html and "a&lt;b" in html and "&lt;1&gt;" in html  # autoescaped
    text = message.get_body(("plain",)).get_content()
    assert "李雷" in text and "<p>" not in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "report-7.pdf"
    assert attachment.get_content().startswith(b"%PDF-1.4 chores report 7")
    assert history(chores, record_id) == ["✉ li@example.com: 成功: 文档 Doc <1>"]
    queue(chores, "en", attach=False)
    deliver_pending(chores)
    assert inbox.messages[1]["Subject"] == "Succeeded: 文档 Doc <1>"


def test_a_server_that_is_down_leaves_the_message_pending_then_sends_it_once(
    chores: Any, smtp_port: int
) -> None:
    record_id = queue(chores)
    assert deliver_pending(chores) == 0  # nobody listens on the port yet
    with chores.unit(None, su=True, readonly=True) as env:
        message = env.session.scalars(select(env["ir.outbox"])).one()
        assert message.state == "pending" and message.attempts == 1
        assert "ConnectionRefused" in message.last_error
        assert message.summary.endswith("→ li@example.com")
    assert history(chores, record_id) == []
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert deliver_pending(chores) == 0  # it waits for its next attempt
        later = utcnow() + dt.timedelta(minutes=5)
        assert deliver_pending(chores, now=later) == 1
        assert deliver_pending(chores, now=later + dt.timedelta(hours=3)) == 0
    finally:
        controller.stop()
    assert len(box.messages) == 1
    assert len(history(chores, record_id)) == 1


def test_settings_never_show_the_password_back(chores: Any) -> None:
    with chores.unit(None, su=True) as env:
        shown = public_settings(env)
        assert shown["password_set"] is True and "s3cret" not in str(shown)
        save_settings(env, {**shown, "password": ""})  # an empty field keeps the password
        assert env.setting("mail.password") == "s3cret"
        from kernel.errors import ValidationError

        with pytest.raises(ValidationError) as err:
            save_settings(env, {**shown, "port": "99999"})
        assert list(err.value.fields) == ["port"]


def test_staff_who_opted_out_are_not_notified(chores: Any) -> None:
    make_user(chores, "boss", ["kernel.group_admin"])
    make_user(chores, "deputy", ["kernel.group_admin"], lang="zh_CN")
    make_user(chores, "clerk", [])
    with chores.unit(None, su=True) as env:
        User = env["res.user"]
        for user in env.session.scalars(
            select(User).where(User.login.in_(["boss", "deputy", "clerk"]))
        ):
            user.email = f"{user.login}@example.com"
        deputy = env.session.scalar(select(User.id).where(User.login == "deputy"))
        env.session.add(
            env["res.user.notification"](user_id=deputy, event="chores.done", enabled=False)
        )
    with chores.unit(None, su=True) as env:
        found = staff(env, "chores.done", "kernel.group_admin")
        assert [r.email for r in found] == ["boss@example.com"]
