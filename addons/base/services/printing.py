"""Printable documents (quotations, invoices, purchase orders) as bilingual PDFs.

Every document addon renders, through a :class:`Printer` on its template folder,
a Jinja template that extends the shared layout ``printing/document.html`` (A4
page, company header, page numbers; ``printing/_totals.html`` for order totals and
notes), writes it with WeasyPrint and serves it with :func:`serve_pdf`. Kept here
so that the pieces that are easy to get subtly wrong live once:

* the font family "Noto Sans CJK SC" is set on ``html`` *and* on the ``@page``
  margin boxes — they do not inherit it, and page numbers would otherwise fall
  back to a font without Chinese glyphs;
* values inside a CSS ``content:`` string are quoted by :func:`css_string`, since
  HTML escaping does not apply inside ``<style>``;
* labels are bilingual (:func:`bilingual`): the reader's language first, the
  other one underneath, as Chinese business documents exchanged with foreign
  partners usually are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Response
from markupsafe import Markup, escape

from kernel.i18n import LazyString, gettext

if TYPE_CHECKING:
    from kernel.env import Env

FONT_FAMILY = "Noto Sans CJK SC"
SHARED_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def is_chinese(lang: str | None) -> bool:
    return bool(lang) and str(lang).startswith("zh")


def bilingual(message: LazyString, lang: str) -> tuple[str, str]:
    """(label in the reader's language, label in the other language — empty when identical)."""
    own = gettext(message.message, locale=lang)
    other = gettext(message.message, locale="en" if is_chinese(lang) else "zh_CN")
    return own, ("" if other == own else other)


def bilingual_labels(labels: Mapping[str, LazyString], lang: str) -> dict[str, tuple[str, str]]:
    return {key: bilingual(label, lang) for key, label in labels.items()}


def money(amount: Decimal | None, decimals: int) -> str:
    """``1,234.50``: grouped, at the currency's decimals (the currency code is printed apart)."""
    return f"{(amount or Decimal(0)).quantize(Decimal(1).scaleb(-decimals)):,}"


def css_string(value: object) -> Markup:
    """A value quoted for a CSS ``content:`` string inside ``<style>`` (HTML escaping does not apply there)."""
    text = str(value or "")
    escaped = "".join(
        c if c.isalnum() or c in " -_./:()" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{escaped}"')


@pass_context
def _label(context: Context, key: str) -> Markup:
    """``label("customer")`` in a template: the bilingual label, the second language smaller."""
    own, other = context["labels"][key]
    if not other:
        return escape(own)
    return escape(own) + Markup('<span class="sub">') + escape(other) + Markup("</span>")


class Printer:
    """One addon's printable documents: its template folder on top of the shared layout."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.jinja = Environment(
            loader=ChoiceLoader(
                [FileSystemLoader(str(folder)), FileSystemLoader(SHARED_TEMPLATES)]
            ),
            autoescape=select_autoescape(["html"]),
        )
        self.jinja.filters["css"] = css_string
        self.jinja.globals["label"] = _label

    def html(
        self,
        template: str,
        *,
        lang: str,
        labels: Mapping[str, LazyString],
        title: str,
        **context: Any,
    ) -> str:
        """Render ``template`` for a reader of ``lang``; ``title`` is the key of the document's title label.

        The layout expects ``number`` (top right of every page) and ``company``
        (header) in ``context``; ``labels`` needs a ``page`` entry.
        """
        pairs = bilingual_labels(labels, lang)
        return self.jinja.get_template(template).render(
            font=FONT_FAMILY,
            lang="zh-CN" if is_chinese(lang) else "en",
            labels=pairs,
            title=pairs[title],
            **context,
        )

    def pdf(self, html: str) -> bytes:
        """The rendered HTML as a PDF document (bytes starting with ``%PDF``)."""
        from weasyprint import HTML

        return bytes(HTML(string=html, base_url=str(self.folder)).write_pdf())


def serve_pdf(
    env: Env,
    model: str,
    record_id: int,
    render: Callable[[Env, Any], bytes],
) -> Response[Any]:
    """``render(env, record)`` served inline as ``<record name>.pdf``.

    ``env`` is the signed-in user's unit of work (a handler's injected
    ``env: RequestEnv``), so the kernel's read check answers users without access
    (403) before anything is rendered. Call it from a ``sync_to_thread=True``
    handler: the database work and WeasyPrint block.
    """
    record: Any = env.get(model, record_id)
    pdf, name = render(env, record), str(record.name or record_id)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}.pdf"},
    )
