"""Gapless document numbers: formats, period restarts, rollbacks and concurrent drawers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from kernel.env import Env
from kernel.errors import UserError
from kernel.instance import Instance
from kernel.sequence import format_number, period_of

JAN = dt.date(2026, 1, 31)
FEB = dt.date(2026, 2, 1)


def _add_sequence(instance: Instance, **values: object) -> None:
    with instance.unit(None, su=True) as env:
        env.session.add(env["ir.sequence"](**values))


def test_data_file_sequence_format_and_yearly_restart(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        drawn = [env.next_number("lib.book", when=dt.date(2025, 12, 31)) for _i in range(2)]
        drawn.append(env.next_number("lib.book", when=dt.date(2026, 1, 1)))
        drawn.append(env.next_number("lib.book", when=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)))
    assert drawn == ["BK2025-0001", "BK2025-0002", "BK2026-0001", "BK2026-0002"]


def test_monthly_restart_prefix_suffix_and_short_year(library: Instance) -> None:
    _add_sequence(
        library,
        code="lib.receipt",
        prefix="R%(y)s%(month)s/",
        suffix="-%(day)s",
        padding=3,
        reset="month",
    )
    with library.unit(None, su=True) as env:
        drawn = [
            env.next_number("lib.receipt", when=JAN),
            env.next_number("lib.receipt", when=JAN),
            env.next_number("lib.receipt", when=FEB),
        ]
    assert drawn == ["R2601/001-31", "R2601/002-31", "R2602/001-01"]


def test_never_restarting_sequence_keeps_counting(library: Instance) -> None:
    _add_sequence(library, code="lib.member", prefix="M", padding=2, reset="never")
    with library.unit(None, su=True) as env:
        assert env.next_number("lib.member", when=dt.date(2020, 1, 1)) == "M01"
        assert env.next_number("lib.member", when=dt.date(2030, 1, 1)) == "M02"
    assert period_of("never", JAN) == "all"
    assert format_number("X", "", 3, 1000, JAN) == "X1000", "padding is a minimum width"


def test_company_specific_sequence_wins_over_the_shared_one(library: Instance) -> None:
    _add_sequence(library, code="lib.book", company_id=7, prefix="C7-", padding=2, reset="never")
    with library.unit(None, su=True) as env:
        assert env.next_number("lib.book", company_id=7) == "C7-01"
        assert env.next_number("lib.book", company_id=8, when=JAN) == "BK2026-0001"


def test_unknown_sequence_is_a_clear_error(library: Instance) -> None:
    with library.unit(None, su=True) as env, pytest.raises(UserError, match=r"lib\.nothing"):
        env.next_number("lib.nothing")


def test_rolled_back_unit_gives_its_number_back(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        assert env.next_number("lib.book", when=JAN) == "BK2026-0001"
    with pytest.raises(RuntimeError), library.unit(None, su=True) as env:
        assert env.next_number("lib.book", when=JAN) == "BK2026-0002"
        raise RuntimeError("the document could not be saved")
    with library.unit(None, su=True) as env:
        assert env.next_number("lib.book", when=JAN) == "BK2026-0002"


def test_first_number_of_a_period_rolled_back_leaves_no_counter(library: Instance) -> None:
    with pytest.raises(RuntimeError), library.unit(None, su=True) as env:
        env.next_number("lib.book", when=JAN)
        raise RuntimeError("abandoned")
    with library.unit(None, su=True) as env:
        assert env.session.scalars(select(env["ir.sequence.counter"])).all() == []
        assert env.next_number("lib.book", when=JAN) == "BK2026-0001"


def _run_threads(count: int, target: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target) for _i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a drawer hung"


def test_concurrent_drawers_get_distinct_gapless_numbers(library: Instance) -> None:
    """8 threads, each draw in its own unit of work and connection: 500 numbers, no gap."""
    total, workers = 500, 8
    drawn: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    remaining = iter(range(total))

    def draw(env: Env) -> str:
        number = env.next_number("lib.book", when=JAN)
        env.session.add(env["lib.book"](title=f"Copy {number}", number=number))
        return number

    def worker() -> None:
        try:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                number = library.run(draw)
                with lock:
                    drawn.append(number)
        except BaseException as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)

    _run_threads(workers, worker)
    assert not errors, errors[:3]
    assert len(drawn) == total
    assert sorted(drawn) == [f"BK2026-{n:04d}" for n in range(1, total + 1)]
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        stored = sorted(env.session.scalars(select(Book.number)))
    assert stored == sorted(drawn), "every committed number belongs to a committed record"
