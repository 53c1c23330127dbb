"""Web routes of manufacturing: the printable production order with its pick list."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath


@get("/mrp/production/{production_id:int}/pdf", name="mrp.production_pdf", include_in_schema=False)
async def production_pdf(
    request: Request[Any, Any, Any], production_id: FromPath[int]
) -> Response[Any]:
    """The production order as a PDF, labelled in the reader's language and in the other one."""
    from addons.base.services.printing import serve_pdf
    from addons.mrp.services.pdf import render_production_pdf

    return await serve_pdf(request, "mrp.production", production_id, render_production_pdf)


ROUTES: list[Any] = [production_pdf]
