"""Field metadata of a model, read from the composed registry; shared by the screens and the API.

Why one module: the list screen, the form, the exports and the JSON API must agree
on which columns exist, what type they are (a ``Money`` is not a float), what they
are called (``column.info["label"]``) and which are secret (``info["hidden"]``).
Only the names found here are ever turned into SQL — every field name that comes
from a request is looked up in this table first, so nothing user-typed reaches SQL
text. Values are converted here too (:func:`coerce`), and always bound as parameters.

It also collects the :class:`~kernel.web.views.View` declarations of the installed
addons (the ``register_views`` hook): a later addon's view for the same model
replaces the earlier one, and :class:`~kernel.web.views.ViewExtension` adds columns,
a form section and filters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, Text, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipDirection
from sqlalchemy.orm.attributes import set_committed_value

from kernel.errors import NotFound, ValidationError
from kernel.fields import Exact, Money, Quantity, UTCDateTime
from kernel.i18n import LazyString, _, text_of
from kernel.web.views import Filter, View, ViewExtension

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


_meta_cache: weakref.WeakKeyDictionary[Any, dict[str, ModelMeta]] = weakref.WeakKeyDictionary()


def model_meta(registry: Registry, name: str) -> ModelMeta:
    """Metadata of model ``name``; unknown models are a 404 naming the model."""
    cache = _meta_cache.setdefault(registry.pm, {})
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


# --- Values -----------------------------------------------------------------------------


def coerce(meta: FieldMeta, value: Any) -> Any:
    """Turn a request value (JSON or form text) into the column's Python type, or a 422.

    Decimals are parsed from their exact text (never through float); empty text is
    ``None`` for optional fields.
    """
    bad = ValidationError(
        _("%(field)s: %(value)s is not a valid value", field=text_of(meta.label), value=str(value)),
        field=meta.name,
    )
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store NUL characters
        raise bad
    if isinstance(value, str) and value.strip() == "" and meta.type not in ("char", "text"):
        value = None
    if value is None:
        if meta.required:
            raise ValidationError(
                _("%(field)s is required", field=text_of(meta.label)), field=meta.name
            )
        return None
    kind = meta.type
    try:
        if kind in ("char", "text"):
            if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
                raise bad
            text = str(value)
            if meta.size and len(text) > meta.size:
                raise ValidationError(
                    _(
                        "%(field)s is longer than %(size)s characters",
                        field=text_of(meta.label),
                        size=meta.size,
                    ),
                    field=meta.name,
                )
            if meta.required and not text.strip():
                raise ValidationError(
                    _("%(field)s is required", field=text_of(meta.label)), field=meta.name
                )
            return text
        if kind == "selection":
            keys = [k for k, _label in meta.selection or []]
            if str(value) not in keys:
                raise ValidationError(
                    _(
                        "%(field)s must be one of %(values)s",
                        field=text_of(meta.label),
                        values=", ".join(keys),
                    ),
                    field=meta.name,
                )
            return str(value)
        if kind in ("integer", "many2one"):
            if isinstance(value, bool | float):
                raise bad
            if isinstance(value, Decimal):
                if value != value.to_integral_value():
                    raise bad
                return int(value)
            whole = int(str(value).strip())
            if not -(2 ** (meta.bits - 1)) <= whole < 2 ** (meta.bits - 1):
                raise bad
            return whole
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise bad
        if kind in ("money", "quantity", "decimal"):
            if isinstance(value, bool | float):
                raise bad
            number: Decimal = value if isinstance(value, Decimal) else Decimal(str(value).strip())
            if not number.is_finite():
                raise bad
            scale = meta.scale or 0
            if number != number.quantize(Decimal(1).scaleb(-scale)):
                raise ValidationError(
                    _(
                        "%(field)s allows at most %(scale)s decimal places",
                        field=text_of(meta.label),
                        scale=scale,
                    ),
                    field=meta.name,
                )
            if abs(number) >= Decimal(10) ** (18 - scale):
                raise bad
            return number
        if kind == "date":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
            return dt.date.fromisoformat(str(value).strip())
        if kind == "datetime":
            if isinstance(value, dt.datetime):
                moment = value
            else:
                moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return moment.astimezone(dt.UTC)
        if kind == "json":
            return value
    except (ValueError, InvalidOperation, TypeError, OverflowError):
        raise bad from None
    raise bad


def to_json(meta: FieldMeta, value: Any) -> Any:
    """A column value as JSON: Decimal as an exact string, datetimes ISO 8601 in UTC."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if meta.scale is not None and value.is_finite():
            value = value.quantize(Decimal(1).scaleb(-meta.scale))
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, LazyString):
        return str(value)
    return value


def like_pattern(text: str) -> str:
    """``%text%`` with the user's own ``%``, ``_`` and ``\\`` matched literally (use ``escape="\\"``)."""
    escaped = text.replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _own_display(cls: type) -> Callable[[Any, Any], Any] | None:
    """How ``cls`` names its records itself: a ``display_name`` method or property, else None.

    Why adapt to the signature: models name records in the reader's language
    (``display_name(self, env)``: 西湖龙井 for a Chinese user), some need no ``env``
    (``display_name(self)``), and some expose a property (``code name`` of an account).
    """
    cached = _display_cache.get(cls)
    if cached is not None:
        return cached[0]
    own = inspect.getattr_static(cls, "display_name", None)
    call: Callable[[Any, Any], Any] | None = None
    if isinstance(own, property):
        call = _by_property
    elif isinstance(own, staticmethod | classmethod) or own is None or not callable(own):
        call = None
    else:
        try:
            params = list(inspect.signature(own).parameters.values())[1:]
        except (TypeError, ValueError):
            params = []
        takes_env = any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params
        )
        call = _with_env if takes_env else _without_env
    _display_cache[cls] = (call,)
    return call


def _by_property(record: Any, env: Any) -> Any:
    return record.display_name


def _with_env(record: Any, env: Any) -> Any:
    return record.display_name(env)


def _without_env(record: Any, env: Any) -> Any:
    return record.display_name()


_display_cache: weakref.WeakKeyDictionary[type, tuple[Callable[[Any, Any], Any] | None]] = (
    weakref.WeakKeyDictionary()
)


def display_name(record: Any, env: Any) -> str:
    """The record's name as people read it: in pickers, list cells, titles and breadcrumbs.

    The model's own ``display_name`` wins (the Chinese name for a zh_CN reader,
    ``[REF] Name`` for products, ``Company, Person`` for contacts); otherwise the
    ``rec_name`` column (which may be a property). Before naming many records,
    call :func:`prefetch_display` once so that names built from a parent record
    cost no query per record.
    """
    cls = type(record)
    own = _own_display(cls)
    value = own(record, env) if own is not None else None
    if value in (None, ""):
        value = getattr(record, getattr(cls, "__rec_name__", "name"), None)
    return text_of(value) if value not in (None, "") else f"#{record.id}"


def _parent_links(cls: type) -> list[tuple[str, str]]:
    """``(relationship, foreign key)`` pairs of ``cls`` that point at ``cls`` itself (parent)."""
    links: list[tuple[str, str]] = []
    mapper: Any = sa_inspect(cls)
    for rel in mapper.relationships:
        if (
            rel.direction is RelationshipDirection.MANYTOONE
            and rel.mapper.class_ is cls
            and len(rel.local_columns) == 1
        ):
            column = next(iter(rel.local_columns))
            links.append((rel.key, mapper.get_property_by_column(column).key))
    return links


def prefetch_display(env: Any, records: Iterable[Any], *, max_depth: int = 32) -> None:
    """Load, in a few queries, the parent records that ``display_name`` methods walk.

    Why: a contact is named ``Company, Person`` and a category ``Apparel / Men``,
    each reading its parent. Naming 80 list rows must not lazy-load 80 parents
    one by one, so every level of parents is loaded with one ``IN`` query and set
    on the children as already loaded.
    """
    by_cls: dict[type, list[Any]] = {}
    for record in records:
        if record is not None:
            by_cls.setdefault(type(record), []).append(record)
    session = env.session
    for cls, items in by_cls.items():
        if _own_display(cls) is None:
            continue
        model: Any = cls
        for rel, fk in _parent_links(cls):
            level: list[Any] = items
            known: dict[Any, Any] = {}
            for _depth in range(max_depth):
                pending = [r for r in level if rel not in sa_inspect(r).dict]
                wanted = {getattr(r, fk) for r in pending} - {None} - set(known)
                if wanted:
                    for parent in session.scalars(select(model).where(model.id.in_(wanted))):
                        known[parent.id] = parent
                for record in pending:
                    set_committed_value(record, rel, known.get(getattr(record, fk)))
                level = [p for p in (getattr(r, rel) for r in level) if p is not None]
                if not level:
                    break


def name_fields(meta: ModelMeta) -> list[str]:
    """The columns a record is found by name: ``rec_name`` and its Chinese twin (``name_zh``)."""
    names = [meta.rec_name, f"{meta.rec_name}_zh"]
    return [n for n in names if n in meta.fields and meta.fields[n].type in ("char", "text")]


def selection_label(meta: FieldMeta, value: Any) -> str:
    for key, label in meta.selection or []:
        if key == value:
            return text_of(label)
    return "" if value is None else str(value)


# --- Views ------------------------------------------------------------------------------

_view_cache: weakref.WeakKeyDictionary[Any, dict[str, View]] = weakref.WeakKeyDictionary()


def collect_views(registry: Registry) -> dict[str, View]:
    """The installed addons' views by model, extensions applied (cached per registry).

    A fresh registry is composed whenever addons are installed or removed, so a newly
    installed addon's views appear on the next request without a restart.
    """
    cached = _view_cache.get(registry.pm)
    if cached is not None:
        return cached
    views: dict[str, View] = {}
    extensions: list[ViewExtension] = []

    def register(item: View | ViewExtension) -> None:
        if isinstance(item, ViewExtension):
            extensions.append(item)
        elif isinstance(item, View):
            views[item.model] = item  # a later addon replaces an earlier one
        else:
            raise TypeError(f"register_views expects a View or ViewExtension, got {item!r}")

    # get_hookimpls() lists implementations in registration (dependency) order.
    for impl in registry.pm.hook.register_views.get_hookimpls():
        impl.function(register=register)
    for ext in extensions:
        view = views.get(ext.model)
        if view is None:
            continue
        lst = view.list
        new_list = dataclasses.replace(
            lst,
            columns=[*lst.columns, *(c for c in ext.list_columns if c not in lst.columns)],
            filters=[*lst.filters, *ext.filters],
        )
        sections = list(view.form.sections)
        if ext.form_section is not None:
            sections.append(ext.form_section)
        views[ext.model] = dataclasses.replace(
            view,
            list=new_list,
            form=dataclasses.replace(
                view.form, sections=sections, links=[*view.form.links, *ext.links]
            ),
            actions=[*view.actions, *ext.actions],
            pivot=ext.pivot or view.pivot,
            outcomes=[*view.outcomes, *ext.outcomes],
        )
    for model, view in views.items():
        # each outcome is also a list filter ("Rejected"), unless the view declares one
        names = {f.name for f in view.list.filters}
        extra = [Filter(o.name, o.label, o.where) for o in view.outcomes if o.name not in names]
        if extra:
            views[model] = dataclasses.replace(
                view, list=dataclasses.replace(view.list, filters=[*view.list.filters, *extra])
            )
    known = {m: v for m, v in views.items() if m in registry}
    _view_cache[registry.pm] = known
    return known


def view_by_url(registry: Registry, url: str) -> View:
    for view in collect_views(registry).values():
        if view.url == url:
            return view
    raise NotFound(_("there is no screen at %(url)s", url=url))


def line_relations(registry: Registry, model: str) -> dict[str, O2MMeta]:
    """One-to-many relations the model's form edits inline (``Lines``); the API nests these."""
    view = collect_views(registry).get(model)
    meta = model_meta(registry, model)
    if view is None:
        return {}
    return {
        lines.relation: meta.one2many[lines.relation]
        for lines in view.form.lines
        if lines.relation in meta.one2many
    }


def readonly_lines(registry: Registry, model: str) -> dict[str, str | LazyString]:
    """Inline line relations the model's form only shows (``Lines(readonly=True)``), by label."""
    view = collect_views(registry).get(model)
    if view is None:
        return {}
    return {
        lines.relation: lines.label or lines.relation for lines in view.form.lines if lines.readonly
    }
