"""``account.fiscal.year``: the years (and their months, the periods) entries are booked in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model
from kernel.errors import ValidationError

FISCAL_YEAR_STATES = [("open", _("Open")), ("closed", _("Closed"))]


@model("account.fiscal.year", _("Fiscal year"), rec_name="name", order="-date_from", cached=True)
class FiscalYear:
    """A closed fiscal year refuses postings; its months are the reporting periods."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), info=info(_("Name")))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"), index=True, info=info(_("Company"))
    )
    date_from: Mapped[dt.date] = mapped_column(Date, info=info(_("Start date")))
    date_to: Mapped[dt.date] = mapped_column(Date, info=info(_("End date")))
    state: Mapped[str] = mapped_column(
        String(8), default="open", info=info(_("Status"), selection=FISCAL_YEAR_STATES)
    )

    def __validate__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError(_("End date: must not be before the start date"), field="date_to")

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        """The months of the year, as (first day, last day)."""
        out = []
        start = self.date_from
        while start <= self.date_to:
            nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            out.append((start, min(nxt - dt.timedelta(days=1), self.date_to)))
            start = nxt
        return out
