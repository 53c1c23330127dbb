"""The public tracking page's rate limit, per client address.

Why: the page needs no sign-in and its token is the only key, so it is what a
script would hammer to guess tokens (192 random bits make guessing hopeless, but
each try still costs a query) or to scrape. The limit reuses the API keys'
sliding-window counter (:mod:`kernel.web.ratelimit`) on ``delivery.track.usage``:
:data:`DEFAULT_PER_MINUTE` views per minute and address, or
``SUANPAN_TRACK_RATE_LIMIT`` (0 turns it off). A customer refreshing the page
never meets it; over it, the answer is a 429 with ``Retry-After``.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from sqlalchemy import delete

from kernel.web.ratelimit import MINUTE, record

if TYPE_CHECKING:
    from kernel.instance import Instance

DEFAULT_PER_MINUTE = 60
ENV_LIMIT = "SUANPAN_TRACK_RATE_LIMIT"


def limit() -> int:
    raw = os.environ.get(ENV_LIMIT, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_PER_MINUTE


def count_view(instance: Instance, address: str) -> int | None:
    """Count one view from ``address``; seconds to wait when it is over the limit, else None."""
    per_minute = limit()
    if per_minute <= 0:
        return None
    with instance.unit(None, su=True) as env:
        Usage = env["delivery.track.usage"]
        usage = record(env.session, Usage, address[:64] or "unknown")
        if usage.count == 1 and usage.previous == 0:
            # a new minute for this address: forget addresses quiet for two minutes
            stale = int(time.time() // MINUTE) - 2
            env.session.execute(delete(Usage.__table__).where(Usage.__table__.c.minute < stale))
        return usage.retry_after(per_minute)
