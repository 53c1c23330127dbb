"""``account.journal``: a book of entries (sales, purchases, bank …) with its own numbering."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.accounting.models.selections import JOURNAL_TYPES
from kernel import _, info, many2one, model


@model("account.journal", _("Journal"), rec_name="name", order="code", cached=True)
class Journal:
    """Entries of a journal are numbered by the gapless sequence ``sequence_code`` per year."""

    __table_args__ = (UniqueConstraint("company_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), info=info(_("Short code")))
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    type: Mapped[str] = mapped_column(
        String(16), index=True, info=info(_("Type"), selection=JOURNAL_TYPES)
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"), index=True, info=info(_("Company"))
    )
    default_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"),
        nullable=True,
        info=info(_("Default account"), _("Bank/cash account of payments; revenue of invoices")),
    )
    sequence_code: Mapped[str] = mapped_column(
        String(64), info=info(_("Numbering sequence"), readonly=True, computed=True)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    def __on_create__(self, env: Any) -> None:
        """A journal made on a form or through the API gets its own yearly series ``CODE/2026/00001``."""
        if self.sequence_code:
            return
        from kernel.sequence import ensure_sequence

        code = f"account.journal.{self.code}"
        ensure_sequence(
            env,
            code,
            name=self.name,
            prefix=f"{self.code}/%(year)s/",
            company_id=self.company_id or 0,
        )
        self.sequence_code = code

    @declared_attr
    def default_account(cls) -> Mapped[Any]:
        return many2one(cls, "Account", "default_account_id")
