"""Pytest fixtures for e-mail: a real SMTP server on loopback (aiosmtpd) and its inbox.

``smtp_inbox`` starts the server, points the instance's mail settings at it with
:func:`configure_smtp`, and collects every message received as
:class:`email.message.EmailMessage`. Nothing is mocked: the kernel speaks SMTP.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from kernel.instance import Instance


class Inbox:
    """What the test server received, in order."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def configure_smtp(instance: Instance, port: int, sender: str = "erp@example.com") -> None:
    from kernel.mail.smtp import save_settings

    with instance.unit(None, su=True) as env:
        save_settings(env, {"host": "127.0.0.1", "port": port, "sender": sender})


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """A running SMTP server on 127.0.0.1 and the messages it receives."""
    from aiosmtpd.controller import Controller

    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
