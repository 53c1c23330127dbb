"""Web routes of sales orders: the printable PDF, order search, saved filters.

Handlers open the signed-in user's unit of work (``unit_for``), so the kernel's
access checks apply; database work runs in a worker thread.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.params import FromPath

from kernel.web.context import unit_for
from kernel.web.params import whole_number

ORDERS_URL = "/app/sales/orders"


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


@get("/sales/order/{order_id:int}/pdf", name="sales_order.pdf", include_in_schema=False)
async def order_pdf(request: Request[Any, Any, Any], order_id: FromPath[int]) -> Response[Any]:
    """The quotation / order confirmation as a PDF, labelled in the reader's language."""
    from addons.base.services.printing import serve_pdf
    from addons.sales_order.services.pdf import render_order_pdf

    return await serve_pdf(request, "sale.order", order_id, render_order_pdf)


@get("/sales/orders/search", name="sales_order.search", tags=["Sales"])
async def order_search(request: Request[Any, Any, Any]) -> Response[Any]:
    """Orders by number, customer, salesperson, product (any line), states and dates.

    Query string: ``q``, ``customer``, ``salesperson``, ``product``, ``state``
    (comma-separated), ``date_from``, ``date_to``, ``group`` (partner, salesperson,
    state, month) and ``limit``.
    """
    raw = request.url.query or ""
    group = request.query_params.get("group") or ""
    limit = whole_number("limit", request.query_params.get("limit"), 50, minimum=1, maximum=500)

    def work() -> dict[str, Any]:
        from addons.sales_order.services.queries import OrderQuery, group_totals, search_orders

        query = OrderQuery.parse(raw)
        with unit_for(request, readonly=True) as env:
            found = search_orders(env, query, limit=limit)
            data: dict[str, Any] = {
                "query": query.to_string(),
                "orders": [
                    {
                        "id": o.id,
                        "name": o.name,
                        "date_order": o.date_order.isoformat(),
                        "partner_id": o.partner_id,
                        "state": o.state,
                        "amount_total": str(o.amount_total),
                    }
                    for o in found
                ],
            }
            if group:
                data["groups"] = [
                    {
                        "key": g.key,
                        "label": g.label,
                        "count": g.count,
                        "amount_untaxed": str(g.amount_untaxed),
                        "amount_total": str(g.amount_total),
                    }
                    for g in group_totals(env, group, query)
                ]
            return data

    return _json(await anyio.to_thread.run_sync(work))


@get("/sales/products/search", name="sales_order.products", tags=["Sales"])
async def product_search(request: Request[Any, Any, Any]) -> Response[Any]:
    """Sellable products by reference, name (English or Chinese) or barcode: ``?q=…``."""
    text = request.query_params.get("q") or ""

    def work() -> list[dict[str, Any]]:
        from addons.sales_order.services.products import find_products

        with unit_for(request, readonly=True) as env:
            return [
                {
                    "id": p.id,
                    "default_code": p.default_code,
                    "name": p.name,
                    "name_zh": p.name_zh,
                    "barcode": p.barcode,
                    "list_price": str(p.list_price),
                }
                for p in find_products(env, text)
            ]

    return _json(await anyio.to_thread.run_sync(work))


@get(
    "/sales/last-prices/{partner_id:int}/{product_id:int}",
    name="sales_order.last_prices",
    tags=["Sales"],
)
async def last_prices(
    request: Request[Any, Any, Any], partner_id: FromPath[int], product_id: FromPath[int]
) -> Response[Any]:
    """The customer's five latest confirmed prices for the product, newest first."""

    def work() -> list[dict[str, Any]]:
        from addons.sales_order.services.pricing import last_prices as latest

        with unit_for(request, readonly=True) as env:
            return [
                {
                    "order_id": p.order_id,
                    "order": p.order_name,
                    "date_order": p.date_order.isoformat(),
                    "quantity": str(p.quantity),
                    "price_unit": str(p.price_unit),
                    "discount": str(p.discount),
                }
                for p in latest(env, partner_id, product_id)
            ]

    return _json(await anyio.to_thread.run_sync(work))


@get("/sales/filters", name="sales_order.filters", include_in_schema=False)
async def saved_filters(request: Request[Any, Any, Any]) -> Response[Any]:
    """The user's saved filters, each with the URL that applies it."""

    def work() -> list[dict[str, Any]]:
        from addons.sales_order.services.queries import my_filters

        with unit_for(request, readonly=True) as env:
            return [
                {"id": f.id, "name": f.name, "query": f.query, "url": f"/sales/filters/{f.id}"}
                for f in my_filters(env)
            ]

    return _json(await anyio.to_thread.run_sync(work))


@post("/sales/filters", name="sales_order.filter_save", include_in_schema=False, status_code=303)
async def save_filter(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save the list's current query under a name (form fields ``name`` and ``query``)."""
    form = await request.form()
    name = str(form.get("name") or "")
    query = str(form.get("query") or "")

    def work() -> str:
        from addons.sales_order.services.queries import save_filter as save

        with unit_for(request) as env:
            return save(env, name, query).query

    saved = await anyio.to_thread.run_sync(work)
    return Response("", status_code=303, headers={"Location": f"{ORDERS_URL}?{saved}"})


@get("/sales/filters/{filter_id:int}", name="sales_order.filter_apply", include_in_schema=False)
async def apply_filter(request: Request[Any, Any, Any], filter_id: FromPath[int]) -> Response[Any]:
    """Open the orders list with a saved filter's query."""

    def work() -> str:
        from addons.sales_order.services.queries import my_filter

        with unit_for(request, readonly=True) as env:
            return str(my_filter(env, filter_id).query)

    query = await anyio.to_thread.run_sync(work)
    return Response("", status_code=303, headers={"Location": f"{ORDERS_URL}?{query}"})


ROUTES: list[Any] = [
    order_pdf,
    order_search,
    product_search,
    last_prices,
    saved_filters,
    save_filter,
    apply_filter,
]
