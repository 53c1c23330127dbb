"""The two caches: one per unit of work, one per composed registry (kernel.caches)."""

from __future__ import annotations

from sqlalchemy import text

from kernel.caches import RegistryCache, Slot, UnitCache
from kernel.instance import Instance

SEEN: Slot[list[str]] = Slot("tests.seen", list)
DRAFTED: Slot[set[int]] = Slot("tests.drafted", set, per_transaction=True)


def test_a_slot_is_made_on_first_use_and_belongs_to_its_unit(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        assert env.cache.peek(SEEN) is None
        env.cache.get(SEEN).append("Dune")
        assert env.cache.get(SEEN) == ["Dune"]
        assert env.cache.pop(SEEN) == ["Dune"]
        env.cache.get(SEEN).append("Ulysses")
    with library.unit(None, su=True) as env:
        assert env.cache.peek(SEEN) is None, "a new unit starts empty"


def test_a_rollback_forgets_what_the_transaction_wrote_but_not_the_rest(library: Instance) -> None:
    cache = UnitCache()
    cache.get(SEEN).append("kept")
    cache.get(DRAFTED).add(7)
    cache.milestones[("lib.book", 7)] = {}
    cache.created_records.add(("lib.book", 7))
    cache.forget_transaction()
    assert cache.peek(DRAFTED) is None
    assert cache.milestones == {} and cache.created_records == set()
    assert cache.get(SEEN) == ["kept"]
    with library.unit(None, su=True) as env:
        env.session.execute(text("SELECT 1"))  # a transaction is open (PostgreSQL begins lazily)
        env.cache.get(DRAFTED).add(1)
        env.session.rollback()
        assert env.cache.peek(DRAFTED) is None


def test_the_security_memo_is_per_stamp() -> None:
    cache = RegistryCache()
    cache.memo("a")["groups"] = {"x"}
    assert cache.memo("a") == {"groups": {"x"}}
    assert cache.memo("b") == {}, "a new stamp (rights changed) starts an empty memo"


def test_what_is_derived_from_the_registry_goes_with_it(
    library: Instance, library_loan: Instance
) -> None:
    """Views and metadata are kept on the registry: a newly composed registry (an addon
    installed) starts without them, and two instances never share them."""
    from kernel.web.introspect import collect_views, model_meta

    other = library_loan
    first = collect_views(library.registry)
    assert collect_views(library.registry) is first, "composed once per registry"
    assert collect_views(other.registry) is not first
    assert model_meta(library.registry, "lib.book") is model_meta(library.registry, "lib.book")
    assert model_meta(other.registry, "lib.book") is not model_meta(library.registry, "lib.book")


def test_no_code_keeps_its_own_keys_in_session_info() -> None:
    """State of a unit lives on ``env.cache`` (typed, or a declared ``Slot``): string keys
    in ``session.info`` were how 17 undeclared caches grew before; they must not come back."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("kernel", "addons")
        for path in (root / folder).rglob("*.py")
        if "session.info" in path.read_text(encoding="utf-8")
        and path.name != "caches.py"
        and "tests" not in path.parts
    ]
    assert offenders == []
