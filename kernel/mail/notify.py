"""Queueing notifications: render per recipient language, write one outbox message each."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from sqlalchemy import select

from kernel import i18n
from kernel.caches import Slot
from kernel.mail.smtp import TOPIC

if TYPE_CHECKING:
    from jinja2 import Environment

    from kernel.env import Env
    from kernel.instance import Instance


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    lang: str = "en"


#: the instance's mail template environment (kept with the instance: a table by
#: ``id()`` kept every instance of a process alive)
MAIL_JINJA: Slot[Environment | None] = Slot("kernel.mail.jinja", lambda: None)


def _environment(instance: Instance) -> Environment:
    found = instance.cache.peek(MAIL_JINJA)
    if found is None:
        from kernel.web.templating import make_environment

        found = make_environment(instance)
        instance.cache.set(MAIL_JINJA, found)
    return found


def render(env: Env, template: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, HTML and plain text of ``mail/<template>.html`` in ``lang``."""
    jinja = _environment(env.instance)
    with i18n.use_locale(lang):
        tmpl = jinja.get_template(f"mail/{template}.html")
        ctx = tmpl.new_context({**context, "lang": lang})
        subject = " ".join(Markup("".join(tmpl.blocks["subject"](ctx))).striptags().split())
        html = "".join(tmpl.blocks["body"](tmpl.new_context({**context, "lang": lang})))
    text = re.sub(
        r"[ \t]+", " ", re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>|</p>|</tr>", "\n", html))
    )
    text = "\n".join(html_module.unescape(line.strip()) for line in text.splitlines()).strip()
    return subject, html, re.sub(r"\n{3,}", "\n\n", text)


def notify(
    env: Env,
    template: str,
    record: Any,
    recipients: Iterable[Recipient],
    *,
    context: dict[str, Any] | None = None,
    attachments: Iterable[tuple[str, int]] = (),
    event: str = "",
) -> int:
    """Queue ``template`` about ``record`` to each recipient; returns how many were queued.

    ``attachments``: ``(kind, id)`` pairs an addon renders at sending time through
    the ``mail_attachment`` hook (an invoice's PDF), so queuing stays cheap.
    """
    queued = 0
    files = [{"kind": kind, "id": res_id} for kind, res_id in attachments]
    seen: set[str] = set()
    for person in recipients:
        if not person.email or person.email.lower() in seen:
            continue
        seen.add(person.email.lower())
        subject, html, text = render(
            env, template, person.lang, {"record": record, "recipient": person, **(context or {})}
        )
        env.outbox(
            TOPIC,
            {
                "event": event or template,
                "to": person.email,
                "to_name": person.name,
                "lang": person.lang,
                "subject": subject,
                "html": html,
                "text": text,
                "attachments": files,
                "res_model": getattr(record, "__model_name__", ""),
                "res_id": getattr(record, "id", None),
            },
            record=record,
            summary=f"{subject} → {person.email}",
        )
        queued += 1
    return queued


def staff(env: Env, event: str, group: str) -> list[Recipient]:
    """Active users of ``group`` (implied groups included) with an e-mail who did not opt out.

    Read once per security stamp: users, groups and notification choices all bump
    it when they change, and every submitted order asks the same question.
    """
    from kernel.caches import memoized

    return list(memoized(env, ("staff", event, group), lambda: tuple(_staff(env, event, group))))


def _staff(env: Env, event: str, group: str) -> list[Recipient]:
    User, Group, Member = env["res.user"], env["res.group"], env["res.user.group"]
    Implied, Choice = env["res.group.implied"], env["res.user.notification"]
    with env.sudo("whom to notify is not limited by the acting user's rights"):
        target = env.session.scalar(select(Group.id).where(Group.xmlid == group))
        if target is None:
            return []
        groups = {target}
        frontier = {target}
        while frontier:  # groups that imply the target (a manager is also notified)
            frontier = (
                set(
                    env.session.scalars(
                        select(Implied.group_id).where(Implied.implied_id.in_(frontier))
                    )
                )
                - groups
            )
            groups |= frontier
        opted_out = select(Choice.user_id).where(Choice.event == event, Choice.enabled.is_(False))
        rows = env.session.execute(
            select(User.email, User.name, User.lang)
            .join(Member, Member.user_id == User.id)
            .where(
                Member.group_id.in_(groups),
                User.active.is_(True),
                User.email != "",
                User.id.not_in(opted_out),
            )
            .distinct()
        ).all()
    return [Recipient(str(e), str(n), str(lang or "en")) for e, n, lang in rows]


def partner(record: Any, fallback_lang: str = "en") -> list[Recipient]:
    """The customer or supplier ``record`` (a partner), when it has an e-mail."""
    email = getattr(record, "email", "") or ""
    if not email:
        return []
    return [Recipient(email, record.name or "", getattr(record, "lang", None) or fallback_lang)]
