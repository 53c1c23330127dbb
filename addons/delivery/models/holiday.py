"""``delivery.holiday``: the working calendar's exceptions (public holidays, make-up days)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model


@model("delivery.holiday", _("Holiday"), rec_name="name", order="date")
class Holiday:
    """A day that differs from the Monday–Friday week.

    ``working`` marks a make-up working day (调休) that falls on a weekend; other
    rows are days off. Chinese public holidays ship as data, one row per day.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True, index=True, info=info(_("Date")))
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Name")))
    working: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        info=info(_("Working day"), _("a weekend day worked to make up for a holiday")),
    )
