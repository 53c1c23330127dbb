"""Where the kernel tests' fixture addons live (imported by the test modules)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ADDONS = str(FIXTURES / "addons")
MISSING = str(FIXTURES / "missing_dep")
CYCLE = str(FIXTURES / "cycle")
BROKEN = str(FIXTURES / "broken_manifest")
MISSPELT = str(FIXTURES / "misspelt_hook")
