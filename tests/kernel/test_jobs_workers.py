"""PostgreSQL: two `suanpan worker` processes share 200 due jobs; one is SIGKILLed mid-run.

Each batch job writes one history row (its number) in its run's transaction and,
before that, one line (number, pid) to a trace file outside the database. The
trace shows runs that started in the killed worker and never committed; the
database shows every job ran exactly once anyway.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kernel.jobs.pgqueue import ensure_schema
from kernel.jobs.runner import sync_jobs
from kernel.testing import db_kind
from tests.kernel.fixture_paths import ADDONS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(db_kind() != "postgresql", reason="procrastinate workers need PostgreSQL"),
]
BATCH = 200


def start_worker(url: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "kernel.cli"),
            *("--db", url, "--addons-path", ADDONS),
            *("worker", "--concurrency", "3", "--stalled-after", "2"),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def done_counts(instance: Any) -> Counter[int]:
    with instance.unit(None, su=True, readonly=True) as env:
        H = env["workflow.history"]
        rows = env.session.execute(
            select(H.res_id, func.count())
            .where(H.model == "chores", H.res_id.between(1, BATCH))
            .group_by(H.res_id)
        ).all()
    return Counter({int(n): int(c) for n, c in rows})


def _started_by(trace: Path, workers: list[Any]) -> tuple[int, set[str]] | None:
    """The first worker (index) that has started runs, and the runs it started."""
    lines = [line.split() for line in trace.read_text().splitlines() if line.strip()]
    for index, worker in enumerate(workers):
        started = {parts[0] for parts in lines if parts[1] == str(worker.pid)}
        if started:
            return index, started
    return None


def wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_two_workers_run_200_due_jobs_exactly_once_despite_a_sigkill(
    make_instance: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("CHORES_BATCH", str(BATCH))
    monkeypatch.setenv("CHORES_SLEEP", "0.15")
    monkeypatch.setenv("CHORES_TRACE", str(trace))
    instance = make_instance(["chores"], addons_path=[ADDONS])
    ensure_schema(instance)
    sync_jobs(instance)
    with instance.unit(None, su=True) as env:  # only the batch: the other chores stay quiet
        Job = env["ir.job"]
        for job in env.session.scalars(select(Job).where(Job.name.not_like("chores.batch_%"))):
            job.enabled = False
    env_vars = {**os.environ, "PYTHONPATH": os.getcwd()}
    log = tmp_path / "workers.log"
    workers = [start_worker(instance.url, env_vars, log) for _i in range(2)]
    try:
        assert wait_for(lambda: sum(done_counts(instance).values()) >= 30, 90), log.read_text()
        # the victim is a worker with runs in hand: on a loaded machine one worker may
        # take the first thirty alone while the other is still starting
        assert wait_for(lambda: _started_by(trace, workers) is not None, 30), log.read_text()
        found = _started_by(trace, workers)
        assert found is not None
        index, started_by_victim = found
        victim = workers[index]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        workers[index] = start_worker(instance.url, env_vars, log)
        assert wait_for(lambda: len(done_counts(instance)) == BATCH, 150), log.read_text()
        time.sleep(2)  # a duplicate would show up now, if there were one
        counts = done_counts(instance)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
    assert set(counts) == set(range(1, BATCH + 1))
    assert [n for n, c in counts.items() if c != 1] == []
    starts = Counter(line.split()[0] for line in trace.read_text().splitlines())
    restarted = [n for n, c in starts.items() if c > 1]
    # the kill interrupted at least one run, which was started again and counted once
    assert restarted and set(restarted) <= started_by_victim, (restarted, started_by_victim)
    with instance.unit(None, su=True, readonly=True) as env:
        Run = env["ir.job.run"]
        runs = env.session.scalar(
            select(func.count()).where(Run.job_name.like("chores.batch_%"), Run.status == "ok")
        )
        assert runs == BATCH
        pids = {w.split(":")[-1] for w in env.session.scalars(select(Run.worker).distinct())}
        assert len(pids) >= 2  # the work was shared
        left = env.session.execute(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
        ).scalar()
        assert left == 0
