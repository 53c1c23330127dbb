"""PostgreSQL: procrastinate queues job runs for any number of ``suanpan worker`` processes.

Why procrastinate (see ``docs/jobs.md``): its queue is a table in the instance's
own database, so a run is deferred in the same transaction as the business change
that asks for it, and workers on several hosts share work with ``SKIP LOCKED``
and nothing else to install or back up.

Every worker runs a periodic ``suanpan.tick`` (procrastinate defers each tick
once, whichever worker wins) that, in one transaction, locks the due ``ir.job``
rows ``SKIP LOCKED`` and defers one ``suanpan.run_job`` each, with the job name
as procrastinate ``lock`` (runs of a job never overlap) and ``queueing_lock`` (at
most one waiting). The run itself is :func:`kernel.jobs.runner.run_job`, keyed by
its schedule slot: a run whose worker was killed rolled back and is retried once
its worker stops sending heartbeats; a run that committed is never repeated.
The tick also drains the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from sqlalchemy import select

from kernel.fields import utcnow
from kernel.jobs.runner import WORKER_NAME, run_job, slot_key, specs_of, sync_jobs

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.instance import Instance

log = logging.getLogger(__name__)
TICK_CRON = "* * * * * */5"  # every five seconds (procrastinate reads a sixth field as seconds)
RUN_TASK = "suanpan.run_job"


def conninfo(instance: Instance) -> str:
    """The libpq URL of the instance's database (procrastinate speaks psycopg directly)."""
    return instance.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(instance: Instance) -> bool:
    """Create procrastinate's tables in the instance database once; ``True`` when created."""
    with instance.engine.begin() as conn:
        exists = conn.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar()
        if exists:
            return False
        from procrastinate.schema import SchemaManager

        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('suanpan.procrastinate'))")
        if conn.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar():
            return False
        # straight to psycopg: the schema holds literal "%" that a parameter style would read
        conn.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]
    return True


def make_app(instance: Instance, *, stalled_after: float = 30.0) -> App:
    """The procrastinate app of ``instance``: the run task and the scheduler tick."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(instance)))

    @app.task(name=RUN_TASK, pass_context=True)
    def run_job_task(
        context: Any,
        name: str,
        key: str = "",
        due: bool = False,
        params: dict[str, Any] | None = None,
    ) -> str:
        outcome = run_job(
            instance,
            name,
            key=key or f"{name}@queue:{context.job.id}",
            trigger="schedule" if due else "queue",
            due_only=due,
            params=params,
        )
        return outcome.status

    @app.periodic(cron=TICK_CRON, periodic_id="tick")
    @app.task(name="suanpan.tick", queueing_lock="suanpan.tick", pass_context=True)
    async def tick(context: Any, timestamp: int) -> None:
        await asyncio.to_thread(schedule_due, instance)
        stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after)
        for job in stalled:
            await _recover(app, job)
        from kernel.outbox import deliver_pending

        await asyncio.to_thread(deliver_pending, instance)

    return app


async def _recover(app: App, job: Any) -> None:
    """Put a run of a dead worker back in the queue, or drop it if a copy already waits.

    The copy (deferred by a later tick for the same slot) carries the same run key,
    so either way the slot runs once; dropping the stalled one also frees the job's
    procrastinate ``lock`` that it still held.
    """
    log.warning("job %s (%s) belonged to a worker that stopped answering", job.id, job.task_name)
    try:
        await app.job_manager.retry_job(job)
    except UniqueViolation:
        await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=True)


def _psycopg_connection(env: Env) -> Any:
    """The psycopg connection under the unit's SQLAlchemy session: defers join its transaction."""
    return env.session.connection().connection.driver_connection


def defer_run(
    env: Env, app: App, name: str, *, key: str = "", due: bool = False, **params: Any
) -> bool:
    """Queue a run of job ``name`` in ``env``'s transaction.

    Runs of one job never overlap (procrastinate ``lock``); a scheduled run
    (``due``) is queued at most once while it waits (``queueing_lock``): then
    this returns ``False``.
    """
    spec = specs_of(env.instance)[name]
    task = app.tasks[RUN_TASK]
    try:
        with env.session.begin_nested():  # a refused defer must not abort the business transaction
            task.configure(
                lock=name,
                queueing_lock=name if due else None,
                queue=spec.queue,
                connection=_psycopg_connection(env),
            ).defer(name=name, key=key, due=due, params=params or None)
    except AlreadyEnqueued:
        return False
    return True


_apps: dict[str, App] = {}


def app_for(instance: Instance) -> App:
    """One app per instance per process, for deferring from units (no worker in it)."""
    app = _apps.get(instance.url)
    if app is None:
        app = _apps[instance.url] = make_app(instance)
    return app


def schedule_due(instance: Instance) -> int:
    """Defer a run of every due job, in one transaction that locks their rows ``SKIP LOCKED``."""
    sync_jobs(instance)
    app = app_for(instance)
    now = utcnow()

    def body(env: Env) -> int:
        Job = env["ir.job"]
        rows = env.session.scalars(
            select(Job)
            .where(Job.enabled.is_(True), Job.next_run_at <= now)
            .order_by(Job.next_run_at)
            .with_for_update(skip_locked=True)
        ).all()
        specs = specs_of(instance)
        count = 0
        for row in rows:
            if row.name in specs and defer_run(
                env, app, row.name, key=slot_key(row.name, row.next_run_at), due=True
            ):
                count += 1
        return count

    return instance.run(body, None, su=True)


def run_worker(
    instance: Instance,
    *,
    concurrency: int = 2,
    queues: list[str] | None = None,
    stalled_after: float = 30.0,
    name: str | None = None,
) -> None:
    """Work until SIGINT/SIGTERM: scheduled ticks, queued runs, outbox delivery."""
    ensure_schema(instance)
    sync_jobs(instance)
    app = make_app(instance, stalled_after=stalled_after)  # deferring uses app_for's, not this one
    app.run_worker(
        queues=queues or None,
        concurrency=concurrency,
        name=name or WORKER_NAME,
        update_heartbeat_interval=max(stalled_after / 3, 0.5),
        stalled_worker_timeout=stalled_after,
        delete_jobs="successful",
    )
