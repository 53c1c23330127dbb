"""Delivering side effects after commit.

Business code writes messages with ``env.outbox(topic, payload)`` inside its
transaction; they exist only if it commits, and a retried transaction writes them
once. Delivery runs after commit, one message per small transaction, locking the
row (``SKIP LOCKED`` on PostgreSQL) so two workers never send the same message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from kernel.fields import utcnow

if TYPE_CHECKING:
    from kernel.instance import Instance

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def deliver_pending(instance: Instance, limit: int = 100) -> int:
    sent = 0
    for _i in range(limit):
        with instance.unit(None, su=True) as env:
            Outbox = env["ir.outbox"]
            query = (
                select(Outbox)
                .where(Outbox.sent_at.is_(None), Outbox.attempts < MAX_ATTEMPTS)
                .order_by(Outbox.id)
                .limit(1)
            )
            if instance.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            message = env.session.scalar(query)
            if message is None:
                return sent
            message.attempts += 1
            try:
                handled = env.hook.deliver_outbox_message(
                    env=env, topic=message.topic, payload=message.payload
                )
            except Exception as exc:  # a failed delivery stays pending, with its reason
                log.warning("outbox message %s failed: %s", message.id, exc)
                message.last_error = str(exc)[:2000]
                continue
            if handled:
                message.sent_at = utcnow()
                sent += 1
            else:
                message.last_error = "no deliverer for this topic"
                message.attempts = MAX_ATTEMPTS
    return sent
