"""The job runner: schedules, recorded results, failures that stop, the outbox with backoff."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from kernel.cli import cli
from kernel.fields import utcnow
from kernel.jobs.runner import run_due, run_job, sync_jobs
from kernel.outbox import deliver_pending
from tests.kernel.fixture_paths import ADDONS


@pytest.fixture
def chores(make_instance: Any) -> Any:
    instance = make_instance(["chores"], addons_path=[ADDONS])
    importlib.import_module("chores").SENT.clear()
    sync_jobs(instance)
    return instance


def counted(instance: Any, n: int | None = None) -> int:
    with instance.unit(None, su=True, readonly=True) as env:
        H = env["workflow.history"]
        query = select(func.count()).select_from(H).where(H.model == "chores")
        if n is not None:
            query = query.where(H.res_id == n)
        return int(env.session.scalar(query) or 0)


def job(instance: Any, name: str) -> Any:
    with instance.unit(None, su=True, readonly=True) as env:
        found = env.session.scalar(select(env["ir.job"]).where(env["ir.job"].name == name))
        env.session.expunge_all()
        return found


def test_interval_jobs_run_when_due_once_per_slot(chores: Any) -> None:
    first = job(chores, "chores.count")
    assert first.enabled and first.every_seconds == 600
    nightly = job(chores, "chores.nightly")
    assert nightly.next_run_at.hour == 2 and nightly.next_run_at.minute == 30
    outcomes = {o.name: o.status for o in run_due(chores)}
    assert outcomes["chores.count"] == "ok" and "chores.nightly" not in outcomes
    assert counted(chores) == 1
    # the same slot again: nothing is due, nothing runs
    assert "chores.count" not in {o.name for o in run_due(chores)}
    after = job(chores, "chores.count")
    assert after.last_status == "ok" and after.last_duration_ms is not None
    assert after.next_run_at >= first.next_run_at + dt.timedelta(seconds=600)
    # ten minutes later it is due again
    later = {o.name for o in run_due(chores, now=utcnow() + dt.timedelta(seconds=601))}
    assert "chores.count" in later and counted(chores) == 2


def test_a_run_key_is_done_once(chores: Any) -> None:
    assert run_job(chores, "chores.count", key="k1", params={"n": 7}).status == "ok"
    assert run_job(chores, "chores.count", key="k1", params={"n": 7}).status == "done_before"
    assert counted(chores, 7) == 1


def test_failing_job_is_retried_with_backoff_then_stopped_and_visible(chores: Any) -> None:
    now = utcnow()
    outcome = run_job(chores, "chores.fail", trigger="schedule", due_only=True, now=now)
    assert outcome.status == "failed" and "on purpose" in outcome.error
    row = job(chores, "chores.fail")
    assert row.enabled and row.failures == 1 and row.last_status == "failed"
    assert "on purpose" in row.last_error
    assert row.next_run_at > now  # not retried in a tight loop
    for _i in range(2):
        run_job(chores, "chores.fail", trigger="manual")
    row = job(chores, "chores.fail")
    assert row.failures == 3 and not row.enabled  # max_failures=3: stopped, not retried forever
    assert "chores.fail" not in {o.name for o in run_due(chores, now=now + dt.timedelta(days=1))}
    # fixed: a manual run succeeds and resets the count
    with chores.unit(None, su=True) as env:
        env.session.add(env["ir.setting"](key="chores.fail", value=False))
    assert run_job(chores, "chores.fail").status == "ok"
    assert job(chores, "chores.fail").failures == 0


def test_outbox_failure_stays_pending_with_reason_then_is_sent_once(chores: Any) -> None:
    sent = importlib.import_module("chores").SENT
    chores.background_delivery = True
    with chores.unit(None, su=True) as env:
        env.outbox("chores.note", {"n": 1, "explode": True}, summary="note 1")
        env.outbox("nobody.listens", {})
    assert deliver_pending(chores) == 0
    with chores.unit(None, su=True, readonly=True) as env:
        Outbox = env["ir.outbox"]
        note, orphan = env.session.scalars(select(Outbox).order_by(Outbox.id)).all()
        env.session.expunge_all()
        assert note.state == "pending" and "far side is down" in note.last_error
        assert note.next_attempt_at > utcnow() + dt.timedelta(seconds=20)
        assert "no deliverer" in orphan.last_error
        note_id = note.id
    # not retried before its time
    assert deliver_pending(chores) == 0
    with chores.unit(None, su=True) as env:
        env.session.get(env["ir.outbox"], note_id).payload = {"n": 1}  # the far side recovers
    assert deliver_pending(chores, now=utcnow() + dt.timedelta(minutes=2)) == 1
    assert deliver_pending(chores, now=utcnow() + dt.timedelta(hours=2)) == 0
    assert sent == [("chores.note", {"n": 1})]
    with chores.unit(None, su=True, readonly=True) as env:
        note = env.session.get(env["ir.outbox"], note_id)
        assert note.state == "sent" and note.attempts == 2


def test_outbox_gives_up_after_max_attempts(chores: Any) -> None:
    from kernel.outbox import MAX_ATTEMPTS, retry

    chores.background_delivery = True
    with chores.unit(None, su=True) as env:
        env.outbox("chores.note", {"explode": True})
    moment = utcnow()
    for _i in range(MAX_ATTEMPTS + 2):
        moment += dt.timedelta(hours=2)
        deliver_pending(chores, now=moment)
    with chores.unit(None, su=True, readonly=True) as env:
        message = env.session.scalars(select(env["ir.outbox"])).one()
        env.session.expunge_all()
        assert message.state == "failed" and message.attempts == MAX_ATTEMPTS
    retry(chores, message.id)
    with chores.unit(None, su=True, readonly=True) as env:
        assert env.session.get(env["ir.outbox"], message.id).state == "pending"


def test_cli_lists_runs_and_shows_history(chores: Any) -> None:
    args = ["--db", chores.url, "--addons-path", ADDONS]
    result = CliRunner().invoke(cli, ["jobs", "run", "chores.count", *args])
    assert result.exit_code == 0, result.output
    assert "chores.count" in result.output and "ms" in result.output
    listed = CliRunner().invoke(cli, ["jobs", "list", *args])
    assert listed.exit_code == 0, listed.output
    assert "chores.nightly" in listed.output and "30 2 * * *" in listed.output
    assert "Succeeded" in listed.output
    failed = CliRunner().invoke(cli, ["jobs", "run", "chores.fail", *args])
    assert failed.exit_code == 1 and "on purpose" in failed.output
    assert "Traceback" not in failed.output
    unknown = CliRunner().invoke(cli, ["jobs", "run", "chores.nope", *args])
    assert unknown.exit_code != 0 and "chores.nope" in unknown.output
    history = CliRunner().invoke(cli, ["jobs", "history", "chores.fail", *args])
    assert history.exit_code == 0 and "Failed" in history.output
    zh = CliRunner().invoke(cli, ["--lang", "zh_CN", "jobs", "list", *args])
    assert "下次运行" in zh.output


def test_local_runner_runs_due_jobs_with_no_user_action(chores: Any) -> None:
    import time

    from kernel.jobs.local import LocalRunner

    runner = LocalRunner(chores, poll=0.1)
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while counted(chores) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert counted(chores) == 1
