"""Password hashing with argon2id (pwdlib), cheap parameters under tests.

``SUANPAN_FAST_HASH=1`` (set by the test suite) lowers argon2's memory and time
costs: each production hash costs 64 MiB and about a quarter of a second, which
would dominate a test run. Hashes made either way verify either way.
"""

from __future__ import annotations

import os
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@cache
def _hasher() -> PasswordHash:
    if os.environ.get("SUANPAN_FAST_HASH") == "1":
        return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """(valid, new hash if the stored one should be upgraded)."""
    if not hashed:
        return False, None
    try:
        return _hasher().verify_and_update(password, hashed)
    except Exception:
        return False, None
