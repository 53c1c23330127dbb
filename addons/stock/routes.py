"""Web routes of inventory: stock figures as JSON, and "run the reorder rules now".

Handlers open the signed-in user's unit of work (``unit_for``), so the kernel's
access checks apply; database work runs in a worker thread.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post

from kernel.errors import AccessDenied, ValidationError
from kernel.i18n import _
from kernel.web.context import unit_for


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


@get("/stock/picking/{picking_id:int}/pdf", name="stock.picking_pdf", include_in_schema=False)
async def picking_pdf(request: Request[Any, Any, Any], picking_id: int) -> Response[Any]:
    """The delivery slip (or receipt) as a PDF, labelled in the reader's language and the other."""
    from addons.base.services.printing import serve_pdf
    from addons.stock.services.pdf import render_picking_pdf

    return await serve_pdf(request, "stock.picking", picking_id, render_picking_pdf)


@get("/stock/availability", name="stock.availability", tags=["Inventory"])
async def availability_route(request: Request[Any, Any, Any]) -> Response[Any]:
    """On hand, reserved, available, incoming, outgoing and forecast per product.

    Query string: ``products`` (comma-separated ids), optional ``warehouse`` (id).
    Quantities are decimal strings in the product's unit.
    """
    raw = request.query_params.get("products") or ""
    warehouse = request.query_params.get("warehouse") or None
    try:
        ids = [int(x) for x in raw.split(",") if x.strip()]
        warehouse_id = int(warehouse) if warehouse else None
    except ValueError:
        raise ValidationError(
            _("products and warehouse must be numeric ids"), field="products"
        ) from None

    def work() -> dict[str, Any]:
        from addons.stock.services.availability import availability

        with unit_for(request, readonly=True) as env:
            figures = availability(env, ids, warehouse_id)
        return {
            str(pid): {key: f"{value:f}" for key, value in values.items()}
            for pid, values in figures.items()
        }

    return _json(await anyio.to_thread.run_sync(work))


@post("/stock/reorder/run", name="stock.reorder_run", tags=["Inventory"])
async def reorder_run(request: Request[Any, Any, Any]) -> Response[Any]:
    """Run the reorder rules now (stock managers); returns the requests raised."""

    def work() -> list[dict[str, Any]]:
        from addons.stock.services.reorder import run_reorder_rules

        with unit_for(request) as env:
            if not env.has_group("stock.group_manager"):
                raise AccessDenied(_("only inventory managers may run the reorder rules"))
            raised = run_reorder_rules(env)
        return [
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

    return _json({"requests": await anyio.to_thread.run_sync(work)})


ROUTES = [availability_route, reorder_run, picking_pdf]
