"""Web routes of manufacturing: the printable production order with its pick list."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.params import FromPath

from kernel.web.deps import RequestEnv


@get(
    "/mrp/production/{production_id:int}/pdf",
    name="mrp.production_pdf",
    include_in_schema=False,
    sync_to_thread=True,
)
def production_pdf(env: RequestEnv, production_id: FromPath[int]) -> Response[Any]:
    """The production order as a PDF, labelled in the reader's language and in the other one."""
    from addons.base.services.printing import serve_pdf
    from addons.mrp.services.pdf import render_production_pdf

    return serve_pdf(env, "mrp.production", production_id, render_production_pdf)


@get(
    "/api/v1/mrp/lots/{lot_id:int}/genealogy",
    name="mrp.api.lot_genealogy",
    tags=["Manufacturing"],
    sync_to_thread=True,
)
def lot_genealogy(env: RequestEnv, lot_id: FromPath[int]) -> Response[Any]:
    """A lot's genealogy: ``made_from`` (the lots it was made from, level by level, each with
    the quantity consumed) and ``used_in`` (the lots made from it)."""
    from addons.mrp.services.lots import genealogy_json

    env.check("mrp.lot.genealogy", "read")
    return Response(content=genealogy_json(env, lot_id), media_type="application/json")


from addons.mrp.plan_routes import PLAN_ROUTES  # noqa: E402  (the production plan)

ROUTES: list[Any] = [production_pdf, lot_genealogy, *PLAN_ROUTES]
