"""What an addon registers: one explicit list, in the addon's ``register(parts)``.

Following Tryton's module ``register()``: everything an addon brings to an
instance is named in one place, and parts that only make sense next to another
addon say so with ``when=("other_addon",)`` — they are skipped where it is absent.
That is how accounting extends ``sale.order`` without depending on sales_order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kernel.models import KIND_ATTR, model_name_of

if TYPE_CHECKING:
    from kernel.workflow import Workflow, WorkflowExtension


@dataclass
class Conditional:
    item: Any
    when: tuple[str, ...] = ()

    def applies(self, installed: set[str]) -> bool:
        return set(self.when) <= installed


@dataclass
class AddonParts:
    """Collected from one addon's ``register(parts)`` function."""

    addon: str
    models: list[Conditional] = field(default_factory=list)
    plugins: list[Conditional] = field(default_factory=list)
    hookspecs: list[ModuleType] = field(default_factory=list)
    workflows: list[Conditional] = field(default_factory=list)
    workflow_extensions: list[Conditional] = field(default_factory=list)

    def model(self, *parts: type, when: tuple[str, ...] = ()) -> None:
        """Register model definitions (``@model``) and extensions (``@extend``)."""
        for part in parts:
            if model_name_of(part) is None or getattr(part, KIND_ATTR, None) is None:
                raise TypeError(f"{part.__name__} is neither @model nor @extend")
            part.__suanpan_addon__ = self.addon  # type: ignore[attr-defined]
            self.models.append(Conditional(part, when))

    def plugin(self, module: object, when: tuple[str, ...] = ()) -> None:
        """Register a module (or object) holding ``@hookimpl`` functions."""
        self.plugins.append(Conditional(module, when))

    def hookspec(self, module: ModuleType) -> None:
        """Declare the hook specifications this addon offers to others."""
        self.hookspecs.append(module)

    def workflow(self, workflow: Workflow) -> None:
        self.workflows.append(Conditional(workflow))

    def extend_workflow(self, extension: WorkflowExtension, when: tuple[str, ...] = ()) -> None:
        extension.addon = self.addon
        self.workflow_extensions.append(Conditional(extension, when))
