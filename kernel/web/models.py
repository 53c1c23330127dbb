"""Kernel models behind the web host: sessions, sign-in attempts, API keys, attachments.

They live in the database, not in a worker's memory, so every worker of a
multi-worker server sees the same sessions, throttling counts and keys.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.fields import UTCDateTime, info, utcnow
from kernel.i18n import _
from kernel.models import model


@model("web.session", _("Web session"), rec_name="id")
class WebSession:
    """A signed-in browser session; the cookie holds only the random ``sid``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id", ondelete="CASCADE"), nullable=True, index=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    revoked: Mapped[bool] = mapped_column(default=False)


@model("web.login.attempt", _("Sign-in attempt"))
class LoginAttempt:
    """One failed sign-in, counted per login and per address for throttling."""

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


@model("res.user.apikey", _("API key"), rec_name="name")
class ApiKey:
    """A per-user bearer key; only a hash is stored, the key is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("res_user.id", ondelete="CASCADE"), index=True, info=info(_("User"))
    )
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Name")))
    prefix: Mapped[str] = mapped_column(String(16), index=True, info=info(_("Key starts with")))
    key_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Created"))
    )
    last_used_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Last used"))
    )
    revoked_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Revoked"))
    )


@model("web.api.usage", _("API key usage"), rec_name="key_id")
class ApiUsage:
    """Requests made with one API key in the current and the previous minute (rate limiting).

    One row per key, moved forward by a single upsert per request, so every
    worker counts against the same numbers (see :mod:`kernel.web.ratelimit`).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(
        ForeignKey("res_user_apikey.id", ondelete="CASCADE"), unique=True
    )
    minute: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)
    previous: Mapped[int] = mapped_column(Integer, default=0)


@model("ir.attachment", _("Attachment"), rec_name="filename", order="-id")
class Attachment:
    """A file attached to any record (``model`` + ``res_id``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(64), index=True, info=info(_("Attached to")))
    res_id: Mapped[int] = mapped_column(Integer, index=True, info=info(_("Record ID")))
    filename: Mapped[str] = mapped_column(String(255), info=info(_("File name")))
    mimetype: Mapped[str] = mapped_column(
        String(128), default="application/octet-stream", info=info(_("Type"))
    )
    size: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Size")))
    content: Mapped[bytes] = mapped_column(LargeBinary, info=info(_("Content")))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Uploaded by"))
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Uploaded"))
    )


WEB_MODELS: tuple[type, ...] = (WebSession, LoginAttempt, ApiKey, ApiUsage, Attachment)
