"""``suanpan jobs …`` and ``suanpan worker``: see, run and serve scheduled work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.table import Table
from sqlalchemy import select

from kernel.cli_common import console, echo, instance_options, state
from kernel.errors import UserError
from kernel.i18n import _, babel_locale
from kernel.instance import Instance


@click.group("jobs")
def jobs() -> None:
    """Scheduled jobs: list them, run one now, read their history."""


def _when(value: dt.datetime | None) -> str:
    from babel.dates import format_datetime

    if value is None:
        return "-"
    return format_datetime(value, "short", tzinfo=dt.UTC, locale=babel_locale()) + " UTC"


def _initialized() -> Instance:
    from kernel.jobs.runner import sync_jobs

    instance = state().initialized()
    sync_jobs(instance)
    return instance


@jobs.command("list")
@instance_options
def list_jobs() -> None:
    """Every job: enabled, schedule, next run, last result."""
    instance = _initialized()
    table = Table(
        str(_("Name")),
        str(_("Enabled")),
        str(_("Schedule")),
        str(_("Next run")),
        str(_("Last run")),
        str(_("Last result")),
        str(_("Failures in a row")),
    )
    with instance.unit(None, su=True, readonly=True) as env:
        Job = env["ir.job"]
        for job in env.session.scalars(select(Job).order_by(Job.name)):
            schedule = job.cron or str(_("every %(seconds)s s", seconds=job.every_seconds))
            result = str(
                {"ok": _("Succeeded"), "failed": _("Failed")}.get(job.last_status, _("Never run"))
            )
            if job.last_error:
                result = f"{result}: {job.last_error[:60]}"
            table.add_row(
                job.name,
                str(_("yes")) if job.enabled else str(_("no")),
                schedule,
                _when(job.next_run_at),
                _when(job.last_started_at),
                str(result),
                str(job.failures),
            )
    console().print(table)


@jobs.command("run")
@click.argument("name")
@instance_options
def run(name: str) -> None:
    """Run job NAME once now and print its result (exit 1 when it fails)."""
    from kernel.jobs.runner import run_job

    outcome = run_job(_initialized(), name, trigger="manual")
    if outcome.status == "failed":
        raise UserError(_("job %(name)s failed: %(error)s", name=name, error=outcome.error))
    if outcome.status == "busy":
        raise UserError(_("job %(name)s is running elsewhere; try again later", name=name))
    echo(_("job %(name)s done in %(ms)s ms", name=name, ms=outcome.duration_ms))


@jobs.command("history")
@click.argument("name", required=False)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@instance_options
def history(name: str | None, limit: int) -> None:
    """The latest runs (of job NAME, or of every job), newest first."""
    from kernel.jobs.runner import history as runs

    instance = _initialized()
    if name:
        from kernel.jobs.runner import spec_named

        spec_named(instance, name)
    table = Table(
        str(_("Job")),
        str(_("Started")),
        str(_("Trigger")),
        str(_("Duration (ms)")),
        str(_("Result")),
        str(_("Error")),
        str(_("Worker")),
    )
    for item in runs(instance, name, limit):
        table.add_row(
            item.job_name,
            _when(item.started_at),
            item.trigger,
            str(item.duration_ms),
            str(_("Succeeded")) if item.status == "ok" else str(_("Failed")),
            (item.error or item.result)[:80],
            item.worker,
        )
    console().print(table)


@click.command("worker")
@click.option(
    "--concurrency", default=2, show_default=True, type=click.IntRange(1, 64), help="Runs at once."
)
@click.option(
    "--queue", "queues", multiple=True, help="Only these queues (repeatable; default: all)."
)
@click.option(
    "--stalled-after",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds without a heartbeat after which a worker's runs are retried elsewhere.",
)
@click.option("--poll", default=5.0, show_default=True, type=click.FloatRange(0.2, 600))
@instance_options
def worker(concurrency: int, queues: tuple[str, ...], stalled_after: float, poll: float) -> None:
    """Run scheduled jobs and deliver the outbox until stopped (Ctrl+C / SIGTERM).

    On PostgreSQL, any number of workers on any hosts share the work (procrastinate).
    On SQLite, one worker runs jobs in this process (like `suanpan serve` does).
    """
    instance = state().initialized()
    instance.background_delivery = True
    if instance.dialect == "postgresql":
        from kernel.jobs.pgqueue import run_worker

        echo(_("Worker started (PostgreSQL queue, %(n)s at once)", n=concurrency))
        run_worker(
            instance, concurrency=concurrency, queues=list(queues), stalled_after=stalled_after
        )
        return
    if queues or concurrency != 2:
        echo(_("SQLite runs one job at a time; --queue and --concurrency are ignored"))
    _run_local(instance, poll)


def _run_local(instance: Instance, poll: float) -> None:
    import contextlib
    import signal
    import threading

    from kernel.jobs.local import LocalRunner

    runner = LocalRunner(instance, poll=poll)
    done = threading.Event()

    def stop(*_args: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    echo(_("Worker started (in-process runner, every %(poll)s s)", poll=poll))
    runner.start()
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    runner.stop()
