"""View declarations: what an addon writes to give a model its screens and API.

A short declaration is enough for a full list screen (search, filters, sorting,
grouping with sub-totals, pagination, column choice, CSV/XLSX export) and a form
(validation messages, one-to-many line editing, many-to-one pickers, workflow
buttons, status bar, history and attachments). Addons contribute them through
the ``register_views`` hook; a later addon may register a view for the same model
to replace it, or use ``extra_fields`` in a ``ViewExtension`` to add its fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kernel.i18n import LazyString


@dataclass(frozen=True)
class Filter:
    """A predefined filter: ``where(env, Model)`` returns a SQLAlchemy condition."""

    name: str
    label: str | LazyString
    where: Callable[[Any, Any], Any]


@dataclass
class ListView:
    columns: list[str]
    search: list[str] = field(default_factory=lambda: ["name"])
    filters: list[Filter] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    sums: list[str] = field(default_factory=list)  # columns totalled per group and page
    order: str | None = None
    page_size: int = 50


@dataclass
class Section:
    label: str | LazyString | None
    fields: list[str]


@dataclass
class Lines:
    """A one-to-many edited inline (order lines): relationship name and its columns."""

    relation: str
    columns: list[str]
    label: str | LazyString | None = None


@dataclass(frozen=True)
class Link:
    """A link beside a saved record's workflow buttons, e.g. Print → the PDF route.

    ``url`` is formatted with the record's ``id``: ``"/purchase/order/{id}/pdf"``.
    """

    label: str | LazyString
    url: str


@dataclass
class FormView:
    sections: list[Section]
    lines: list[Lines] = field(default_factory=list)
    readonly_states: tuple[str, ...] = ()  # states in which the document is read-only
    links: list[Link] = field(default_factory=list)


@dataclass
class View:
    """Screens of one model; ``url`` is its path under the UI (``/app/<url>``)."""

    model: str
    url: str
    list: ListView
    form: FormView
    title: str | LazyString | None = None
    create: bool = True
    api: bool = True


@dataclass
class ViewExtension:
    """Fields another addon adds to an existing view (shown when both are installed)."""

    model: str
    list_columns: list[str] = field(default_factory=list)
    form_section: Section | None = None
    filters: list[Filter] = field(default_factory=list)
