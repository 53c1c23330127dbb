"""Dependency resolution: ordering addons and explaining why an order is impossible."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from kernel.addons.manifest import Manifest
from kernel.errors import AddonError
from kernel.i18n import _


def unknown_addon(name: str, available: Iterable[str]) -> AddonError:
    close = difflib.get_close_matches(name, list(available), n=1)
    if close:
        return AddonError(
            _(
                "unknown addon %(name)s — did you mean %(suggestion)s?",
                name=name,
                suggestion=close[0],
            )
        )
    return AddonError(_("unknown addon %(name)s", name=name))


def closure(names: Iterable[str], available: Mapping[str, Manifest]) -> set[str]:
    """``names`` and everything they depend on, transitively."""
    wanted: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        if name not in available:
            raise unknown_addon(name, available)
        wanted.add(name)
        for dep in available[name].depends:
            if dep not in available:
                raise AddonError(
                    _(
                        "addon %(needer)s depends on %(missing)s, which cannot be found",
                        needer=name,
                        missing=dep,
                    )
                )
            stack.append(dep)
    return wanted


def with_auto_install(names: set[str], available: Mapping[str, Manifest]) -> set[str]:
    """Add glue addons whose dependencies are all present, until nothing changes."""
    result = set(names)
    changed = True
    while changed:
        changed = False
        for manifest in available.values():
            if (
                manifest.auto_install
                and manifest.name not in result
                and set(manifest.depends) <= result
            ):
                result.add(manifest.name)
                changed = True
    return result


def order(names: Iterable[str], available: Mapping[str, Manifest]) -> list[str]:
    """Dependencies first; ties broken by name so the order is stable everywhere."""
    pending = set(names)
    placed: list[str] = []
    done: set[str] = set()
    while pending:
        ready = sorted(
            n for n in pending if all(d in done or d not in pending for d in available[n].depends)
        )
        if not ready:
            raise AddonError(
                _(
                    "dependency cycle between %(members)s",
                    members=", ".join(find_cycle(pending, available)),
                )
            )
        for name in ready:
            placed.append(name)
            done.add(name)
            pending.discard(name)
    return placed


def find_cycle(names: set[str], available: Mapping[str, Manifest]) -> list[str]:
    """One cycle among ``names``, as a path that returns to its start."""
    visiting: list[str] = []
    seen: set[str] = set()

    def walk(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in seen:
            return None
        seen.add(node)
        visiting.append(node)
        for dep in available[node].depends:
            if dep in names:
                found = walk(dep)
                if found:
                    return found
        visiting.pop()
        return None

    for start in sorted(names):
        cycle = walk(start)
        if cycle:
            return cycle
    return sorted(names)


def dependents(name: str, installed: Iterable[str], available: Mapping[str, Manifest]) -> list[str]:
    """Installed addons that need ``name``, directly or not."""
    installed_set = set(installed)
    result: set[str] = set()
    changed = True
    while changed:
        changed = False
        for other in installed_set - result - {name}:
            deps = set(available[other].depends) if other in available else set()
            if name in deps or deps & result:
                result.add(other)
                changed = True
    return order(result, available) if result else []
