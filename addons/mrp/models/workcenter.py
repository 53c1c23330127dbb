"""Work centres and their working calendars.

A work centre is where operations are done (a saw, an assembly bench): how many
units work there in parallel (``capacity``), how fast it works compared with the
standard times of the bills (``efficiency``), what an hour there costs (labour and
overhead, in the company currency) and when it works (a calendar: hours per
weekday and holidays). Its capacity on a day is the calendar's hours that day
times the number of units.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, Money, _, info, many2one, model, one2many
from kernel.errors import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_CALENDAR = "mrp.calendar_standard"


@model("mrp.calendar", _("Working calendar"), order="name,id")
class Calendar:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    hours_mon: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(8), info=info(_("Monday hours"))
    )
    hours_tue: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(8), info=info(_("Tuesday hours"))
    )
    hours_wed: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(8), info=info(_("Wednesday hours"))
    )
    hours_thu: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(8), info=info(_("Thursday hours"))
    )
    hours_fri: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(8), info=info(_("Friday hours"))
    )
    hours_sat: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Saturday hours"))
    )
    hours_sun: Mapped[Decimal] = mapped_column(
        Exact(2), default=Decimal(0), info=info(_("Sunday hours"))
    )

    @declared_attr
    def holidays(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "CalendarHoliday",
            "calendar_id",
            order_by="date",
            cascade="all, delete-orphan",
            back_populates="calendar",
        )

    def display_name(self, env: Any = None) -> str:
        return str(self.name)

    def hours_on(self, day: dt.date, holidays: set[dt.date]) -> Decimal:
        """Working hours of ``day``: the weekday's, none on a holiday."""
        if day in holidays:
            return Decimal(0)
        return Decimal(getattr(self, f"hours_{WEEKDAYS[day.weekday()]}") or 0)

    def __validate__(self) -> None:
        for day in WEEKDAYS:
            hours = getattr(self, f"hours_{day}")
            if hours is not None and not Decimal(0) <= Decimal(hours) <= Decimal(24):
                raise ValidationError(
                    _("Hours: a day has between 0 and 24 working hours"), field=f"hours_{day}"
                )


@model("mrp.calendar.holiday", _("Holiday"), order="calendar_id,date")
class CalendarHoliday:
    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_calendar.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Working calendar")),
    )
    date: Mapped[dt.date] = mapped_column(Date, info=info(_("Date")))
    name: Mapped[str] = mapped_column(String(64), default="", info=info(_("Name")))

    @declared_attr
    def calendar(cls) -> Mapped[Any]:
        return many2one(cls, "Calendar", "calendar_id", back_populates="holidays")


@model("mrp.workcenter", _("Work centre"), rec_name="name", order="code,id")
class Workcenter:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), default="", info=info(_("Code")))
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    capacity: Mapped[int] = mapped_column(
        Integer,
        default=1,
        info=info(_("Capacity"), _("how many units (machines, workers) work here in parallel")),
    )
    efficiency: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(100),
        info=info(
            _("Time efficiency %"),
            _("80: operations take 100/80 of the bill's run time here"),
        ),
    )
    labour_rate: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Labour rate per hour"), _("in the company currency")),
    )
    overhead_rate: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Overhead rate per hour"), _("in the company currency")),
    )
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrp_calendar.id"),
        nullable=True,
        index=True,
        info=info(
            _("Working calendar"),
            _("the standard week when empty"),
            default_ref=DEFAULT_CALENDAR,
        ),
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, index=True, info=info(_("Company"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def calendar(cls) -> Mapped[Any]:
        return many2one(cls, "Calendar", "calendar_id")

    def display_name(self, env: Any = None) -> str:
        return f"[{self.code}] {self.name}" if self.code else str(self.name)

    def __on_create__(self, env: Any) -> None:
        if self.calendar_id is None:
            self.calendar_id = env.ref(DEFAULT_CALENDAR).id

    def __validate__(self) -> None:
        if self.capacity is not None and self.capacity < 1:
            raise ValidationError(_("Capacity: at least 1"), field="capacity")
        if self.efficiency is not None and Decimal(self.efficiency) <= 0:
            raise ValidationError(
                _("Time efficiency %: must be greater than zero"), field="efficiency"
            )
        for rate in ("labour_rate", "overhead_rate"):
            if getattr(self, rate) is not None and getattr(self, rate) < 0:
                raise ValidationError(_("Rate: must not be negative"), field=rate)
