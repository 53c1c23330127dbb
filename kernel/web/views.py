"""View declarations: what an addon writes to give a model its screens and API.

A short declaration is enough for a full list screen (search, filters, sorting,
grouping with sub-totals, pagination, column choice, CSV/XLSX export) and a form
(validation messages, one-to-many line editing, many-to-one pickers, workflow
buttons, status bar, history and attachments). Addons contribute them through
the ``register_views`` hook; a later addon may register a view for the same model
to replace it, or register a :class:`ViewExtension` to add its own list columns, one
form section, filters, actions and links to it. docs/addon-guide.md ("Views, menus
and the JSON API") shows both.

A new form starts from the columns' defaults, a many-to-one's ``default_ref``
(``info(_("Unit"), default_ref="base.uom_unit")``), and ``default_<field>`` values
in its address (``/app/partners/new?default_is_customer=1``), which are checked
like typed input and limited to the fields on the form.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel.i18n import LazyString


@dataclass(frozen=True)
class Filter:
    """A predefined filter: ``where(env, Model)`` returns a SQLAlchemy condition.

    ``defaults``: values a record created from the filtered list starts with — the
    "New" button of Partners › Customers opens a partner already marked customer
    (``Filter("customers", _("Customers"), where, defaults={"is_customer": True})``).
    """

    name: str
    label: str | LazyString
    where: Callable[[Any, Any], Any]
    defaults: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


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
    """A one-to-many edited inline (order lines): relationship name and its columns.

    ``readonly``: shown, never edited or written through this form (an order's
    check results, or exceptions recorded on their own screen).
    """

    relation: str
    columns: list[str]
    label: str | LazyString | None = None
    readonly: bool = False


@dataclass(frozen=True)
class Link:
    """A link beside a saved record's workflow buttons, e.g. Print → the PDF route.

    ``url`` is formatted with the record's ``id`` and URL-quoted ``name``:
    ``"/purchase/order/{id}/pdf"``, ``"/app/purchase/requisitions?q={name}"``.
    """

    label: str | LazyString
    url: str
    # shown only for records where ``when(record)`` is true (Print on invoices, not on other entries)
    when: Callable[[Any], bool] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class Param:
    """One parameter of an :class:`Action`, typed like a column (``"many2one"``, ``"money"`` …).

    ``choices(env, records)`` lists ``(id, label)`` a form offers for a many-to-one.
    """

    name: str
    label: str | LazyString
    type: str = "char"
    relation: str | None = None
    required: bool = True
    choices: Callable[[Any, list[Any]], list[tuple[int, str]]] | None = field(
        default=None, hash=False, compare=False
    )
    # what the form's field starts with for ``records`` (the invoice's open amount)
    default: Callable[[Any, list[Any]], Any] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class Action:
    """A business operation on records that is not a state change of their own workflow.

    ``run(env, records, params)`` does the work (``records`` is empty when a list
    action runs on everything it applies to) and returns the records it made or
    touched, or None. The same declaration gives a button on the form (and on the
    list when ``on_list``), ``POST /api/v1/{model}/{id}/actions/{name}`` and
    ``POST /api/v1/{model}/actions/{name}`` with ``{"ids": [...], <params>}``; the
    user needs ``write`` on the model and, if set, ``group``. ``states``: the form
    shows the button only in these states (and ``when``, if set, says yes); a
    parameter's ``default`` pre-fills the form, whose title names the record.
    """

    name: str
    label: str | LazyString
    run: Callable[[Any, list[Any], dict[str, Any]], Any] = field(hash=False, compare=False)
    params: tuple[Param, ...] = ()
    group: str | None = None
    states: tuple[str, ...] = ()
    on_list: bool = False
    help: str | LazyString | None = None
    # the form shows the button only where ``when(record)`` is true (Register payment: open invoices)
    when: Callable[[Any], bool] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class Outcome:
    """What happened to a record that its state alone does not say: rejected, blocked, cancelled.

    Why: a rejected order is back in ``draft`` to be corrected, and looked like a
    fresh quotation. One declaration shows ``label`` beside the state in lists and
    the status bar, adds a list filter named ``name`` (``where(env, Model)``), and
    puts ``label`` with ``reason(record)`` at the top of the form. ``where`` is SQL
    so a list page asks once per outcome, not once per row; ``style`` is a
    Bootstrap colour (danger, warning …).
    """

    name: str
    label: str | LazyString
    where: Callable[[Any, Any], Any] = field(hash=False, compare=False)
    reason: Callable[[Any], str] | None = field(default=None, hash=False, compare=False)
    style: str = "danger"
    # False: the state already says it (Cancelled); only the reason goes to the top of the form
    badge: bool = True


@dataclass
class FormView:
    sections: list[Section]
    lines: list[Lines] = field(default_factory=list)
    readonly_states: tuple[str, ...] = ()  # states in which the document is read-only
    links: list[Link] = field(default_factory=list)
    # always read-only: records edited elsewhere (order lines opened from a report's drill-down)
    readonly: bool = False


@dataclass(frozen=True)
class Measure:
    """A figure a pivot or chart shows: ``agg`` (sum, avg or count) of a numeric ``field``.

    ``field`` may follow many-to-ones (``order_id.amount_total``); ``count`` needs no field.
    """

    field: str
    agg: str = "sum"
    label: str | LazyString | None = None

    @property
    def key(self) -> str:
        return f"{self.field}:{self.agg}" if self.field else "count"


@dataclass(frozen=True)
class Pivot:
    """The pivot and graph views of a model (served by the reporting addon when installed).

    ``dimensions``: what rows and columns may be grouped by — a many-to-one, a selection,
    or a date with a granularity (``date_order:month``), each possibly one or two
    many-to-ones away (``product_id.category_id``, ``order_id.date_order:quarter``).
    ``currency``: the many-to-one (path) holding the currency of the money measures,
    so that money is summed per currency, never across currencies.
    """

    measures: list[Measure]
    dimensions: list[str]
    currency: str | None = None
    rows: list[str] = field(default_factory=list)  # opened by default
    cols: list[str] = field(default_factory=list)
    title: str | LazyString | None = None


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
    # ``builtins.list``: the field ``list`` above shadows the type in this class body
    actions: builtins.list[Action] = field(default_factory=builtins.list)
    pivot: Pivot | None = None
    outcomes: builtins.list[Outcome] = field(default_factory=builtins.list)


@dataclass
class ViewExtension:
    """Fields another addon adds to an existing view (shown when both are installed)."""

    model: str
    list_columns: list[str] = field(default_factory=list)
    form_section: Section | None = None
    filters: list[Filter] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    pivot: Pivot | None = None  # replaces the view's pivot declaration
    outcomes: list[Outcome] = field(default_factory=list)
