"""pluggy markers and the per-instance plugin manager.

Each instance has its own :class:`pluggy.PluginManager` holding the kernel's
hook specifications, those of its installed addons, and the implementations
of its installed addons only. An implementation of an unknown hook fails loudly
when the manager is built, unless it is marked ``optionalhook=True`` — the way
an addon implements another addon's hook without depending on it.

Callers use a typed facade (:class:`HookFacade`) instead of the bare relay: each
hookspec module declares one subclass with one method per hook, so a misspelt
hook, a missing argument or a misread result is a type error, not a runtime
surprise.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any, Protocol

import pluggy

from kernel.errors import AddonError
from kernel.i18n import _

PROJECT = "suanpan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


def build_plugin_manager(
    specs: Iterable[ModuleType], plugins: Iterable[tuple[str, object]]
) -> pluggy.PluginManager:
    """A manager with ``specs`` declared and ``plugins`` (name, module) registered."""
    from kernel import hookspecs as kernel_specs

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(kernel_specs)
    for spec in specs:
        pm.add_hookspecs(spec)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise AddonError(
            _("hook implementation does not match any hook: %(reason)s", reason=str(exc))
        ) from exc
    return pm


class _HasHooks(Protocol):
    @property
    def hook(self) -> pluggy.HookRelay: ...


class HookFacade:
    """Typed calls of one hookspec module's hooks (after tox's plugin manager).

    A subclass, declared next to its hookspecs, has one method per hook taking the
    hook's arguments as keywords, with the hookspec's types, and returning what the
    *call* returns: ``None`` for a hook whose implementations return nothing, the
    list of non-``None`` answers for a gathering hook (``list[list[CheckResult]]``
    for ``sale_order_checks``), the first answer (or ``None``) for a ``firstresult``
    one. ``tests/kernel/test_hook_facades.py`` checks every facade against its
    module's hookspecs.

    Build one from anything holding the relay: ``SalesOrderHooks(env)``,
    ``KernelHooks(registry.pm)`` or ``KernelHooks(env.hook)``.
    """

    __slots__ = ("_hook",)

    def __init__(self, source: pluggy.HookRelay | _HasHooks) -> None:
        if isinstance(source, pluggy.HookRelay):
            self._hook: Any = source
        else:
            self._hook = source.hook
