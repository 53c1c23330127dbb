"""Delivering side effects after commit, with claims, backoff and a visible give-up.

Business code writes messages with ``env.outbox(topic, payload)`` inside its
transaction; they exist only if it commits, and a retried transaction writes them
once. The job runner (in-process on SQLite, ``suanpan worker`` on PostgreSQL)
drains them: a short transaction claims one message (``SKIP LOCKED`` on
PostgreSQL, so workers never take the same one), then the
``deliver_outbox_message`` hook sends it inside a unit that also marks it sent —
whatever the deliverer records (the document's history) commits with that mark.
A failure leaves the message pending with its reason and the time of the next
attempt, doubling each time; after ``MAX_OUTBOX_ATTEMPTS`` it stays ``failed``
for an administrator to see and retry, never retried forever.

Delivery is at-least-once: a worker killed between the SMTP server's "OK" and the
commit sends that message again; every other failure sends it once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from kernel.fields import utcnow
from kernel.hookspecs import KernelHooks
from kernel.mail.smtp import TOPIC as MAIL_TOPIC
from kernel.models.core import MAX_OUTBOX_ATTEMPTS

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.instance import Instance

log = logging.getLogger(__name__)
MAX_ATTEMPTS = MAX_OUTBOX_ATTEMPTS
CLAIM_SECONDS = 300
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min, ... 1 h."""
    return dt.timedelta(
        seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def _claim(instance: Instance, moment: dt.datetime) -> tuple[int, str, dict[str, Any]] | None:
    """Take the oldest due message for ``CLAIM_SECONDS``; ``None`` when there is none."""
    with instance.unit(None, su=True) as env:
        Outbox = env["ir.outbox"]
        query = (
            select(Outbox)
            .where(
                Outbox.sent_at.is_(None),
                Outbox.attempts < MAX_ATTEMPTS,
                or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= moment),
                or_(Outbox.claimed_until.is_(None), Outbox.claimed_until <= moment),
            )
            .order_by(Outbox.id)
            .limit(1)
        )
        if not env.setting("mail.host"):  # e-mails wait, without using up attempts, for a server
            query = query.where(Outbox.topic != MAIL_TOPIC)
        if instance.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message = env.session.scalar(query)
        if message is None:
            return None
        message.attempts = (message.attempts or 0) + 1
        message.claimed_until = moment + dt.timedelta(seconds=CLAIM_SECONDS)
        return message.id, message.topic, dict(message.payload or {})


def _send(instance: Instance, message_id: int, topic: str, payload: dict[str, Any]) -> None:
    def body(env: Env) -> None:
        Outbox = env["ir.outbox"]
        message: Any = env.session.get(Outbox, message_id)
        handled: bool | None
        if topic == MAIL_TOPIC:
            from kernel.mail.smtp import deliver

            deliver(env, payload)
            handled = True
        else:
            handled = KernelHooks(env).deliver_outbox_message(env=env, topic=topic, payload=payload)
        if not handled:
            raise NoDeliverer("no deliverer for this topic")
        message.sent_at = utcnow()
        message.claimed_until = None
        message.last_error = ""

    instance.run(body, None, su=True)


class NoDeliverer(LookupError):
    """No installed addon handles the topic: waiting will not help, so the message is parked."""


def _failed(instance: Instance, message_id: int, exc: BaseException) -> None:
    with instance.unit(None, su=True) as env:
        message = env.session.get(env["ir.outbox"], message_id)
        if message is None:
            return
        message.claimed_until = None
        if isinstance(exc, NoDeliverer):
            message.last_error, message.attempts = str(exc), MAX_ATTEMPTS
            return
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.next_attempt_at = utcnow() + backoff(message.attempts or 1)


def deliver_pending(instance: Instance, limit: int = 100, now: dt.datetime | None = None) -> int:
    """Send up to ``limit`` due messages, one small transaction each; returns how many were sent."""
    sent = 0
    for _i in range(limit):
        claimed = _claim(instance, now or utcnow())
        if claimed is None:
            break
        message_id, topic, payload = claimed
        try:
            _send(instance, message_id, topic, payload)
        except Exception as exc:  # a failed delivery stays pending, with its reason
            log.warning("outbox message %s (%s) failed: %s", message_id, topic, exc)
            _failed(instance, message_id, exc)
            continue
        sent += 1
    return sent


def retry(instance: Instance, message_id: int) -> None:
    """An administrator's "try again": a failed message gets its attempts back."""
    with instance.unit(None, su=True) as env:
        message = env.session.get(env["ir.outbox"], message_id)
        if message is not None and message.sent_at is None:
            message.attempts, message.next_attempt_at, message.claimed_until = 0, None, None
