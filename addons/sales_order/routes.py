"""Web routes of sales orders (PDF, saved filters); filled when the web host exists."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
