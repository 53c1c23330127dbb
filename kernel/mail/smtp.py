"""The instance's SMTP settings and the deliverer of ``mail`` outbox messages.

Settings live in ``ir.setting`` under ``mail.*``; the password is write-only:
:func:`public_settings` never returns it, only whether one is set.
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kernel.errors import ValidationError
from kernel.hookspecs import KernelHooks
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

TOPIC = "mail"
SECURITY = ("none", "starttls", "ssl")
KEYS = ("host", "port", "security", "user", "password", "sender")
TIMEOUT = 15


def settings(env: Env) -> dict[str, Any]:
    """Every mail setting, password included (for sending only)."""
    Setting = env["ir.setting"]
    rows = env.session.execute(
        select(Setting.key, Setting.value).where(Setting.key.in_([f"mail.{k}" for k in KEYS]))
    ).all()
    found = {key.removeprefix("mail."): value for key, value in rows}
    found.setdefault("port", 25)
    found.setdefault("security", "none")
    return found


def public_settings(env: Env) -> dict[str, Any]:
    """What a settings screen or the API may show: never the password itself."""
    found = settings(env)
    return {
        "host": found.get("host") or "",
        "port": int(found.get("port") or 25),
        "security": found.get("security") or "none",
        "user": found.get("user") or "",
        "sender": found.get("sender") or "",
        "password_set": bool(found.get("password")),
    }


def save_settings(env: Env, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and store; an empty or missing password keeps the stored one."""
    clean: dict[str, Any] = {}
    host = str(values.get("host") or "").strip()
    if len(host) > 253 or not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]*", host):
        raise ValidationError(_("not a host name or address"), field="host")
    clean["host"] = host
    try:
        port = int(values.get("port") or 25)
    except (TypeError, ValueError):
        port = -1
    if not 1 <= port <= 65535:
        raise ValidationError(_("the port must be a number from 1 to 65535"), field="port")
    clean["port"] = port
    security = str(values.get("security") or "none")
    if security not in SECURITY:
        raise ValidationError(
            _("security must be one of %(choices)s", choices=", ".join(SECURITY)), field="security"
        )
    clean["security"] = security
    clean["user"] = str(values.get("user") or "").strip()[:254]
    sender = str(values.get("sender") or "").strip()
    if sender and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", sender):
        raise ValidationError(_("not an e-mail address"), field="sender")
    clean["sender"] = sender
    password = values.get("password")
    if password:
        clean["password"] = str(password)
    Setting = env["ir.setting"]
    existing = {
        row.key: row
        for row in env.session.scalars(
            select(Setting).where(Setting.key.in_([f"mail.{k}" for k in clean]))
        )
    }
    for key, value in clean.items():
        row = existing.get(f"mail.{key}")
        if row is None:
            env.session.add(Setting(key=f"mail.{key}", value=value))
        else:
            row.value = value
    env.session.flush()
    return public_settings(env)


def build_message(conf: dict[str, Any], payload: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    sender = conf.get("sender") or f"suanpan@{conf.get('host') or 'localhost'}"
    message["From"] = formataddr((payload.get("from_name") or "", sender))
    message["To"] = formataddr((payload.get("to_name") or "", payload["to"]))
    message["Subject"] = payload["subject"]
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(payload.get("text") or "")
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    for item in payload.get("files", []):
        maintype, _slash, subtype = str(item.get("mimetype") or "application/pdf").partition("/")
        message.add_attachment(
            base64.b64decode(item["data"]),
            maintype=maintype,
            subtype=subtype,
            filename=item["filename"],
        )
    # after the parts: adding them rewrites the Content-* headers
    message["Content-Language"] = str(payload.get("lang") or "en").replace("_", "-")
    return message


def send(conf: dict[str, Any], message: EmailMessage) -> None:
    """One SMTP conversation; any failure raises (the outbox keeps the message pending)."""
    host = conf.get("host")
    if not host:
        raise ConnectionError("no SMTP server is configured (Settings → E-mail)")
    port = int(conf.get("port") or 25)
    security = conf.get("security") or "none"
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if conf.get("user"):
            smtp.login(conf["user"], conf.get("password") or "")
        smtp.send_message(message)


def deliver(env: Env, payload: dict[str, Any]) -> None:
    """Send a ``mail`` message and write it on the document's history, in the same unit."""
    files = []
    for ref in payload.get("attachments", []):
        found = KernelHooks(env).mail_attachment(env=env, kind=ref["kind"], res_id=ref["id"])
        if found is None:
            raise LookupError(f"no addon renders attachment {ref['kind']}")
        filename, data, mimetype = found
        files.append(
            {
                "filename": filename,
                "data": base64.b64encode(data).decode(),
                "mimetype": mimetype,
            }
        )
    send(settings(env), build_message(settings(env), {**payload, "files": files}))
    if payload.get("res_model") and payload.get("res_id"):
        History = env["workflow.history"]
        env.session.add(
            History(
                model=payload["res_model"],
                res_id=int(payload["res_id"]),
                addon="kernel",
                transition="mail",
                reason=f"✉ {payload['to']}: {payload['subject']}",
                automatic=True,
            )
        )
