"""Every hookspec module has a typed facade that matches its hooks one for one.

The facades (:class:`kernel.hooks.HookFacade`) are what callers use instead of the
bare pluggy relay, so they must not drift from the specifications: one method per
hook, the hook's parameters as keyword-only arguments with the same types, and the
return type of the *call* — the spec's own for ``firstresult`` hooks and hooks
returning ``None``, a list of the spec's for gathering hooks.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType

import pytest

from kernel import hookdocs
from kernel.hooks import HookFacade, build_plugin_manager, hookimpl

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["kernel.hookspecs"] + [
    f"addons.{path.parent.name}.hookspecs"
    for path in sorted((ROOT / "addons").glob("*/hookspecs.py"))
]


def facade_of(module: ModuleType) -> type[HookFacade]:
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, HookFacade)
        and value is not HookFacade
        and value.__module__ == module.__name__
    ]
    assert len(found) == 1, f"{module.__name__} declares {len(found)} facades, expected one"
    return found[0]


@pytest.mark.parametrize("module_name", MODULES)
def test_facade_matches_the_hookspecs(module_name: str) -> None:
    module = importlib.import_module(module_name)
    facade = facade_of(module)
    specs = {f.__name__: f for f in hookdocs.spec_functions(module)}
    methods = {
        name
        for name, value in vars(facade).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }
    assert methods == set(specs), f"{facade.__name__} and {module_name} name different hooks"
    for name, spec in specs.items():
        spec_sig = inspect.signature(spec)
        call_sig = inspect.signature(getattr(facade, name))
        params = list(call_sig.parameters.values())[1:]  # without self
        assert [p.name for p in params] == list(spec_sig.parameters), name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), name
        assert [p.annotation for p in params] == [
            p.annotation for p in spec_sig.parameters.values()
        ], f"{facade.__name__}.{name} types its arguments differently from the hookspec"
        returns = spec_sig.return_annotation
        options = getattr(spec, hookdocs.SPEC_MARK)
        expected = (
            returns if options.get("firstresult") or returns == "None" else f"list[{returns}]"
        )
        assert call_sig.return_annotation == expected, f"{facade.__name__}.{name}"


class _Answers:
    """Two addons' worth of implementations of stock's hooks."""

    def __init__(self, reference: str | None) -> None:
        self.reference = reference

    @hookimpl
    def stock_replenish(self, env: object, product_id: int, quantity: object) -> str | None:
        return self.reference

    @hookimpl
    def stock_reservation_changed(self, env: object, moves: list[object]) -> None:
        assert moves == ["m1"]


def test_facade_forwards_keywords_and_returns_what_the_call_returns() -> None:
    from addons.stock import hookspecs as stock_specs
    from addons.stock.hookspecs import StockHooks

    pm = build_plugin_manager([stock_specs], [("a", _Answers(None)), ("b", _Answers("PO-1"))])
    hooks = StockHooks(pm)
    env: object = None
    # firstresult: the first non-None answer (b registered last, called first)
    assert (
        hooks.stock_replenish(
            env=env,  # type: ignore[arg-type]
            product_id=1,
            warehouse_id=1,
            quantity=1,  # type: ignore[arg-type]
            origin_model="stock.reorder.rule",
            origin_id=None,
        )
        == "PO-1"
    )
    assert hooks.stock_reservation_changed(env=env, moves=["m1"]) is None  # type: ignore[arg-type]
    assert StockHooks(pm.hook)._hook is pm.hook
