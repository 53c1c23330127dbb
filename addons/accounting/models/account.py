"""``account.account``: one account of the chart (1122 应收账款)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from addons.accounting.models.selections import ACCOUNT_TYPES
from kernel import _, info, model
from kernel.errors import ValidationError


@model("account.account", _("Account"), rec_name="name", order="code", cached=True)
class Account:
    """An account; ``type`` drives the reports, ``reconcilable`` allows matching its lines."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, info=info(_("Code")))
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(128), default="", info=info(_("Chinese name")))
    type: Mapped[str] = mapped_column(
        String(24), index=True, info=info(_("Type"), selection=ACCOUNT_TYPES)
    )
    reconcilable: Mapped[bool] = mapped_column(Boolean, default=False, info=info(_("Reconcilable")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    def display_name(self, env: Any) -> str:
        """Code and name, the Chinese name for zh_CN readers (小企业会计准则 accounts carry both)."""
        name = self.name_zh if env.lang == "zh_CN" and self.name_zh else self.name
        return f"{self.code} {name}"

    def __validate__(self) -> None:
        if not (self.code or "").strip():
            raise ValidationError(_("Code: a value is required"), field="code")
        if self.type not in {key for key, _label in ACCOUNT_TYPES}:
            raise ValidationError(
                _("Type: %(value)s is not an account type", value=self.type), field="type"
            )
