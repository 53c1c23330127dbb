"""The kernel's own models: addons, ownership, users and groups, access rights,
sequences, settings, workflow history and milestones, the outbox.

They are composed into every instance like an addon's models (the pseudo-addon
``kernel``), so addons can extend them too — e.g. ``base`` adds a company to users.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel.fields import UTCDateTime, info, utcnow
from kernel.i18n import _
from kernel.models import many2one, model


@model("ir.addon", _("Installed addon"), order="sequence")
class AddonState:
    """One row per installed addon: which version, when, by whom."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Name")))
    version: Mapped[str] = mapped_column(String(32), info=info(_("Version")))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    installed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Installed at"))
    )
    installed_by: Mapped[str] = mapped_column(String(64), default="", info=info(_("Installed by")))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


@model("ir.setting", _("Setting"), rec_name="key")
class Setting:
    """Instance settings (company name, currency, language, timezone, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True, info=info(_("Key")))
    value: Mapped[Any] = mapped_column(JSON, info=info(_("Value")))


@model("ir.model.data", _("Owned record"), rec_name="xmlid")
class ModelData:
    """A record created by an addon's data file, by its external id (``addon.name``)."""

    __table_args__ = (UniqueConstraint("addon", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    addon: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128))
    model: Mapped[str] = mapped_column(String(64))
    res_id: Mapped[int] = mapped_column(Integer)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def xmlid(self) -> str:
        return f"{self.addon}.{self.name}"


@model("ir.schema.owner", _("Schema ownership"))
class SchemaOwner:
    """A table or column created by an addon; uninstall removes exactly these."""

    __table_args__ = (UniqueConstraint("table_name", "column_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    addon: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "table" | "column"
    table_name: Mapped[str] = mapped_column(String(128))
    column_name: Mapped[str] = mapped_column(String(128), default="")


@model("res.group", _("Group"), rec_name="full_name", cached=True)
class Group:
    """A role; addons declare groups in data files (``Sales / Manager``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    xmlid: Mapped[str] = mapped_column(String(128), unique=True, info=info(_("External ID")))
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    category: Mapped[str] = mapped_column(String(64), default="", info=info(_("Application")))

    @property
    def full_name(self) -> str:
        """ "Inventory / Manager", each word translated by the catalog of the declaring addon."""
        from kernel.i18n import addon_gettext

        addon = self.xmlid.split(".", 1)[0]
        name = addon_gettext(self.name, addon)
        return f"{addon_gettext(self.category, addon)} / {name}" if self.category else name


@model("res.group.implied", _("Implied group"), cached=True)
class GroupImplied:
    """Membership of ``group`` implies membership of ``implied`` (Manager implies User)."""

    __table_args__ = (UniqueConstraint("group_id", "implied_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("res_group.id", ondelete="CASCADE"), index=True
    )
    implied_id: Mapped[int] = mapped_column(
        ForeignKey("res_group.id", ondelete="CASCADE"), index=True
    )


@model("res.user", _("User"), rec_name="name", order="login")
class User:
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Login")))
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    email: Mapped[str] = mapped_column(String(254), default="", info=info(_("E-mail")))
    lang: Mapped[str] = mapped_column(
        String(16),
        default="en",
        info=info(
            _("Language"), selection=[("en", _("English")), ("zh_CN", _("Simplified Chinese"))]
        ),
    )
    tz: Mapped[str] = mapped_column(String(64), default="UTC", info=info(_("Time zone")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))
    password_hash: Mapped[str] = mapped_column(
        String(255), default="", info=info(_("Password"), hidden=True)
    )
    is_superuser: Mapped[bool] = mapped_column(
        Boolean, default=False, info=info(_("Administrator"))
    )
    locked_until: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Locked until"), readonly=True)
    )


@model("res.user.group", _("Group membership"))
class UserGroup:
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("res_user.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("res_group.id", ondelete="CASCADE"), index=True
    )


@model("res.user.company", _("Allowed company"))
class UserCompany:
    """A company the user works in; ``current`` marks the one new documents default to.

    A user without rows is bound to no company (a single-company instance needs
    none). ``company_id`` is a plain integer: companies are defined by an addon
    (``base``), which the kernel does not import.
    """

    __table_args__ = (UniqueConstraint("user_id", "company_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("res_user.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(Integer, index=True, info=info(_("Company")))
    current: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Current")))


@model("ir.access", _("Access right"))
class Access:
    """Which group may read/create/write/delete which model (declared by addons)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(64), index=True, info=info(_("Model")))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_group.id", ondelete="CASCADE"), nullable=True, info=info(_("Group"))
    )
    perm_read: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Read")))
    perm_create: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Create")))
    perm_write: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Write")))
    perm_delete: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Delete")))


@model("ir.sequence", _("Sequence"), rec_name="code", cached=True)
class Sequence:
    """A gapless numbering series: ``prefix`` may hold ``%(year)s``, ``%(month)s``."""

    __table_args__ = (UniqueConstraint("code", "company_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), info=info(_("Code")))
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Name")))
    company_id: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Company")))
    prefix: Mapped[str] = mapped_column(String(64), default="", info=info(_("Prefix")))
    suffix: Mapped[str] = mapped_column(String(64), default="", info=info(_("Suffix")))
    padding: Mapped[int] = mapped_column(Integer, default=5, info=info(_("Digits")))
    reset: Mapped[str] = mapped_column(
        String(8),
        default="year",
        info=info(
            _("Restart"),
            selection=[
                ("never", _("Never")),
                ("year", _("Every year")),
                ("month", _("Every month")),
            ],
        ),
    )


@model("ir.sequence.counter", _("Sequence counter"))
class SequenceCounter:
    """The next number of one sequence in one period; locked row-wise while drawing."""

    __table_args__ = (UniqueConstraint("sequence_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("ir_sequence.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    next_number: Mapped[int] = mapped_column(Integer, default=1)


@model("workflow.history", _("History"), order="-id")
class WorkflowHistory:
    """One row per workflow move or comment: the document's audit trail."""

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(64), index=True)
    res_id: Mapped[int] = mapped_column(Integer, index=True)
    addon: Mapped[str] = mapped_column(String(64), default="")
    transition: Mapped[str] = mapped_column(String(64), default="", info=info(_("Action")))
    from_state: Mapped[str] = mapped_column(String(32), default="", info=info(_("From")))
    to_state: Mapped[str] = mapped_column(String(32), default="", info=info(_("To")))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("User"))
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, info=info(_("When")))
    reason: Mapped[str] = mapped_column(Text, default="", info=info(_("Reason")))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("By the system")))

    @declared_attr
    def user(cls) -> Mapped[User | None]:
        relation: Mapped[User | None] = many2one(cls, "User", "user_id")
        return relation


@model("workflow.milestone", _("Milestone"))
class Milestone:
    """A node of a document's progress reported by an addon (stock: shipped)."""

    __table_args__ = (UniqueConstraint("model", "res_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(64))
    res_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(64))
    addon: Mapped[str] = mapped_column(String(64), index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


MAX_OUTBOX_ATTEMPTS = 8


@model("ir.outbox", _("Outbox message"), order="id")
class OutboxMessage:
    """A side effect to perform after commit; written in the business transaction."""

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True, info=info(_("Topic")))
    payload: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Created"))
    )
    sent_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Sent"))
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Attempts")))
    last_error: Mapped[str] = mapped_column(Text, default="", info=info(_("Last error")))
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True, info=info(_("Next attempt"))
    )
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    res_model: Mapped[str] = mapped_column(String(64), default="", info=info(_("Document type")))
    res_id: Mapped[int | None] = mapped_column(Integer, nullable=True, info=info(_("Document")))
    summary: Mapped[str] = mapped_column(String(255), default="", info=info(_("Summary")))

    @property
    def state(self) -> str:
        """``sent``, ``failed`` (gave up: an administrator must look) or ``pending``."""
        if self.sent_at is not None:
            return "sent"
        return "failed" if (self.attempts or 0) >= MAX_OUTBOX_ATTEMPTS else "pending"


CORE_MODELS: tuple[type, ...] = (
    AddonState,
    Setting,
    ModelData,
    SchemaOwner,
    Group,
    GroupImplied,
    User,
    UserGroup,
    UserCompany,
    Access,
    Sequence,
    SequenceCounter,
    WorkflowHistory,
    Milestone,
    OutboxMessage,
)
