"""The installed addons' views (``register_views``), composed once per registry.

A later addon's view for the same model replaces the earlier one, and a
:class:`~kernel.web.views.ViewExtension` adds columns, a form section and filters.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from kernel.caches import Slot
from kernel.errors import NotFound
from kernel.i18n import LazyString, _
from kernel.web.introspect.meta import O2MMeta, model_meta
from kernel.web.views import Filter, View, ViewExtension

if TYPE_CHECKING:
    from kernel.models.registry import Registry


#: the composed views by model (``None``: not composed yet)
VIEWS: Slot[dict[str, View] | None] = Slot("kernel.views", lambda: None)


def collect_views(registry: Registry) -> dict[str, View]:
    """The installed addons' views by model, extensions applied (cached per registry).

    A fresh registry is composed whenever addons are installed or removed, so a newly
    installed addon's views appear on the next request without a restart.
    """
    cached = registry.cache.peek(VIEWS)
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
    registry.cache.set(VIEWS, known)
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
