"""Model policies: what the generic API, forms, CLI and hooks may do with each model.

Access rights (``[[access]]`` rows) say *which groups* may read, create, write or
delete a model. A policy says *what kind of model* it is, which rights alone do
not express: records only the kernel's own services may write (sequence
counters, workflow history, the outbox, API keys), columns fixed once a record
exists, and records whose access follows another record (attachments).

Policies are declared as data next to the access rights, in the same TOML files
(``kernel/data/kernel.toml`` for the kernel, an addon's data files for its models)::

    [[policy]]
    models = ["sale.order", "sale.order.line"]
    kind = "data"              # the access rights decide every operation

    [[policy]]
    model = "ir.sequence.counter"
    kind = "system"            # written only by kernel services
    system = "cwd"             # which operations are reserved (default "cwd"; "r" hides reads too)

    [[policy]]
    model = "ir.attachment"
    kind = "data"
    attached = true            # each row follows the record its model/res_id name
    immutable = ["model", "res_id"]

Record rules (``[[rule]]``, :class:`Rule`) live in the same files and say which
*rows* a user sees and changes: their own (``kind = "own"``) or those of their
allowed companies (``kind = "company"``)::

    [[rule]]
    model = "sale.order"
    kind = "own"
    field = "salesperson_id"
    groups = ["sales_order.group_own"]     # bound: these groups (empty: everyone)
    bypass = ["sales_order.group_manager"] # never bound: these groups

They are read once per registry (they change with the code, not per instance) and
enforced by :mod:`kernel.security`, the one check point every path goes through.
Why data and not code: the whole picture is one grep away, the permission matrix
test compares it with the expected file, and the conformance kit can require that
every model has one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kernel.errors import AddonError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.models.registry import Registry

KINDS = ("data", "system")
OPERATION_LETTERS = {"r": "read", "c": "create", "w": "write", "d": "delete"}
KERNEL_DATA = Path(__file__).parent / "data" / "kernel.toml"


@dataclass(frozen=True)
class Policy:
    """One model's policy; ``declared`` is False for the default given to undeclared models."""

    model: str
    kind: str = "data"
    system: frozenset[str] = frozenset()
    immutable: frozenset[str] = frozenset()
    attached: bool = False
    note: str = ""
    addon: str = ""
    declared: bool = True

    def describe(self) -> str:
        """One line for reports and docs: ``system (create, write, delete); fixed: user_id``."""
        parts = [self.kind]
        if self.system:
            ops = [op for op in ("read", "create", "write", "delete") if op in self.system]
            parts[0] += f" ({', '.join(ops)} by kernel services only)"
        if self.attached:
            parts.append("follows its record (model, res_id)")
        if self.immutable:
            parts.append("fixed after creation: " + ", ".join(sorted(self.immutable)))
        return "; ".join(parts)


DEFAULT = Policy(model="", declared=False)


RULE_KINDS = ("own", "company")


@dataclass(frozen=True)
class Rule:
    """A record rule: which rows of ``model`` a user sees and may change.

    ``own``: rows whose ``field`` is the user (``shared_null``: unassigned rows too).
    ``company``: rows whose ``field`` is one of the user's allowed companies, or
    empty (NULL company = master data shared by every company). ``field`` may go
    through one many-to-one (``order_id.company_id``: lines follow their order).
    ``groups``: the rule binds only members of these groups (empty: everyone);
    ``bypass``: members of these groups are not bound (a sales manager).
    """

    model: str
    kind: str
    field: str
    groups: frozenset[str] = frozenset()
    bypass: frozenset[str] = frozenset()
    shared_null: bool = False
    addon: str = ""

    def binds(self, groups: frozenset[str]) -> bool:
        if self.bypass & groups:
            return False
        return not self.groups or bool(self.groups & groups)


@dataclass
class PolicySet:
    """Every policy of a registry, by model name, and every record rule."""

    by_model: dict[str, Policy] = field(default_factory=dict)
    rules: dict[str, list[Rule]] = field(default_factory=dict)

    def of(self, model: str) -> Policy:
        return self.by_model.get(model, DEFAULT)

    def system_read(self) -> frozenset[str]:
        return frozenset(m for m, p in self.by_model.items() if "read" in p.system)

    def attached(self) -> frozenset[str]:
        return frozenset(m for m, p in self.by_model.items() if p.attached)


def policies(registry: Registry) -> PolicySet:
    """The registry's policies, read from the data files once and kept with the registry."""
    cached: PolicySet | None = registry.__dict__.get("_policies")
    if cached is None:
        cached = load(registry)
        registry.__dict__["_policies"] = cached
    return cached


def policy_of(registry: Registry, model: str) -> Policy:
    return policies(registry).of(model)


def load(registry: Registry) -> PolicySet:
    found = PolicySet()
    sources: list[tuple[str, Path]] = [("kernel", KERNEL_DATA)]
    for manifest in registry.addons:
        sources += [
            (manifest.name, manifest.path / entry)
            for entry in manifest.data
            if entry.endswith(".toml")
        ]
    for addon, path in sources:
        for item in read_items(path, "rule"):
            rule = parse_rule(addon, item, path)
            found.rules.setdefault(rule.model, []).append(rule)
        for item in read_policies(path):
            for policy in parse(addon, item, path):
                if policy.model in found.by_model:
                    raise AddonError(
                        _(
                            "%(path)s declares a second policy for %(model)s",
                            path=str(path),
                            model=policy.model,
                        )
                    )
                found.by_model[policy.model] = policy
    return found


def read_policies(path: Path) -> list[dict[str, Any]]:
    return read_items(path, "policy")


def read_items(path: Path, table: str) -> list[dict[str, Any]]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AddonError(
            _("cannot read data file %(path)s: %(reason)s", path=str(path), reason=str(exc))
        ) from exc
    items: list[dict[str, Any]] = doc.get(table, [])
    return items


def parse_rule(addon: str, item: dict[str, Any], path: Path) -> Rule:
    """One ``[[rule]]`` table: model, kind (own or company), field, groups, bypass."""
    model, kind, column = item.get("model"), item.get("kind"), item.get("field")
    if not model or kind not in RULE_KINDS or not column or str(column).count(".") > 1:
        raise AddonError(
            _(
                "%(path)s: a rule needs model, a kind among %(kinds)s and a field "
                "(at most one dot: order_id.company_id)",
                path=str(path),
                kinds=", ".join(RULE_KINDS),
            )
        )
    return Rule(
        model=str(model),
        kind=str(kind),
        field=str(column),
        groups=frozenset(item.get("groups", ())),
        bypass=frozenset(item.get("bypass", ())),
        shared_null=bool(item.get("shared_null", kind == "company")),
        addon=addon,
    )


def parse(addon: str, item: dict[str, Any], path: Path) -> list[Policy]:
    """The policies one ``[[policy]]`` table declares (``model`` or ``models``)."""
    names = item.get("models") or ([item["model"]] if item.get("model") else [])
    kind = item.get("kind")
    if not names or kind not in KINDS:
        raise AddonError(
            _(
                "%(path)s: a policy needs model (or models) and a kind among %(kinds)s",
                path=str(path),
                kinds=", ".join(KINDS),
            )
        )
    letters = str(item.get("system", "cwd" if kind == "system" else ""))
    unknown = set(letters) - set(OPERATION_LETTERS)
    if unknown or (letters and kind != "system"):
        raise AddonError(
            _(
                "%(path)s: system operations are any of rcwd, on system policies only",
                path=str(path),
            )
        )
    return [
        Policy(
            model=name,
            kind=kind,
            system=frozenset(OPERATION_LETTERS[x] for x in letters),
            immutable=frozenset(item.get("immutable", ())),
            attached=bool(item.get("attached", False)),
            note=str(item.get("note", "")),
            addon=addon,
        )
        for name in names
    ]


def undeclared(registry: Registry, addon: str | None = None) -> list[str]:
    """Models (of ``addon``, or all) without an explicit policy: the conformance kit refuses them."""
    known = policies(registry).by_model
    return sorted(
        name
        for name, info in registry.models.items()
        if name not in known and (addon is None or info.addon == addon)
    )


def misplaced(registry: Registry) -> list[str]:
    """Policies naming unknown models, or models another addon defines."""
    problems = []
    for name, policy in policies(registry).by_model.items():
        info = registry.models.get(name)
        if info is None:
            problems.append(f"{policy.addon}: policy for unknown model {name}")
        elif info.addon != policy.addon:
            problems.append(f"{policy.addon}: policy for {name}, which {info.addon} defines")
    return problems
