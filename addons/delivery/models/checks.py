"""Small value checks shared by the delivery models' write hooks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def dec(value: Any) -> Decimal:
    """The value as a Decimal (data files and forms may hand over text before the flush)."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)  # the column type refuses it with its own message at flush
