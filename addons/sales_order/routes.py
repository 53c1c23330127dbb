"""Web routes of sales orders: the printable PDF, order search, saved filters.

Handlers receive the signed-in user's unit of work (``env: RequestEnv``), so the
kernel's access checks apply; they run in a worker thread (``sync_to_thread``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter

from kernel.web.deps import FormBody, RequestEnv, last_values
from kernel.web.params import whole_number

ORDERS_URL = "/app/sales/orders"


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


@get(
    "/sales/order/{order_id:int}/pdf",
    name="sales_order.pdf",
    include_in_schema=False,
    sync_to_thread=True,
)
def order_pdf(env: RequestEnv, order_id: FromPath[int]) -> Response[Any]:
    """The quotation / order confirmation as a PDF, labelled in the reader's language."""
    from addons.base.services.printing import serve_pdf
    from addons.sales_order.services.pdf import render_order_pdf

    return serve_pdf(env, "sale.order", order_id, render_order_pdf)


@get("/sales/orders/search", name="sales_order.search", tags=["Sales"], sync_to_thread=True)
def order_search(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    group: Annotated[
        str,
        QueryParameter(
            description="Totals per partner, salesperson, state or month", max_length=32
        ),
    ] = "",
    limit: Annotated[
        str | None, QueryParameter(description="At most this many orders (1-500, 50 by default)")
    ] = None,
) -> Response[Any]:
    """Orders by number, customer, salesperson, product (any line), states and dates.

    Query string: ``q``, ``customer``, ``salesperson``, ``product``, ``state``
    (comma-separated), ``date_from``, ``date_to``, ``group`` (partner, salesperson,
    state, month) and ``limit``. The search keys are read by
    :meth:`~addons.sales_order.services.queries.OrderQuery.parse` from the query
    string as a whole, the form a saved filter keeps.
    """
    from addons.sales_order.services.queries import OrderQuery, group_totals, search_orders

    size = whole_number("limit", limit, 50, minimum=1, maximum=500)
    query = OrderQuery.parse(request.url.query or "")
    found = search_orders(env, query, limit=size)
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
    return _json(data)


@get("/sales/products/search", name="sales_order.products", tags=["Sales"], sync_to_thread=True)
def product_search(
    env: RequestEnv,
    q: Annotated[
        str, QueryParameter(description="Reference, name or barcode", max_length=200)
    ] = "",
) -> Response[Any]:
    """Sellable products by reference, name (English or Chinese) or barcode: ``?q=…``."""
    from addons.sales_order.services.products import find_products

    return _json(
        [
            {
                "id": p.id,
                "default_code": p.default_code,
                "name": p.name,
                "name_zh": p.name_zh,
                "barcode": p.barcode,
                "list_price": str(p.list_price),
            }
            for p in find_products(env, q)
        ]
    )


@get(
    "/sales/last-prices/{partner_id:int}/{product_id:int}",
    name="sales_order.last_prices",
    tags=["Sales"],
    sync_to_thread=True,
)
def last_prices(
    env: RequestEnv, partner_id: FromPath[int], product_id: FromPath[int]
) -> Response[Any]:
    """The customer's five latest confirmed prices for the product, newest first."""
    from addons.sales_order.services.pricing import last_prices as latest

    return _json(
        [
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
    )


@get("/sales/filters", name="sales_order.filters", include_in_schema=False, sync_to_thread=True)
def saved_filters(env: RequestEnv) -> Response[Any]:
    """The user's saved filters, each with the URL that applies it."""
    from addons.sales_order.services.queries import my_filters

    return _json(
        [
            {"id": f.id, "name": f.name, "query": f.query, "url": f"/sales/filters/{f.id}"}
            for f in my_filters(env)
        ]
    )


@post(
    "/sales/filters",
    name="sales_order.filter_save",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def save_filter(env: RequestEnv, data: FormBody) -> Response[Any]:
    """Save the list's current query under a name (form fields ``name`` and ``query``)."""
    from addons.sales_order.services.queries import save_filter as save

    form = last_values(data)
    saved = save(env, str(form.get("name") or ""), str(form.get("query") or "")).query
    return Response("", status_code=303, headers={"Location": f"{ORDERS_URL}?{saved}"})


@get(
    "/sales/filters/{filter_id:int}",
    name="sales_order.filter_apply",
    include_in_schema=False,
    sync_to_thread=True,
)
def apply_filter(env: RequestEnv, filter_id: FromPath[int]) -> Response[Any]:
    """Open the orders list with a saved filter's query."""
    from addons.sales_order.services.queries import my_filter

    query = str(my_filter(env, filter_id).query)
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
