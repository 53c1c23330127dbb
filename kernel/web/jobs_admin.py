"""Administrators' screens and API for background work: scheduled jobs and the outbox.

``/settings/jobs`` lists every job (enabled, schedule, next run, last result and
error, failures in a row) with *Run now* and *Enable/Disable*; ``/settings/jobs/<name>``
shows its runs. ``/settings/outbox`` lists messages waiting, failed (with the
reason) and sent, with *Try again*. The same under ``/api/v1/_jobs`` and
``/api/v1/_outbox``. Every action passes the one access check
(``env.check("ir.job", "write")`` …): only ``kernel.group_admin`` has those rights.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter, RawBody
from sqlalchemy import case, select

from kernel.env import Env
from kernel.errors import NotFound, UserError
from kernel.i18n import _
from kernel.web.context import flash, unit_for
from kernel.web.deps import FormBody, RequestEnv, last_values
from kernel.web.templating import render

#: ``?state=`` of the outbox screen and API
OutboxState = Annotated[
    Literal["pending", "failed", "sent"] | None,
    QueryParameter(name="state", description="pending, failed or sent"),
]


def _jobs(env: Env) -> list[Any]:
    env.check("ir.job", "read")
    Job = env["ir.job"]
    return list(env.session.scalars(select(Job).order_by(Job.name)))


def _job_dict(job: Any) -> dict[str, Any]:
    return {
        "name": job.name,
        "addon": job.addon,
        "enabled": job.enabled,
        "every_seconds": job.every_seconds,
        "cron": job.cron or None,
        "queue": job.queue,
        "next_run_at": job.next_run_at.isoformat() if job.next_run_at else None,
        "last_started_at": job.last_started_at.isoformat() if job.last_started_at else None,
        "last_duration_ms": job.last_duration_ms,
        "last_status": job.last_status or None,
        "last_error": job.last_error or None,
        "failures": job.failures,
        "max_failures": job.max_failures,
    }


def _synced(request: Request[Any, Any, Any]) -> None:
    """New addons' jobs appear on the screen before the runner's next tick."""
    from kernel.jobs.runner import sync_jobs

    with unit_for(request, readonly=True) as env:
        env.check("ir.job", "read")
        instance = env.instance
    sync_jobs(instance)


# --- screens --------------------------------------------------------------------


@get("/settings/jobs", name="jobs.list", include_in_schema=False, sync_to_thread=True)
def jobs_page(request: Request[Any, Any, Any]) -> Response[Any]:
    # two units: the jobs are synced (written) first, then read for the page
    _synced(request)
    with unit_for(request, readonly=True) as env:
        return render(
            request,
            "settings/jobs.html",
            {"jobs": _jobs(env), "can_write": env.can("ir.job", "write")},
            env=env,
        )


@get("/settings/jobs/{name:str}", name="jobs.detail", include_in_schema=False, sync_to_thread=True)
def job_page(
    request: Request[Any, Any, Any], env: RequestEnv, name: FromPath[str]
) -> Response[Any]:
    job = _job(env, name)
    env.check("ir.job.run", "read")
    Run = env["ir.job.run"]
    runs = env.session.scalars(
        select(Run).where(Run.job_name == name).order_by(Run.id.desc()).limit(50)
    ).all()
    return render(
        request,
        "settings/job.html",
        {"job": job, "runs": runs, "can_write": env.can("ir.job", "write")},
        env=env,
    )


def _job(env: Env, name: str) -> Any:
    env.check("ir.job", "read")
    Job = env["ir.job"]
    job = env.session.scalar(select(Job).where(Job.name == name))
    if job is None:
        raise NotFound(_("no job named %(name)s", name=name))
    return job


def _run_now(request: Request[Any, Any, Any], name: str) -> Any:
    """Run the job in this request (as the system, after the user's right was checked)."""
    from kernel.jobs.runner import run_job

    with unit_for(request, readonly=True) as env:
        _job(env, name)
        env.check("ir.job", "write")
        instance = env.instance
    return run_job(instance, name, trigger="manual")


@post(
    "/settings/jobs/{name:str}/run",
    name="jobs.run",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def job_run_view(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    # no injected unit: the job runs in units of its own, after the right was checked
    outcome = _run_now(request, name)
    if outcome.status == "ok":
        flash(request, _("Job %(name)s ran in %(ms)s ms.", name=name, ms=outcome.duration_ms))
    elif outcome.status == "busy":
        flash(
            request,
            _("Job %(name)s is running elsewhere; try again later.", name=name),
            "warning",
        )
    else:
        flash(
            request,
            _("Job %(name)s failed: %(error)s", name=name, error=outcome.error),
            "danger",
        )
    return Response("", status_code=303, headers={"Location": "/settings/jobs"})


def _set_enabled(env: Env, name: str, enabled: bool) -> Any:
    job = _job(env, name)
    env.check("ir.job", "write")
    with env.sudo("an administrator switches a job on or off (right checked above)"):
        job.enabled = enabled
        if enabled:
            job.failures = 0
    return _job_dict(job)


@post(
    "/settings/jobs/{name:str}/toggle",
    name="jobs.toggle",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def job_toggle_view(
    request: Request[Any, Any, Any], env: RequestEnv, name: FromPath[str], data: FormBody
) -> Response[Any]:
    enabled = str(last_values(data).get("enabled", "")) == "1"
    _set_enabled(env, name, enabled)
    flash(
        request,
        _("Job %(name)s enabled.", name=name)
        if enabled
        else _("Job %(name)s disabled.", name=name),
    )
    return Response("", status_code=303, headers={"Location": "/settings/jobs"})


def _messages(env: Env, state: str | None) -> list[Any]:
    from kernel.outbox import MAX_ATTEMPTS

    env.check("ir.outbox", "read")
    Outbox = env["ir.outbox"]
    query = select(Outbox)
    if state == "sent":
        query = query.where(Outbox.sent_at.is_not(None))
    elif state == "failed":
        query = query.where(Outbox.sent_at.is_(None), Outbox.attempts >= MAX_ATTEMPTS)
    elif state == "pending":
        query = query.where(Outbox.sent_at.is_(None), Outbox.attempts < MAX_ATTEMPTS)
    unsent_first = case((Outbox.sent_at.is_(None), 0), else_=1)
    return list(env.session.scalars(query.order_by(unsent_first, Outbox.id.desc()).limit(200)))


def _message_dict(message: Any) -> dict[str, Any]:
    return {
        "id": message.id,
        "topic": message.topic,
        "state": message.state,
        "summary": message.summary or None,
        "res_model": message.res_model or None,
        "res_id": message.res_id,
        "created_at": message.created_at.isoformat() if message.created_at else None,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat() if message.next_attempt_at else None,
        "last_error": message.last_error or None,
    }


@get("/settings/outbox", name="outbox.list", include_in_schema=False, sync_to_thread=True)
def outbox_page(
    request: Request[Any, Any, Any], env: RequestEnv, outbox_state: OutboxState = None
) -> Response[Any]:
    return render(
        request,
        "settings/outbox.html",
        {
            "messages": _messages(env, outbox_state),
            "state": outbox_state,
            "can_write": env.can("ir.outbox", "read"),
        },
        env=env,
    )


def _retry(request: Request[Any, Any, Any], message_id: int) -> None:
    from kernel.outbox import retry

    with unit_for(request, readonly=True) as env:
        # the outbox is a system model: the kernel service below resets the message,
        # for users who may read the outbox (Settings) — the same right as the screen
        env.check("ir.outbox", "read")
        message = env.session.get(env["ir.outbox"], message_id)
        if message is None:
            raise NotFound(_("outbox message #%(id)s does not exist", id=message_id))
        if message.sent_at is not None:
            raise UserError(_("message #%(id)s was already sent", id=message_id))
        instance = env.instance
    retry(instance, message_id)


@post(
    "/settings/outbox/{message_id:int}/retry",
    name="outbox.retry",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def outbox_retry_view(request: Request[Any, Any, Any], message_id: FromPath[int]) -> Response[Any]:
    # no injected unit: the kernel's outbox service resets the message in its own
    _retry(request, message_id)
    flash(request, _("Message #%(id)s will be sent again shortly.", id=message_id))
    return Response("", status_code=303, headers={"Location": "/settings/outbox"})


# --- JSON API -------------------------------------------------------------------


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


@get("/api/v1/_jobs", name="api.jobs", tags=["Background work"], sync_to_thread=True)
def api_jobs(request: Request[Any, Any, Any]) -> Response[Any]:
    """Every scheduled job with its schedule and last result (administrators)."""
    _synced(request)
    with unit_for(request, readonly=True) as env:
        return _json({"items": [_job_dict(job) for job in _jobs(env)]})


@post(
    "/api/v1/_jobs/{name:str}/run",
    name="api.jobs.run",
    tags=["Background work"],
    status_code=200,
    sync_to_thread=True,
)
def api_job_run(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """Run a job now; the answer says how it went (``ok``, ``failed`` with the error, ``busy``)."""
    outcome = _run_now(request, name)
    body = {
        "name": name,
        "status": outcome.status,
        "duration_ms": outcome.duration_ms,
        "error": outcome.error or None,
    }
    return _json(body, 409 if outcome.status == "busy" else 200)


@post(
    "/api/v1/_jobs/{name:str}/enabled",
    name="api.jobs.enabled",
    tags=["Background work"],
    status_code=200,
    sync_to_thread=True,
)
def api_job_enabled(env: RequestEnv, name: FromPath[str], body: RawBody) -> Response[Any]:
    """Switch a job on (``{"enabled": true}``, which also clears its failure count) or off."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("enabled"), bool):
        from kernel.errors import ValidationError

        raise ValidationError(_("enabled must be true or false"), field="enabled")
    return _json(_set_enabled(env, name, bool(payload["enabled"])))


@get("/api/v1/_outbox", name="api.outbox", tags=["Background work"], sync_to_thread=True)
def api_outbox(env: RequestEnv, outbox_state: OutboxState = None) -> Response[Any]:
    """Outbox messages, unsent first; ``?state=pending|failed|sent``."""
    return _json({"items": [_message_dict(m) for m in _messages(env, outbox_state)]})


@post(
    "/api/v1/_outbox/{message_id:int}/retry",
    name="api.outbox.retry",
    tags=["Background work"],
    status_code=200,
    sync_to_thread=True,
)
def api_outbox_retry(request: Request[Any, Any, Any], message_id: FromPath[int]) -> Response[Any]:
    """Give a failed message its attempts back; the runner sends it on its next tick."""
    _retry(request, message_id)
    return _json({"id": message_id, "state": "pending"})


JOBS_ROUTES: list[Any] = [
    jobs_page,
    job_page,
    job_run_view,
    job_toggle_view,
    outbox_page,
    outbox_retry_view,
    api_jobs,
    api_job_run,
    api_job_enabled,
    api_outbox,
    api_outbox_retry,
]
