"""Named points where a test can make the process die, to prove crash safety.

Services call :func:`point` at the places where a crash hurts most — goods
reserved but the order not yet updated, stock moved but the invoice not yet
posted. Nothing happens unless ``SUANPAN_FAULT_POINTS`` (comma-separated names)
names the point: then the unit's pending writes are flushed to the database
(uncommitted, as in a real crash mid-request) and the process kills itself with
SIGKILL, which no ``finally`` or ``atexit`` can soften. The crash-safety tests
run a user action in a child process with one point armed, then check that the
database holds either all of the action or none of it, and that the action
succeeds when the user tries again.

Production never sets the variable; the cost of a disarmed point is one
environment look-up.
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.env import Env

VARIABLE = "SUANPAN_FAULT_POINTS"


def armed(name: str) -> bool:
    wanted = os.environ.get(VARIABLE)
    return bool(wanted) and name in wanted.split(",")  # type: ignore[union-attr]


def point(name: str, env: Env | None = None) -> None:
    """Die here, with the unit's writes sent but not committed, when ``name`` is armed."""
    if not armed(name):
        return
    if env is not None:
        env.session.flush()
    os.kill(os.getpid(), signal.SIGKILL)
