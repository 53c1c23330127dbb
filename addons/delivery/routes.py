"""Routes of delivery: the waybill PDF, the staff link to the tracking page, and the public
tracking page ``/track/<token>`` (no sign-in: the token is the key).

Staff routes receive the signed-in user's unit of work (``env: RequestEnv``). The
tracking page and the carriers' webhook have nobody signed in: they open a system
unit of their own, after their own check (the rate limit, the carrier's signature).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, RawBody

from kernel.errors import TooManyRequests
from kernel.i18n import SUPPORTED_LOCALES, _, normalize_locale
from kernel.web.auth import client_address
from kernel.web.context import LANG_COOKIE, instance_of, request_lang
from kernel.web.deps import RequestEnv
from kernel.web.templating import render


@get(
    "/delivery/shipment/{shipment_id:int}/waybill.pdf",
    name="delivery.waybill",
    include_in_schema=False,
    sync_to_thread=True,
)
def waybill_pdf(
    request: Request[Any, Any, Any], env: RequestEnv, shipment_id: FromPath[int]
) -> Response[Any]:
    """The waybill with the QR code of the tracking link, labelled in the reader's language."""
    from addons.base.services.printing import serve_pdf
    from addons.delivery.services.waybill import render_waybill

    base_url = str(request.base_url)
    return serve_pdf(
        env,
        "delivery.shipment",
        shipment_id,
        lambda env, shipment: render_waybill(env, shipment, base_url),
    )


@get("/delivery/shipment/{shipment_id:int}/track", name="delivery.track_link", sync_to_thread=True)
def tracking_link(env: RequestEnv, shipment_id: FromPath[int]) -> Response[Any]:
    """Staff open the customer's page of a shipment they may read."""
    token = str(env.get("delivery.shipment", shipment_id).tracking_token)
    return Response("", status_code=303, headers={"Location": f"/track/{token}"})


@get("/track/{token:str}", name="delivery.track", sync_to_thread=True)
def tracking_page(
    request: Request[Any, Any, Any],
    token: FromPath[str],
    lang: FromQuery[str | None] = None,
) -> Response[Any]:
    """The customer's tracking page: status, ship date, ETA, items and the timeline.

    ``?lang=zh_CN`` / ``?lang=en`` switch the language (kept in the language cookie).
    An unknown token answers 404 with the same page as any other miss. Nobody is
    signed in: the page is read in a read-only system unit, after the rate limit.
    """
    from addons.delivery.services.public import find
    from addons.delivery.services.track_limit import count_view

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
    with instance.unit(None, su=True, readonly=True, lang=request_lang(request)) as env:
        shipment = find(env, token)
        return render(
            request,
            "delivery/track.html",
            {"shipment": shipment},
            env=env,
            status_code=200 if shipment is not None else 404,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )


@post(
    "/api/delivery/webhook/{carrier_id:int}",
    name="delivery.webhook",
    exclude_from_csrf=True,  # no cookies: the carrier's HMAC signature is the credential
    include_in_schema=False,
    status_code=201,
    sync_to_thread=True,
)
def carrier_webhook(
    request: Request[Any, Any, Any], carrier_id: FromPath[int], body: RawBody
) -> Response[Any]:
    """A carrier pushes one tracking event (see :mod:`addons.delivery.services.webhook`).

    The signature is checked inside a system unit: the carrier's secret is read there.
    """
    from addons.delivery.services.webhook import SIGNATURE_HEADER, receive_event

    signature = request.headers.get(SIGNATURE_HEADER, "")
    instance = instance_of(request)
    with instance.unit(None, su=True, lang=request_lang(request)) as env:
        event = receive_event(env, carrier_id, body, signature)
        answer = {"id": event.id, "shipment_id": event.shipment_id, "kind": event.kind}
    return Response(answer, status_code=201)


ROUTES: list[Any] = [waybill_pdf, tracking_link, tracking_page, carrier_webhook]
