"""Web routes of inventory: stock figures as JSON, and "run the reorder rules now".

Handlers receive the signed-in user's unit of work (``env: RequestEnv``), so the
kernel's access checks apply; they run in a worker thread (``sync_to_thread``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import FromPath, QueryParameter

from kernel.errors import AccessDenied, ValidationError
from kernel.i18n import _
from kernel.web.deps import RequestEnv
from kernel.web.params import INT64_MAX


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


@get(
    "/stock/picking/{picking_id:int}/pdf",
    name="stock.picking_pdf",
    include_in_schema=False,
    sync_to_thread=True,
)
def picking_pdf(env: RequestEnv, picking_id: FromPath[int]) -> Response[Any]:
    """The delivery slip (or receipt) as a PDF, labelled in the reader's language and the other."""
    from addons.base.services.printing import serve_pdf
    from addons.stock.services.pdf import render_picking_pdf

    return serve_pdf(env, "stock.picking", picking_id, render_picking_pdf)


@get("/stock/availability", name="stock.availability", tags=["Inventory"], sync_to_thread=True)
def availability_route(
    env: RequestEnv,
    products: Annotated[
        str, QueryParameter(description="Comma-separated product ids", max_length=10_000)
    ] = "",
    warehouse: Annotated[
        int | None, QueryParameter(description="Warehouse id", ge=1, le=INT64_MAX)
    ] = None,
) -> Response[Any]:
    """On hand, reserved, available, incoming, outgoing and forecast per product.

    Quantities are decimal strings in the product's unit.
    """
    from addons.stock.services.availability import availability

    try:
        ids = [int(x) for x in products.split(",") if x.strip()]
    except ValueError:
        raise ValidationError(
            _("products and warehouse must be numeric ids"), field="products"
        ) from None
    figures = availability(env, ids, warehouse)
    return _json(
        {
            str(pid): {key: f"{value:f}" for key, value in values.items()}
            for pid, values in figures.items()
        }
    )


@post("/stock/reorder/run", name="stock.reorder_run", tags=["Inventory"], sync_to_thread=True)
def reorder_run(env: RequestEnv) -> Response[Any]:
    """Run the reorder rules now (stock managers); returns the requests raised."""
    from addons.stock.services.reorder import run_reorder_rules

    if not env.has_group("stock.group_manager"):
        raise AccessDenied(_("only inventory managers may run the reorder rules"))
    raised = run_reorder_rules(env)
    return _json(
        {
            "requests": [
                {
                    "rule_id": item.rule_id,
                    "product_id": item.product_id,
                    "warehouse_id": item.warehouse_id,
                    "forecast": f"{item.forecast:f}",
                    "quantity": f"{item.quantity:f}",
                    "reference": item.reference,
                }
                for item in raised
            ]
        }
    )


ROUTES = [availability_route, reorder_run, picking_pdf]
