"""Running jobs: each run is its own unit of work, with its result recorded.

A run locks its ``ir.job`` row for the length of its transaction (``SKIP LOCKED``
on PostgreSQL; SQLite serialises write transactions), checks the job is still due
and that its run key was not done before, runs the function, advances the
schedule and writes the ``ir.job.run`` row — all in one commit. If the function
raises, that transaction rolls back and a second, small one records the failure,
a retry after a backoff, and after ``max_failures`` failures in a row disables the
job: a failing job is shown on the jobs screen, never retried forever in silence.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kernel.caches import Slot
from kernel.errors import NotFound
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.jobs.specs import JobSpec, job_specs

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.instance import Instance
    from kernel.models.registry import Registry

log = logging.getLogger(__name__)
RETRY_BASE_SECONDS = 60
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Outcome:
    """What happened to one requested run: ``ok``, ``failed``, ``busy``, ``not_due``, ``done_before``."""

    name: str
    status: str
    error: str = ""
    duration_ms: int = 0


def specs_of(instance: Instance) -> dict[str, JobSpec]:
    return job_specs(instance.registry)


#: the registry whose jobs the instance's rows were last synced with
SYNCED_FOR: Slot[Registry | None] = Slot("kernel.jobs.synced_for", lambda: None)


def spec_named(instance: Instance, name: str) -> JobSpec:
    specs = specs_of(instance)
    if name not in specs:
        raise NotFound(
            _("no job named %(name)s (known: %(names)s)", name=name, names=", ".join(sorted(specs)))
        )
    return specs[name]


def sync_jobs(instance: Instance, now: dt.datetime | None = None) -> None:
    """Make one ``ir.job`` row per registered job; drop rows of jobs no longer registered.

    A new interval job is due at once (a fresh instance checks its reorder points on
    start); a cron job waits for its first slot. The schedule comes from the code;
    ``enabled`` and the failure count are the administrator's and stay.
    """
    specs = specs_of(instance)
    moment = now or utcnow()
    with instance.unit(None, su=True) as env:
        Job = env["ir.job"]
        rows = {row.name: row for row in env.session.scalars(select(Job))}
        for name, spec in specs.items():
            row = rows.get(name)
            if row is None:
                first = moment if spec.every_seconds else spec.next_after(moment)
                env.session.add(
                    Job(
                        name=name,
                        addon=spec.addon,
                        every_seconds=spec.every_seconds,
                        cron=spec.cron,
                        queue=spec.queue,
                        max_failures=spec.max_failures,
                        next_run_at=first,
                    )
                )
            elif (row.every_seconds, row.cron, row.queue) != (
                spec.every_seconds,
                spec.cron,
                spec.queue,
            ):
                row.every_seconds, row.cron, row.queue = spec.every_seconds, spec.cron, spec.queue
                row.next_run_at = spec.next_after(moment)
        for name, row in rows.items():
            if name not in specs:
                env.session.delete(row)
    # per instance and registry: instances with the same addons share a registry,
    # and each database has its own rows
    instance.cache.set(SYNCED_FOR, instance.registry)


def due_jobs(instance: Instance, now: dt.datetime | None = None) -> list[tuple[str, dt.datetime]]:
    """Names and slots of enabled jobs whose next run is not after ``now``."""
    moment = now or utcnow()
    with instance.unit(None, su=True, readonly=True) as env:
        Job = env["ir.job"]
        rows = env.session.execute(
            select(Job.name, Job.next_run_at)
            .where(Job.enabled.is_(True), Job.next_run_at <= moment)
            .order_by(Job.next_run_at, Job.name)
        ).all()
    return [(str(name), slot) for name, slot in rows if name in specs_of(instance)]


def slot_key(name: str, slot: dt.datetime) -> str:
    return f"{name}@{slot.strftime('%Y-%m-%dT%H:%M:%S')}"


def run_job(
    instance: Instance,
    name: str,
    *,
    key: str | None = None,
    trigger: str = "manual",
    due_only: bool = False,
    now: dt.datetime | None = None,
    params: dict[str, Any] | None = None,
) -> Outcome:
    """Run job ``name`` once now, in its own unit of work, and record the result.

    ``due_only`` runs it only if it is enabled and due (the scheduler's case);
    ``key`` makes the run idempotent: a key already recorded is not run again.
    """
    spec = spec_named(instance, name)
    if instance.cache.peek(SYNCED_FOR) is not instance.registry:
        sync_jobs(instance)  # the first run in this process may come before any runner
    run_key = key or f"{name}@{trigger}:{time.time_ns()}"
    started = utcnow()
    t0 = time.perf_counter()

    def body(env: Env) -> str:
        job = _lock_job(env, name)
        if job is None:
            return "busy"
        moment = now or utcnow()
        if due_only and not (job.enabled and job.next_run_at and job.next_run_at <= moment):
            return "not_due"
        Run = env["ir.job.run"]
        if env.session.scalar(select(Run.id).where(Run.key == run_key)) is not None:
            return "done_before"
        result = spec.func(env, **(params or {}))
        duration = int((time.perf_counter() - t0) * 1000)
        job.last_started_at, job.last_duration_ms = started, duration
        job.last_status, job.last_error, job.failures = "ok", "", 0
        if trigger != "queue" or due_only:
            job.next_run_at = spec.next_after(max(moment, job.next_run_at or moment))
        env.session.add(
            Run(
                job_name=name,
                key=run_key,
                trigger=trigger,
                started_at=started,
                duration_ms=duration,
                status="ok",
                result=_summary(result),
                worker=WORKER_NAME,
            )
        )
        return "ok"

    try:
        status = instance.run(body, None, su=True)
    except Exception as exc:
        duration = int((time.perf_counter() - t0) * 1000)
        log.warning("job %s failed: %s", name, exc, exc_info=True)
        _record_failure(instance, spec, run_key, trigger, started, duration, exc)
        return Outcome(name, "failed", _error_text(exc), duration)
    return Outcome(name, status, "", int((time.perf_counter() - t0) * 1000))


def _lock_job(env: Env, name: str) -> Any:
    Job = env["ir.job"]
    query = select(Job).where(Job.name == name)
    if env.instance.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = env.session.scalar(query)
    if job is None and env.instance.dialect != "postgresql":
        raise NotFound(_("no job named %(name)s", name=name))
    return job


def _record_failure(
    instance: Instance,
    spec: JobSpec,
    key: str,
    trigger: str,
    started: dt.datetime,
    duration: int,
    exc: BaseException,
) -> None:
    """The failed run's row, a retry after a growing delay, and a stop after too many."""
    text = _error_text(exc)

    def record(env: Env) -> None:
        Job, Run = env["ir.job"], env["ir.job.run"]
        job = env.session.scalar(select(Job).where(Job.name == spec.name).with_for_update())
        if job is None:
            return
        job.failures = (job.failures or 0) + 1
        job.last_started_at, job.last_duration_ms = started, duration
        job.last_status, job.last_error = "failed", text
        retry = utcnow() + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (job.failures - 1))
        job.next_run_at = min(retry, spec.next_after(utcnow()))
        if job.failures >= (job.max_failures or spec.max_failures):
            job.enabled = False
            log.error("job %s disabled after %s failures in a row", spec.name, job.failures)
        env.session.add(
            Run(
                job_name=spec.name,
                key=f"{key}:failed:{time.time_ns()}",
                trigger=trigger,
                started_at=started,
                duration_ms=duration,
                status="failed",
                error=text,
                worker=WORKER_NAME,
            )
        )

    instance.run(record, None, su=True)


def _error_text(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}")[:2000]


def _summary(result: Any) -> str:
    if result is None:
        return ""
    if isinstance(result, (list, tuple, set)):
        return str(_("%(count)s items", count=len(result)))
    return str(result)[:500]


def run_due(instance: Instance, now: dt.datetime | None = None) -> list[Outcome]:
    """Run every due job once (the in-process scheduler's tick), then drain the outbox."""
    from kernel.outbox import deliver_pending

    outcomes = [
        run_job(
            instance, name, key=slot_key(name, slot), trigger="schedule", due_only=True, now=now
        )
        for name, slot in due_jobs(instance, now)
    ]
    deliver_pending(instance, now=now)
    return outcomes


def history(instance: Instance, name: str | None = None, limit: int = 20) -> list[Any]:
    """The latest runs, newest first (detached rows, for printing)."""
    with instance.unit(None, su=True, readonly=True) as env:
        Run = env["ir.job.run"]
        query = select(Run).order_by(Run.id.desc()).limit(limit)
        if name:
            query = query.where(Run.job_name == name)
        found = list(env.session.scalars(query))
        env.session.expunge_all()  # keep what was read: a read-only unit rolls back
        return found
