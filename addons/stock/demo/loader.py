"""Demo data: initial stock of base's demo products (through an inventory count) and reorder rules."""

from __future__ import annotations

from typing import Any


def load(env: Any) -> None:
    return None
