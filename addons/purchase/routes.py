"""Web routes of purchasing: the printable request for quotation / purchase order."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.params import FromPath

from kernel.web.deps import RequestEnv


@get(
    "/purchase/order/{order_id:int}/pdf",
    name="purchase.order_pdf",
    include_in_schema=False,
    sync_to_thread=True,
)
def order_pdf(env: RequestEnv, order_id: FromPath[int]) -> Response[Any]:
    """The RFQ / purchase order as a PDF, labelled in the reader's language and in the other one."""
    from addons.base.services.printing import serve_pdf
    from addons.purchase.services.pdf import render_order_pdf

    return serve_pdf(env, "purchase.order", order_id, render_order_pdf)


ROUTES: list[Any] = [order_pdf]
