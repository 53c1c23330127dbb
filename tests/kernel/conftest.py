"""Shared fixtures of the kernel tests: the small test addons under ``tests/fixtures``."""

from __future__ import annotations

import pytest
from fixture_paths import ADDONS

from kernel.instance import Instance
from kernel.testing import MakeInstance


@pytest.fixture
def library(make_instance: MakeInstance) -> Instance:
    """An instance with only the ``library`` test addon."""
    return make_instance(["library"], addons_path=[ADDONS])


@pytest.fixture
def library_loan(make_instance: MakeInstance) -> Instance:
    """``library`` + ``library_loan`` (+ the ``library_glue`` addon that auto-installs)."""
    return make_instance(["library_loan"], addons_path=[ADDONS])
