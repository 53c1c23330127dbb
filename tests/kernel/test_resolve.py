"""Dependency resolution: clear errors, deterministic order, nothing half-installed."""

from __future__ import annotations

import pytest
from fixture_paths import ADDONS, BROKEN, CYCLE, FIXTURES, MISSING

from kernel import lifecycle, schema
from kernel.addons.discovery import discover
from kernel.addons.resolve import closure, dependents, order, with_auto_install
from kernel.errors import AddonError
from kernel.instance import Instance
from kernel.testing import MakeInstance, table_counts


def _state(instance: Instance) -> tuple[object, dict[str, int], list[str]]:
    with instance.engine.connect() as conn:
        picture = schema.snapshot(conn)
    return picture, table_counts(instance), instance.installed_names()


def test_missing_dependency_names_the_addon_that_needs_it(make_instance: MakeInstance) -> None:
    instance = make_instance(addons_path=[ADDONS, MISSING])
    before = _state(instance)
    with pytest.raises(AddonError) as caught:
        lifecycle.install(instance, ["library_orphan"])
    message = str(caught.value)
    assert "library_orphan" in message and "library_scanner" in message
    assert _state(instance) == before, "a failed resolution must not install anything"


def test_cycle_names_its_members_and_installs_nothing(make_instance: MakeInstance) -> None:
    instance = make_instance(addons_path=[CYCLE])
    before = _state(instance)
    with pytest.raises(AddonError) as caught:
        lifecycle.install(instance, ["cycle_a"])
    message = str(caught.value)
    assert "cycle" in message and "cycle_a" in message and "cycle_b" in message
    assert _state(instance) == before


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("librari", "library"), ("library_lone", "library_loan")]
)
def test_unknown_addon_suggests_the_closest_name(
    make_instance: MakeInstance, typo: str, suggestion: str
) -> None:
    instance = make_instance(addons_path=[ADDONS])
    before = _state(instance)
    with pytest.raises(AddonError) as caught:
        lifecycle.install(instance, [typo])
    assert f"unknown addon {typo}" in str(caught.value)
    assert f"did you mean {suggestion}?" in str(caught.value)
    assert _state(instance) == before


def test_unknown_addon_without_a_close_name_just_says_unknown() -> None:
    with pytest.raises(AddonError, match=r"unknown addon zzz_nothing_like_it$"):
        closure(["zzz_nothing_like_it"], discover([ADDONS]))


def test_broken_manifest_names_the_file_and_the_problem(tmp_path: object) -> None:
    with pytest.raises(AddonError) as caught:
        discover([BROKEN])
    message = str(caught.value)
    assert "bad_manifest/manifest.toml" in message
    assert "not valid TOML" in message


def test_addons_path_entry_must_be_a_folder() -> None:
    with pytest.raises(AddonError, match="is not a folder"):
        discover([str(FIXTURES / "no_such_folder")])


def test_order_puts_dependencies_first_and_is_stable() -> None:
    available = discover([ADDONS])
    names = ["library_glue", "library_loan", "library"]
    assert order(names, available) == ["library", "library_loan", "library_glue"]
    assert order(list(reversed(names)), available) == order(names, available)


def test_auto_install_glue_needs_all_its_dependencies() -> None:
    available = discover([ADDONS])
    assert "library_glue" not in with_auto_install({"library"}, available)
    assert "library_glue" in with_auto_install({"library", "library_loan"}, available)


def test_auto_install_glue_installs_once_its_dependencies_are_present(
    library: Instance,
) -> None:
    assert "library_glue" not in library.installed_names()
    new = lifecycle.install(library, ["library_loan"])
    assert new == ["library_loan", "library_glue"]
    assert library.installed_names() == ["library", "library_loan", "library_glue"]
    assert "library_glue" in library.registry.addon_names


def test_dependents_are_transitive_and_ordered() -> None:
    available = discover([ADDONS])
    installed = ["library", "library_loan", "library_glue", "library_fragile"]
    assert dependents("library", installed, available) == [
        "library_fragile",
        "library_loan",
        "library_glue",
    ]
    assert dependents("library_loan", installed, available) == ["library_glue"]
    assert dependents("library_glue", installed, available) == []
