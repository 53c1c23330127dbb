"""The "related documents" strip of a form: counts that open the documents behind them.

Why: an order did not lead to its deliveries, invoices or payments, nor those
back to it, and its milestone chips were dead. Addons declare each relation once
(``register_document_links``); the form counts them in SQL (one statement per
declared link, whatever the number of documents) and links the count to the
filtered list, or straight to the document when there is one. A record with
``origin_model`` / ``origin_id`` (a delivery, an invoice, a requisition) also
links back to the document it came from, without any declaration.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from kernel.hookspecs import KernelHooks
from kernel.i18n import LazyString, _, text_of

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.registry import Registry


@dataclass(frozen=True)
class DocumentLink:
    """Documents of ``target`` related to a record of ``model``.

    ``domain(record)``: field → value pairs (many-to-one paths allowed) that the
    target's list filters by (``?d=origin_model=sale.order&d=origin_id=7``); the
    count is taken with the same filter. ``where(env, Target, record)``: an SQL
    condition instead, for relations a list filter cannot express (payments of an
    order's invoices); then one document opens its form and several are only counted.
    ``milestones``: the status-bar chips of ``model`` that open these documents.
    """

    model: str
    target: str
    label: str | LazyString
    domain: Callable[[Any], Mapping[str, Any] | None] | None = field(
        default=None, hash=False, compare=False
    )
    where: Callable[[Any, Any, Any], Any] | None = field(default=None, hash=False, compare=False)
    milestones: tuple[str, ...] = ()
    key: str = ""


_cache: weakref.WeakKeyDictionary[Any, list[DocumentLink]] = weakref.WeakKeyDictionary()


def collect(registry: Registry) -> list[DocumentLink]:
    """The installed addons' document links (cached per registry)."""
    cached = _cache.get(registry.pm)
    if cached is not None:
        return cached
    links: list[DocumentLink] = []

    def register(link: DocumentLink) -> None:
        if not isinstance(link, DocumentLink):
            raise TypeError(f"register_document_links expects a DocumentLink, got {link!r}")
        links.append(link)

    KernelHooks(registry.pm).register_document_links(register=register)
    known = [link for link in links if link.model in registry and link.target in registry]
    _cache[registry.pm] = known
    return known


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def related(env: Env, record: Any, meta: Any) -> list[dict[str, Any]]:
    """The strip's entries for ``record``: label, count, url (None: not openable), milestones."""
    from kernel.web.introspect import collect_views, model_meta
    from kernel.web.ui import domain as domains

    if record is None:
        return []
    views = collect_views(env.registry)
    out: list[dict[str, Any]] = []
    origin = _origin(env, record, views)
    if origin is not None:
        out.append(origin)
    for link in collect(env.registry):
        if link.model != meta.name or not env.can(link.target, "read"):
            continue
        view = views.get(link.target)
        target = model_meta(env.registry, link.target)
        pairs: list[tuple[str, str]] = []
        if link.domain is not None:
            found = link.domain(record)
            if found is None:
                continue
            pairs = [(k, _value(v)) for k, v in found.items()]
            conds = [domains.condition(env, target, k, v) for k, v in pairs]
        elif link.where is not None:
            conds = [link.where(env, target.cls, record)]
        else:
            continue
        count, first = env.session.execute(
            select(func.count(target.cls.id), func.min(target.cls.id)).where(*conds)
        ).one()
        if not count:
            continue
        url = None
        if view is not None:
            if count == 1:
                url = f"/app/{view.url}/{first}"
            elif pairs:
                url = f"/app/{view.url}?" + urlencode([("d", f"{k}={v}") for k, v in pairs])
        out.append(
            {
                "key": link.key or link.target,
                "label": text_of(link.label),
                "count": int(count),
                "url": url,
                "milestones": link.milestones,
            }
        )
    return out


def _origin(env: Env, record: Any, views: Mapping[str, Any]) -> dict[str, Any] | None:
    """The document ``record`` came from (its ``origin_model`` / ``origin_id``), as a link."""
    from kernel.web.introspect import display_name

    model = getattr(record, "origin_model", None)
    res_id = getattr(record, "origin_id", None)
    if not model or not res_id or model not in env.registry or model not in views:
        return None
    if not env.can(model, "read"):
        return None
    source = env.session.get(env[model], res_id)
    if source is None:
        return None
    return {
        "key": "origin",
        "label": text_of(_("Source document")),
        "name": display_name(source, env),
        "count": 1,
        "url": f"/app/{views[model].url}/{res_id}",
        "milestones": (),
    }
