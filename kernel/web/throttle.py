"""Sign-in throttling: slow guessing down without handing an attacker a way to lock everybody out.

The earlier rule refused an *address* after 20 failures; behind one NAT or proxy
that let anybody lock out the whole office, administrator included. The policy
now has three parts, each counted from ``web.login.attempt`` rows (one per failed
sign-in, shared by every worker):

* **Per account, with backoff.** After :data:`ACCOUNT_FREE` failures for one
  login (from anywhere, since its last successful sign-in, within a day) the
  account is locked for :data:`ACCOUNT_LOCK`, doubling with every further
  failure (5, 10, 20, 40 minutes … at most a day). While locked, attempts are
  refused without checking the password and do not count. Unknown logins are
  treated the same, so the answers do not reveal which logins exist.
* **Per address and login pair, a cool-down.** After :data:`PAIR_FREE` failures
  for one login from one address within :data:`WINDOW`, that pair must wait
  :data:`PAIR_COOLDOWN` before the next try, doubling per failure (2 s, 4 s, 8 s
  … at most 5 minutes). Other logins from the same address are not affected.
* **Per address, a delay, never a lock.** After :data:`ADDRESS_FREE` failures
  from one address within :data:`WINDOW` (any logins: password spraying), every
  sign-in answer to that address is delayed a little longer (0.25 s more per
  failure, at most 3 s). Colleagues behind the same address still sign in.

Why these numbers: a person who mistypes gets three immediate retries and a
lock only after ten; a script gets about a dozen guesses per account per
quarter-hour from one address and a few per hour across many, and must keep
its requests open to spray.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

WINDOW = dt.timedelta(minutes=15)
MEMORY = dt.timedelta(days=1)
ACCOUNT_FREE = 10
ACCOUNT_LOCK = dt.timedelta(minutes=5)
ACCOUNT_LOCK_MAX = dt.timedelta(days=1)
PAIR_FREE = 3
PAIR_COOLDOWN = dt.timedelta(seconds=2)
PAIR_COOLDOWN_MAX = dt.timedelta(minutes=5)
ADDRESS_FREE = 20
ADDRESS_DELAY_STEP = 0.25
ADDRESS_DELAY_MAX = 3.0


def _doubling(base: dt.timedelta, steps: int, cap: dt.timedelta) -> dt.timedelta:
    return min(base * (1 << min(steps, 30)), cap)


def account_lock(failures: int) -> dt.timedelta | None:
    """How long an account is locked after its ``failures``-th failure (None: not locked)."""
    if failures < ACCOUNT_FREE:
        return None
    return _doubling(ACCOUNT_LOCK, failures - ACCOUNT_FREE, ACCOUNT_LOCK_MAX)


def pair_cooldown(failures: int) -> dt.timedelta | None:
    """The wait an (address, login) pair owes after its ``failures``-th failure."""
    if failures < PAIR_FREE:
        return None
    return _doubling(PAIR_COOLDOWN, failures - PAIR_FREE, PAIR_COOLDOWN_MAX)


def address_delay(failures: int) -> float:
    """Seconds every sign-in answer to an address with ``failures`` recent failures waits."""
    if failures < ADDRESS_FREE:
        return 0.0
    return min(ADDRESS_DELAY_STEP * (failures - ADDRESS_FREE + 1), ADDRESS_DELAY_MAX)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@dataclass(frozen=True)
class Standing:
    """What the recorded failures say about one sign-in attempt, before it is checked."""

    account_failures: int
    account_last: dt.datetime | None
    pair_failures: int
    pair_last: dt.datetime | None
    address_failures: int

    def locked_until(self) -> dt.datetime | None:
        lock = account_lock(self.account_failures)
        if lock is None or self.account_last is None:
            return None
        return self.account_last + lock

    def cooling_until(self) -> dt.datetime | None:
        wait = pair_cooldown(self.pair_failures)
        if wait is None or self.pair_last is None:
            return None
        return self.pair_last + wait

    @property
    def delay(self) -> float:
        return address_delay(self.address_failures)


def standing(
    session: Session, attempt: Any, login: str, address: str, now: dt.datetime
) -> Standing:
    """Read the failures that concern ``login`` from ``address`` (two statements)."""
    since = now - WINDOW
    in_pair = (attempt.address == address) & (attempt.at >= since)
    row = session.execute(
        select(
            func.count(attempt.id),
            func.max(attempt.at),
            func.coalesce(func.sum(case((in_pair, 1), else_=0)), 0),
            func.max(case((in_pair, attempt.at), else_=None)),
        ).where(attempt.login == login, attempt.at >= now - MEMORY)
    ).one()
    by_address = session.scalar(
        select(func.count(attempt.id)).where(attempt.address == address, attempt.at >= since)
    )
    return Standing(
        account_failures=int(row[0] or 0),
        account_last=_aware(row[1]),
        pair_failures=int(row[2] or 0),
        pair_last=_aware(row[3]),
        address_failures=int(by_address or 0),
    )


def seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    """Whole seconds from ``now`` to ``moment``, at least 1 (for ``Retry-After``)."""
    return max(1, math.ceil((moment - now).total_seconds()))
