"""Kernel models of scheduled work: one row per registered job, one per run.

The job row is both the schedule (``next_run_at``) and the claim: a run locks it
for the length of its own transaction, so two workers never run the same job at
once, and a worker that dies releases it with its connection.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.fields import UTCDateTime, info, utcnow
from kernel.i18n import LazyString, _
from kernel.models import model

STATUS: list[tuple[str, str | LazyString]] = [
    ("", _("Never run")),
    ("ok", _("Succeeded")),
    ("failed", _("Failed")),
]


@model("ir.job", _("Scheduled job"), order="name")
class Job:
    """A job an addon registers with ``register_jobs``: its schedule and its last result."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, info=info(_("Name")))
    addon: Mapped[str] = mapped_column(String(64), default="", info=info(_("Addon")))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Enabled")))
    every_seconds: Mapped[int | None] = mapped_column(
        Integer, nullable=True, info=info(_("Every (seconds)"))
    )
    cron: Mapped[str] = mapped_column(String(64), default="", info=info(_("Cron expression")))
    queue: Mapped[str] = mapped_column(String(64), default="default", info=info(_("Queue")))
    next_run_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True, info=info(_("Next run"))
    )
    last_started_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Last run"))
    )
    last_duration_ms: Mapped[int | None] = mapped_column(
        Integer, nullable=True, info=info(_("Duration (ms)"))
    )
    last_status: Mapped[str] = mapped_column(
        String(16), default="", info=info(_("Last result"), selection=STATUS)
    )
    last_error: Mapped[str] = mapped_column(Text, default="", info=info(_("Last error")))
    failures: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Failures in a row")))
    max_failures: Mapped[int] = mapped_column(
        Integer, default=5, info=info(_("Stop after failures"))
    )


@model("ir.job.run", _("Job run"), order="-id")
class JobRun:
    """One run of a job, written in the run's own transaction when it succeeds.

    ``key`` names the run (schedule slot, or queue job id): a run retried after
    its worker died finds its key and does not run twice.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(128), index=True, info=info(_("Job")))
    key: Mapped[str] = mapped_column(String(190), unique=True, info=info(_("Run key")))
    trigger: Mapped[str] = mapped_column(
        String(16),
        default="schedule",
        info=info(
            _("Trigger"),
            selection=[
                ("schedule", _("Schedule")),
                ("manual", _("Run now")),
                ("queue", _("Queue")),
            ],
        ),
    )
    started_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Started"))
    )
    duration_ms: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Duration (ms)")))
    status: Mapped[str] = mapped_column(
        String(16), default="ok", info=info(_("Result"), selection=STATUS)
    )
    error: Mapped[str] = mapped_column(Text, default="", info=info(_("Error")))
    result: Mapped[str] = mapped_column(Text, default="", info=info(_("Summary")))
    worker: Mapped[str] = mapped_column(String(128), default="", info=info(_("Worker")))


JOB_MODELS: tuple[type, ...] = (Job, JobRun)
