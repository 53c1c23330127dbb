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


def _started(trace: Path) -> list[tuple[str, str]]:
    """(run number, pid) for every run started so far, in the order they started."""
    lines = [line.split() for line in trace.read_text().splitlines() if line.strip()]
    return [(parts[0], parts[1]) for parts in lines]


def _in_flight(trace: Path, workers: list[Any], instance: Any) -> int | None:
    """The index of a worker that has a run started and not committed, if any."""
    done = {str(n) for n in done_counts(instance)}
    busy = {pid for n, pid in _started(trace) if n not in done}
    for index, worker in enumerate(workers):
        if str(worker.pid) in busy:
            return index
    return None


def _kill_mid_run(trace: Path, workers: list[Any], instance: Any, restart: Any) -> set[str]:
    """SIGKILL a worker in the middle of a run; the runs it left unfinished.

    A worker caught between two runs leaves nothing to recover, and the run seen in
    flight may still commit before the signal lands: then the worker is started again
    and another is killed, until one dies with a run in hand.
    """
    for _attempt in range(5):
        assert wait_for(lambda: _in_flight(trace, workers, instance) is not None, 30)
        index = _in_flight(trace, workers, instance)
        if index is None:
            continue
        victim = workers[index]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        workers[index] = restart()
        time.sleep(0.5)  # a COMMIT the server had received before the kill is done by now
        done = {str(n) for n in done_counts(instance)}
        unfinished = {n for n, pid in _started(trace) if pid == str(victim.pid)} - done
        if unfinished:
            return unfinished
    raise AssertionError("no worker could be caught in the middle of a run")


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
        # the victim is a worker with a run in hand: on a loaded machine one worker may
        # take the first thirty alone, or sit between two runs when the signal lands
        unfinished = _kill_mid_run(
            trace, workers, instance, lambda: start_worker(instance.url, env_vars, log)
        )
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
    # every run the kill interrupted was started again and counted once; no other was
    assert set(restarted) == unfinished, (restarted, unfinished)
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
