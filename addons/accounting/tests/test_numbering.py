"""Gapless numbering under concurrency: 8 threads post in one journal, ~10 % fail after numbering."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

from sqlalchemy import select

from addons.accounting.services import fiscal, moves
from addons.accounting.services.chart import journal_of
from addons.accounting.tests.conftest import Books

THREADS = 8
PER_THREAD = 10


class Boom(Exception):
    """A failure after the number was drawn (e.g. a later check in the same transaction)."""


def test_concurrent_postings_get_unique_contiguous_numbers(books: Books) -> None:
    with books.unit() as env:
        journal = journal_of(env, env.ref("base.main_company").id, "general")
        cash = fiscal.account_by_code(env, "1001").id
        capital = fiscal.account_by_code(env, "3001").id
        ids = []
        for n in range(THREADS * PER_THREAD):
            move = moves.create_move(
                env,
                journal,
                [
                    {"account_id": cash, "debit": Decimal(n + 1)},
                    {"account_id": capital, "credit": Decimal(n + 1)},
                ],
            )
            ids.append(move.id)
    rng = random.Random(7)
    failing = set(rng.sample(ids, len(ids) // 10))
    errors: list[BaseException] = []

    def worker(chunk: list[int]) -> None:
        for move_id in chunk:

            def post_one(env, move_id=move_id):
                move = env.get("account.move", move_id)
                moves.post(env, move)
                assert move.name
                if move_id in failing:
                    raise Boom(move.name)

            try:
                books.instance.run(post_one, books.accountant)
            except Boom:
                pass
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    chunks = [ids[i::THREADS] for i in range(THREADS)]
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    with books.unit() as env:
        Move = env["account.move"]
        rows = env.session.execute(
            select(Move.id, Move.name, Move.state).where(Move.id.in_(ids))
        ).all()
    posted = sorted(name for _id, name, state in rows if state == "posted")
    drafts = [(mid, name) for mid, name, state in rows if state == "draft"]
    assert {mid for mid, _name in drafts} == failing
    assert all(name == "" for _mid, name in drafts)
    year = dt.date.today().year
    assert posted == [f"MISC/{year}/{n:05d}" for n in range(1, len(ids) - len(failing) + 1)]
