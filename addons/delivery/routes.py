"""Routes of delivery: the waybill PDF, the staff link to the tracking page, and the public
tracking page ``/track/<token>`` (no sign-in: the token is the key)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery

from kernel.errors import TooManyRequests
from kernel.i18n import SUPPORTED_LOCALES, _, normalize_locale
from kernel.web.auth import client_address
from kernel.web.context import LANG_COOKIE, instance_of, request_lang, unit_for
from kernel.web.templating import render


@get(
    "/delivery/shipment/{shipment_id:int}/waybill.pdf",
    name="delivery.waybill",
    include_in_schema=False,
)
async def waybill_pdf(request: Request[Any, Any, Any], shipment_id: FromPath[int]) -> Response[Any]:
    """The waybill with the QR code of the tracking link, labelled in the reader's language."""
    from addons.base.services.printing import serve_pdf
    from addons.delivery.services.waybill import render_waybill

    base_url = str(request.base_url)
    return await serve_pdf(
        request,
        "delivery.shipment",
        shipment_id,
        lambda env, shipment: render_waybill(env, shipment, base_url),
    )


@get("/delivery/shipment/{shipment_id:int}/track", name="delivery.track_link")
async def tracking_link(
    request: Request[Any, Any, Any], shipment_id: FromPath[int]
) -> Response[Any]:
    """Staff open the customer's page of a shipment they may read."""

    def work() -> str:
        with unit_for(request, readonly=True) as env:
            return str(env.get("delivery.shipment", shipment_id).tracking_token)

    token = await anyio.to_thread.run_sync(work)
    return Response("", status_code=303, headers={"Location": f"/track/{token}"})


@get("/track/{token:str}", name="delivery.track")
async def tracking_page(
    request: Request[Any, Any, Any],
    token: FromPath[str],
    lang: FromQuery[str | None] = None,
) -> Response[Any]:
    """The customer's tracking page: status, ship date, ETA, items and the timeline.

    ``?lang=zh_CN`` / ``?lang=en`` switch the language (kept in the language cookie).
    An unknown token answers 404 with the same page as any other miss.
    """
    if lang is not None:
        chosen = normalize_locale(lang)
        response: Response[Any] = Response(
            "", status_code=303, headers={"Location": f"/track/{token}"}
        )
        if chosen in SUPPORTED_LOCALES:
            response.set_cookie(
                Cookie(key=LANG_COOKIE, value=chosen, httponly=True, samesite="lax", path="/")
            )
        return response

    def work() -> Response[Any]:
        from addons.delivery.services.public import find
        from addons.delivery.services.track_limit import count_view

        instance = instance_of(request)
        wait = count_view(instance, client_address(request))
        if wait is not None:
            raise TooManyRequests(
                _(
                    "Too many tracking requests from your address. Wait %(seconds)s seconds "
                    "and try again.",
                    seconds=wait,
                ),
                retry_after=wait,
            )
        lang = request_lang(request)
        with instance.unit(None, su=True, readonly=True, lang=lang) as env:
            shipment = find(env, token)
            return render(
                request,
                "delivery/track.html",
                {"shipment": shipment},
                env=env,
                status_code=200 if shipment is not None else 404,
                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
            )

    return await anyio.to_thread.run_sync(work)


@post(
    "/api/delivery/webhook/{carrier_id:int}",
    name="delivery.webhook",
    exclude_from_csrf=True,  # no cookies: the carrier's HMAC signature is the credential
    include_in_schema=False,
    status_code=201,
)
async def carrier_webhook(
    request: Request[Any, Any, Any], carrier_id: FromPath[int]
) -> Response[Any]:
    """A carrier pushes one tracking event (see :mod:`addons.delivery.services.webhook`)."""
    from addons.delivery.services.webhook import SIGNATURE_HEADER, receive_event

    body = await request.body()
    signature = request.headers.get(SIGNATURE_HEADER, "")

    def work() -> dict[str, Any]:
        instance = instance_of(request)
        with instance.unit(None, su=True, lang=request_lang(request)) as env:
            event = receive_event(env, carrier_id, body, signature)
            return {"id": event.id, "shipment_id": event.shipment_id, "kind": event.kind}

    return Response(await anyio.to_thread.run_sync(work), status_code=201)


ROUTES: list[Any] = [waybill_pdf, tracking_link, tracking_page, carrier_webhook]
