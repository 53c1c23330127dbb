"""Web routes of purchasing: the printable request for quotation / purchase order."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath


@get("/purchase/order/{order_id:int}/pdf", name="purchase.order_pdf", include_in_schema=False)
async def order_pdf(request: Request[Any, Any, Any], order_id: FromPath[int]) -> Response[Any]:
    """The RFQ / purchase order as a PDF, labelled in the reader's language and in the other one."""
    from addons.base.services.printing import serve_pdf
    from addons.purchase.services.pdf import render_order_pdf

    return await serve_pdf(request, "purchase.order", order_id, render_order_pdf)


ROUTES: list[Any] = [order_pdf]
