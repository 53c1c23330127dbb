"""Which internal notifications a user wants (absent row = wanted)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.fields import info
from kernel.i18n import _
from kernel.models import model


@model("res.user.notification", _("Notification choice"), rec_name="event")
class NotificationChoice:
    __table_args__ = (UniqueConstraint("user_id", "event"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("res_user.id", ondelete="CASCADE"), index=True, info=info(_("User"))
    )
    event: Mapped[str] = mapped_column(String(64), info=info(_("Notification")))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Send it to me")))


MAIL_MODELS: tuple[type, ...] = (NotificationChoice,)
