"""How records are named for people: pickers, list cells, titles and breadcrumbs."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import RelationshipDirection
from sqlalchemy.orm.attributes import set_committed_value

from kernel.i18n import text_of
from kernel.web.introspect.meta import FieldMeta, ModelMeta

if TYPE_CHECKING:
    pass


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
