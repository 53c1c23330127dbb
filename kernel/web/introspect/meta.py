"""Field metadata of a model, read from the composed registry; shared by the screens and the API.

Why one table: the list screen, the form, the exports and the JSON API must agree
on which columns exist, what type they are (a ``Money`` is not a float), what they
are called (``column.info["label"]``) and which are secret (``info["hidden"]``).
Only the names found here are ever turned into SQL — every field name that comes
from a request is looked up in this table first, so nothing user-typed reaches SQL
text. Built once per registry (:class:`kernel.caches.RegistryCache`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, Text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipDirection

from kernel.caches import Slot
from kernel.errors import NotFound, ValidationError
from kernel.fields import Exact, Money, Quantity, UTCDateTime
from kernel.i18n import LazyString, _, text_of

if TYPE_CHECKING:
    from kernel.models.registry import Registry


SECRET_SUFFIXES = ("_hash",)


@dataclass
class FieldMeta:
    """One column of a model as the UI and the API see it."""

    name: str
    type: str  # char text integer boolean money quantity decimal date datetime selection many2one json
    label: str | LazyString
    help: str | LazyString | None = None
    required: bool = False
    readonly: bool = False
    selection: list[tuple[str, str | LazyString]] | None = None
    relation: str | None = None  # target model of a many2one
    relationship: str | None = None  # attribute holding the related record
    scale: int | None = None
    size: int | None = None
    widget: str | None = None
    nullable: bool = True
    default: Any = None  # the column's scalar default, shown on new records
    # a callable default without arguments (``date.today``), evaluated for a new form
    default_factory: Callable[[], Any] | None = None
    has_default: bool = False  # left empty on a new record, the column's default applies
    # a many-to-one's default given by external id (``info(..., default_ref="base.uom_unit")``):
    # the record a new form shows pre-selected in the picker
    default_ref: str | None = None
    # integers: the column's width — PostgreSQL ``INTEGER`` holds 32 bits, ``BIGINT`` 64
    bits: int = 64

    def initial(self) -> Any:
        """What a new record's form shows: the scalar default, or today's date/time.

        Why only dates: other callable defaults may depend on the insert's context
        (or be secrets); "today" is what a person expects to see pre-filled.
        """
        if self.default is not None or self.default_factory is None:
            return self.default
        if self.type not in ("date", "datetime"):
            return None
        try:
            return self.default_factory()
        except Exception:
            return None

    @property
    def numeric(self) -> bool:
        return self.type in ("money", "quantity", "decimal", "integer")

    @property
    def summable(self) -> bool:
        return self.type in ("money", "quantity")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "label": text_of(self.label),
            "help": text_of(self.help) or None,
            "required": self.required,
            "readonly": self.readonly,
        }
        if self.selection is not None:
            data["selection"] = [[k, text_of(v)] for k, v in self.selection]
        if self.relation:
            data["relation"] = self.relation
        if self.scale is not None:
            data["scale"] = self.scale
        if self.size is not None:
            data["size"] = self.size
        return data


@dataclass
class O2MMeta:
    """A one-to-many relationship (order lines)."""

    name: str
    relation: str
    inverse: str  # the foreign-key column on the line model


@dataclass
class ModelMeta:
    name: str
    cls: Any  # the composed, mapped class
    label: str | LazyString
    rec_name: str
    fields: dict[str, FieldMeta]
    one2many: dict[str, O2MMeta] = field(default_factory=dict)
    state_field: str | None = None

    def field(self, name: str) -> FieldMeta:
        """The field or a 422 naming it: the only door from request text to a column."""
        meta = self.fields.get(name)
        if meta is None:
            raise ValidationError(
                _("%(model)s has no field %(field)s", model=text_of(self.label), field=name),
                field=name,
            )
        return meta

    def label_of(self, name: str) -> str:
        meta = self.fields.get(name)
        return text_of(meta.label) if meta else name

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "label": text_of(self.label),
            "rec_name": self.rec_name,
            "fields": [f.as_dict() for f in self.fields.values()],
            "one2many": [{"name": o.name, "relation": o.relation} for o in self.one2many.values()],
        }


#: metadata of the registry's models, built on first use
META: Slot[dict[str, ModelMeta]] = Slot("kernel.model_meta", dict)


def model_meta(registry: Registry, name: str) -> ModelMeta:
    """Metadata of model ``name``; unknown models are a 404 naming the model."""
    cache = registry.cache.get(META)
    found = cache.get(name)
    if found is not None:
        return found
    if name not in registry:
        raise NotFound(_("there is no model %(model)s", model=name))
    meta = _build(registry, name)
    cache[name] = meta
    return meta


def _table_models(registry: Registry) -> dict[str, str]:
    return {info.cls.__table__.name: n for n, info in registry.models.items()}


def _build(registry: Registry, name: str) -> ModelMeta:
    cls = registry[name]
    mapper = sa_inspect(cls)
    tables = _table_models(registry)
    by_column: dict[str, str] = {}
    one2many: dict[str, O2MMeta] = {}
    for rel in mapper.relationships:
        target_name = getattr(rel.mapper.class_, "__model_name__", None)
        if target_name is None:
            continue
        if rel.direction is RelationshipDirection.MANYTOONE and len(rel.local_columns) == 1:
            col = next(iter(rel.local_columns))
            by_column.setdefault(col.key, rel.key)
        elif rel.direction is RelationshipDirection.ONETOMANY and len(rel.remote_side) == 1:
            remote = next(iter(rel.remote_side))
            one2many[rel.key] = O2MMeta(rel.key, target_name, remote.key)
    wf = registry.workflows.get(name)
    state_field = wf.field if wf is not None else None
    fields: dict[str, FieldMeta] = {}
    for prop in mapper.column_attrs:
        if len(prop.columns) != 1:
            continue
        column = prop.columns[0]
        if column.info.get("hidden") or prop.key.endswith(SECRET_SUFFIXES):
            continue
        if isinstance(column.type, LargeBinary):
            continue
        info = column.info
        kind, scale, relation = _kind(column, tables)
        if info.get("selection") is not None:
            kind = "selection"
        required = (
            not column.nullable
            and not column.primary_key
            and column.default is None
            and column.server_default is None
            and not info.get("computed")  # filled by the system on every create path
            and not info.get("sequence")
        ) or bool(info.get("required"))  # required where a record without it is useless
        fields[prop.key] = FieldMeta(
            name=prop.key,
            type=kind,
            label=info.get("label")
            or (_("ID") if prop.key == "id" else prop.key.replace("_", " ").capitalize()),
            help=info.get("help"),
            required=required,
            readonly=bool(info.get("readonly")) or column.primary_key or prop.key == state_field,
            selection=info.get("selection"),
            relation=relation,
            relationship=by_column.get(prop.key),
            scale=scale,
            size=getattr(column.type, "length", None),
            widget=info.get("widget"),
            nullable=bool(column.nullable),
            default=column.default.arg
            if column.default is not None and getattr(column.default, "is_scalar", False)
            else None,
            default_factory=_default_factory(column),
            has_default=column.default is not None
            or column.server_default is not None
            or bool(info.get("computed") or info.get("sequence")),
            default_ref=info.get("default_ref") if kind == "many2one" else None,
            bits=_bits(column),
        )
    rec_name = getattr(cls, "__rec_name__", "name")
    return ModelMeta(
        name=name,
        cls=cls,
        label=getattr(cls, "__label__", name),
        rec_name=rec_name,
        fields=fields,
        one2many=one2many,
        state_field=state_field,
    )


def _default_factory(column: Any) -> Callable[[], Any] | None:
    """A zero-argument callable default of ``column`` (SQLAlchemy wraps it to take a context)."""
    default = column.default
    if default is None or not getattr(default, "is_callable", False):
        return None
    wrapped = default.arg

    def call() -> Any:
        return wrapped(None)

    return call


def _kind(column: Any, tables: dict[str, str]) -> tuple[str, int | None, str | None]:
    for fk in column.foreign_keys:
        target = tables.get(fk.column.table.name)
        if target is not None:
            return "many2one", None, target
    ctype = column.type
    if isinstance(ctype, Money):
        return "money", ctype.scale, None
    if isinstance(ctype, Quantity):
        return "quantity", ctype.scale, None
    if isinstance(ctype, Exact):
        return "decimal", ctype.scale, None
    if isinstance(ctype, UTCDateTime | DateTime):
        return "datetime", None, None
    if isinstance(ctype, Date):
        return "date", None, None
    if isinstance(ctype, Boolean):
        return "boolean", None, None
    if isinstance(ctype, Integer):
        return "integer", None, None
    if isinstance(ctype, JSON):
        return "json", None, None
    if isinstance(ctype, Text):
        return "text", None, None
    return "char", None, None


def _bits(column: Any) -> int:
    """32 for ``INTEGER`` columns and foreign keys to them, 64 for ``BIGINT``."""
    from sqlalchemy import BigInteger

    ctype = column.type
    if isinstance(ctype, BigInteger):
        return 64
    if isinstance(ctype, Integer):
        return 32
    return 64
