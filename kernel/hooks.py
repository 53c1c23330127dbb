"""pluggy markers and the per-instance plugin manager.

Each instance has its own :class:`pluggy.PluginManager` holding the kernel's
hook specifications, those of its installed addons, and the implementations
of its installed addons only. An implementation of an unknown hook fails loudly
when the manager is built, unless it is marked ``optionalhook=True`` — the way
an addon implements another addon's hook without depending on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

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
