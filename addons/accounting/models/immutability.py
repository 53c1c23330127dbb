"""Reading what a record held in the database, for ``__immutable__`` rules.

A rule must judge a change by the state the record had *before* it: a draft
entry becoming posted is allowed, a posted entry becoming anything else is not.
The current attribute value cannot tell the two apart, the attribute history can.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect


def committed(record: Any, field: str) -> Any:
    """The value of ``field`` as loaded from the database (``None`` for a new record)."""
    state = inspect(record)
    if state.transient or state.pending:
        return None
    history = state.attrs[field].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    if history.added:
        return None  # set without the old value ever being loaded: it was empty
    return getattr(record, field)
