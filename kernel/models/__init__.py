"""Declaring models: the parts an addon writes, composed per instance by the registry.

An addon writes plain, typed SQLAlchemy mixins and tags them:

* ``@model("sale.order", _("Sales Order"))`` defines a model (its table, its columns);
* ``@extend("sale.order")`` adds columns, relationships and methods to a model that
  another addon defined, and may override its methods calling ``super()``.

Nothing is mapped at import time. When an instance starts, the
:class:`~kernel.models.registry.Registry` composes one mapped class per model from
the parts of the installed addons only, on a declarative base of its own — so one
process can serve two instances with different addons without leaking columns.

Relationships and foreign keys that point at other models are declared with
``@declared_attr`` and name their target by its *class name* (``"Partner"``),
which SQLAlchemy resolves inside the instance's own registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.i18n import LazyString

T = TypeVar("T", bound=type)
M = TypeVar("M")

MODEL_ATTR = "__suanpan_model__"
KIND_ATTR = "__suanpan_kind__"


def model(
    name: str,
    label: str | LazyString,
    *,
    rec_name: str = "name",
    order: str = "id",
    description: str | LazyString | None = None,
    cached: bool = False,
) -> Callable[[T], T]:
    """Mark a mixin as the definition of model ``name`` (e.g. ``"sale.order"``).

    ``rec_name`` is the column shown when a record is referenced (pickers, titles);
    ``order`` is the default ordering of lists (``"-date,id"``). ``cached``: the
    model is configuration that business steps read but never write (company,
    units, journals…): its rows are read once per process until any of them
    changes (:mod:`kernel.rowcache`).
    """

    def decorate(cls: T) -> T:
        setattr(cls, MODEL_ATTR, name)
        setattr(cls, KIND_ATTR, "define")
        cls.__label__ = label  # type: ignore[attr-defined]
        cls.__rec_name__ = rec_name  # type: ignore[attr-defined]
        cls.__default_order__ = order  # type: ignore[attr-defined]
        cls.__description__ = description  # type: ignore[attr-defined]
        cls.__cached__ = cached  # type: ignore[attr-defined]
        if "__tablename__" not in cls.__dict__:
            cls.__tablename__ = name.replace(".", "_")  # type: ignore[attr-defined]
        return cls

    return decorate


def extend(name: str) -> Callable[[T], T]:
    """Mark a mixin as an extension of model ``name`` defined by another addon."""

    def decorate(cls: T) -> T:
        setattr(cls, MODEL_ATTR, name)
        setattr(cls, KIND_ATTR, "extend")
        return cls

    return decorate


def model_name_of(part: type) -> str | None:
    return getattr(part, MODEL_ATTR, None)


@overload
def many2one(
    owner: Any,
    target: type[M],
    column: str,
    *,
    back_populates: str | None = None,
    lazy: Any = "select",
) -> Mapped[M]: ...
@overload
def many2one(
    owner: Any,
    target: str,
    column: str,
    *,
    back_populates: str | None = None,
    lazy: Any = "select",
) -> Any: ...
def many2one(
    owner: Any,
    target: type[Any] | str,
    column: str,
    *,
    back_populates: str | None = None,
    lazy: Any = "select",
) -> Any:
    """A many-to-one relationship through ``column`` to the model ``target``.

    ``target`` is the model's defining class (``Partner``, decorated ``@model``) or
    its class name (``"Partner"``). With the class, the relationship is typed:
    ``def partner(cls) -> Mapped[Partner]: return many2one(cls, Partner, "partner_id")``
    makes ``order.partner.name`` a ``str`` for mypy. What other addons add to the
    target (``@extend``) is not in that type: reach it through the class that adds it
    or keep the string form (typed ``Any``). Always pins ``foreign_keys``: an
    extension may later add a second foreign key between the same two tables, which
    would make an unpinned join ambiguous.
    """
    if not isinstance(target, str):
        if getattr(target, KIND_ATTR, None) != "define":
            raise TypeError(f"many2one target {target.__name__} is not a model definition (@model)")
        target = target.__name__
    return relationship(
        target,
        foreign_keys=lambda: [getattr(owner, column)],
        back_populates=back_populates,
        lazy=lazy,
    )


def one2many(
    owner: Any,
    target: str,
    remote_column: str,
    *,
    back_populates: str | None = None,
    order_by: str | None = None,
    cascade: str = "save-update, merge",
    lazy: Any = "select",
) -> Any:
    """The many side of :func:`many2one`: records of ``target`` whose ``remote_column`` points here."""
    kwargs: dict[str, Any] = {}
    if order_by:
        kwargs["order_by"] = f"{target}.{order_by}"
    return relationship(
        target,
        foreign_keys=f"{target}.{remote_column}",
        back_populates=back_populates,
        cascade=cascade,
        lazy=lazy,
        **kwargs,
    )


def fk(
    target_table: str,
    *,
    ondelete: str | None = None,
    index: bool = True,
    nullable: bool = True,
    **info: Any,
) -> Any:
    """A foreign-key column to ``target_table.id`` (used inside ``@declared_attr``)."""
    return mapped_column(
        ForeignKey(f"{target_table}.id", ondelete=ondelete),
        index=index,
        nullable=nullable,
        info=info.get("info", {}),
    )


__all__ = ["Mapped", "extend", "fk", "many2one", "model", "model_name_of", "one2many"]
