"""The per-instance registry: composed model classes, hooks and workflows of one addon set.

Composition rule: for each model, the defining part comes from the addon that
declared ``@model``; every ``@extend`` part of the installed addons is stacked on
top, later addons (in dependency order) first in the MRO, so an override in a
later addon calls ``super()`` into the earlier ones. Each registry has its own
``DeclarativeBase``: two registries never share a class, a table or a column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, overload

import pluggy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, configure_mappers

from kernel.addons.manifest import Manifest
from kernel.addons.parts import AddonParts
from kernel.caches import RegistryCache
from kernel.errors import AddonError
from kernel.hooks import build_plugin_manager
from kernel.hookspecs import KernelHooks
from kernel.i18n import _
from kernel.models import KIND_ATTR, model_name_of
from kernel.models.core import CORE_MODELS

T = TypeVar("T")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@dataclass
class ModelInfo:
    name: str
    cls: type[Any]
    addon: str
    parts: list[tuple[str, type]]  # (addon, part) in application order, definition first


@dataclass
class Registry:
    """Everything an instance's installed addons contribute, composed once."""

    addons: list[Manifest]
    base: type[DeclarativeBase]
    models: dict[str, ModelInfo]
    pm: pluggy.PluginManager
    workflows: dict[str, Any] = field(default_factory=dict)
    column_owners: dict[tuple[str, str], str] = field(default_factory=dict)
    table_owners: dict[str, str] = field(default_factory=dict)
    _by_part: dict[type, type] = field(default_factory=dict)
    #: what is derived from this composition (metadata, views, the security memo)
    cache: RegistryCache = field(default_factory=RegistryCache, repr=False, compare=False)

    @property
    def metadata(self) -> MetaData:
        return self.base.metadata

    @property
    def addon_names(self) -> list[str]:
        return [m.name for m in self.addons]

    def has(self, addon: str) -> bool:
        return addon in self.addon_names

    def __contains__(self, model: str) -> bool:
        return model in self.models

    @overload
    def __getitem__(self, key: str) -> type[Any]: ...
    @overload
    def __getitem__(self, key: type[T]) -> type[T]: ...
    def __getitem__(self, key: str | type[T]) -> type[Any]:
        """The composed class for a model name or for any of its part classes."""
        if isinstance(key, str):
            try:
                return cast(type[T], self.models[key].cls)
            except KeyError:
                raise AddonError(
                    _("model %(model)s is not installed in this instance", model=key)
                ) from None
        found = self._by_part.get(key)
        if found is None:
            name = model_name_of(key)
            if name in self.models:
                return cast(type[T], self.models[name].cls)
            raise AddonError(
                _("model %(model)s is not installed in this instance", model=str(name or key))
            )
        return cast(type[T], found)

    def model_of(self, obj_or_cls: Any) -> ModelInfo:
        cls: Any = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
        return self.models[cls.__model_name__]

    def extension_report(self) -> list[str]:
        """Lines telling, per model, which addons contribute what and in which order."""
        lines = []
        for name, info in sorted(self.models.items()):
            if len(info.parts) > 1:
                chain = " → ".join(f"{addon}:{part.__name__}" for addon, part in info.parts)
                overrides = _method_overrides(info.parts)
                lines.append(f"{name}: {chain}")
                for method, addons in overrides.items():
                    lines.append(f"    {method}(): applied in order {' → '.join(addons)}")
        return lines


def _method_overrides(parts: list[tuple[str, type]]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for addon, part in parts:
        for attr, value in vars(part).items():
            if callable(value) and not attr.startswith("__"):
                seen.setdefault(attr, []).append(addon)
    return {k: v for k, v in seen.items() if len(v) > 1}


def build_registry(manifests: list[Manifest], parts_by_addon: dict[str, AddonParts]) -> Registry:
    """Compose the registry of an instance whose installed addons are ``manifests`` (ordered)."""
    installed = {"kernel", *(m.name for m in manifests)}

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING)

    definitions: dict[str, tuple[str, type]] = {}
    extensions: dict[str, list[tuple[str, type]]] = {}
    ordered: list[tuple[str, type]] = [("kernel", part) for part in kernel_models()]
    for manifest in manifests:
        parts = parts_by_addon.get(manifest.name)
        if parts is None:
            continue
        ordered.extend((manifest.name, c.item) for c in parts.models if c.applies(installed))
    for addon, part in ordered:
        name = model_name_of(part)
        assert name is not None
        if getattr(part, KIND_ATTR) == "define":
            if name in definitions:
                raise AddonError(
                    _(
                        "model %(model)s is defined twice (%(first)s and %(second)s)",
                        model=name,
                        first=definitions[name][0],
                        second=addon,
                    )
                )
            definitions[name] = (addon, part)
        else:
            extensions.setdefault(name, []).append((addon, part))

    models: dict[str, ModelInfo] = {}
    by_part: dict[type, type] = {}
    column_owners: dict[tuple[str, str], str] = {}
    table_owners: dict[str, str] = {}
    class_names: dict[str, str] = {}
    for name, (addon, definition) in definitions.items():
        exts = extensions.pop(name, [])
        chain = [(addon, definition), *exts]
        bases = tuple(part for _a, part in reversed(chain))
        cls_name = definition.__name__
        if cls_name in class_names:
            raise AddonError(
                _(
                    "class name %(cls)s is used by models %(a)s and %(b)s",
                    cls=cls_name,
                    a=class_names[cls_name],
                    b=name,
                )
            )
        class_names[cls_name] = name
        namespace = {
            "__module__": definition.__module__,
            "__qualname__": cls_name,
            "__model_name__": name,
            "__addon__": addon,
        }
        cls: Any = type(cls_name, (*bases, Base), namespace)
        models[name] = ModelInfo(name=name, cls=cls, addon=addon, parts=chain)
        for _a, part in chain:
            by_part[part] = cls
        table = cls.__table__
        table_owners[table.name] = addon
        for column in table.columns:
            column_owners[(table.name, column.name)] = _column_owner(column.key, chain)
    if extensions:
        # An extension of a model nobody installed defines: it is a part declared
        # without a matching ``when=`` condition, i.e. a bug in that addon.
        missing = ", ".join(f"{m} (by {parts[0][0]})" for m, parts in extensions.items())
        raise AddonError(_("extensions of models that are not installed: %(list)s", list=missing))

    configure_mappers()
    specs = []
    plugins: list[tuple[str, object]] = []
    for manifest in manifests:
        parts = parts_by_addon.get(manifest.name)
        if parts is None:
            continue
        specs.extend(parts.hookspecs)
        for index, plugin in enumerate(c.item for c in parts.plugins if c.applies(installed)):
            plugins.append((f"{manifest.name}:{index}", plugin))
    pm = build_plugin_manager(specs, plugins)
    registry = Registry(
        addons=list(manifests),
        base=Base,
        models=models,
        pm=pm,
        column_owners=column_owners,
        table_owners=table_owners,
        _by_part=by_part,
    )
    _compose_workflows(registry, manifests, parts_by_addon, installed)
    KernelHooks(pm).registry_ready(registry=registry)
    return registry


def kernel_models() -> tuple[type, ...]:
    """The kernel's own models: core plus those behind the web host."""
    from kernel.jobs.models import JOB_MODELS
    from kernel.mail.models import MAIL_MODELS
    from kernel.web.models import WEB_MODELS

    return CORE_MODELS + WEB_MODELS + JOB_MODELS + MAIL_MODELS


def _column_owner(key: str, chain: list[tuple[str, type]]) -> str:
    for addon, part in chain:
        if key in vars(part) or key in getattr(part, "__annotations__", {}):
            return addon
    return chain[0][0]


def _compose_workflows(
    registry: Registry,
    manifests: Iterable[Manifest],
    parts_by_addon: dict[str, AddonParts],
    installed: set[str],
) -> None:
    from kernel.workflow import compose_workflow

    bases: dict[str, Any] = {}
    exts: dict[str, list[Any]] = {}
    for manifest in manifests:
        parts = parts_by_addon.get(manifest.name)
        if parts is None:
            continue
        for c in parts.workflows:
            bases[c.item.model] = c.item
        for c in parts.workflow_extensions:
            if c.applies(installed):
                exts.setdefault(c.item.model, []).append(c.item)
    for model_name, workflow in bases.items():
        registry.workflows[model_name] = compose_workflow(workflow, exts.pop(model_name, []))
