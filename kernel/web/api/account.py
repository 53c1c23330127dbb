"""The signed-in user's own API keys over JSON: ``/api/v1/_account/api-keys``.

API keys are a system model (``kernel/data/kernel.toml``): the generic API lets
nobody create, change or revoke them, admins included, so a key can never be
moved to another user. Their owner lists, creates and revokes them here; the key
itself is in the answer to the creation only.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, RawBody

from kernel.apikeys import create_own_api_key, own_api_keys, revoke_own_api_key
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.deps import RequestEnv

PREFIX = "/api/v1/_account/api-keys"
TAGS = ["Account"]


def key_json(row: Any) -> dict[str, Any]:
    """An API key as JSON: everything but the key itself (never readable after creation)."""

    def when(value: Any) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value is not None else None

    return {
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "created_at": when(row.created_at),
        "last_used_at": when(row.last_used_at),
        "revoked_at": when(row.revoked_at),
    }


@get(PREFIX, tags=TAGS, summary="Your API keys", sync_to_thread=True)
def list_keys(env: RequestEnv) -> Response[Any]:
    return Response({"items": [key_json(row) for row in own_api_keys(env)]})


@post(
    PREFIX,
    tags=TAGS,
    summary="Create an API key (the key is shown once)",
    status_code=201,
    sync_to_thread=True,
)
def create_key(env: RequestEnv, body: RawBody) -> Response[Any]:
    from kernel.web.api.routes import _body  # routes imports this module

    payload = _body(body)
    name = payload.get("name") if isinstance(payload, dict) else None
    if not isinstance(name, str):
        raise ValidationError(
            _("Give the key a name, e.g. the program that will use it."), field="name"
        )
    row, key = create_own_api_key(env, name)
    return Response({**key_json(row), "key": key}, status_code=201)


@post(
    f"{PREFIX}/{{key_id:int}}/revoke",
    tags=TAGS,
    summary="Revoke one of your API keys",
    status_code=200,
    sync_to_thread=True,
)
def revoke_key(env: RequestEnv, key_id: FromPath[int]) -> Response[Any]:
    return Response(key_json(revoke_own_api_key(env, key_id)))


ACCOUNT_ROUTES: list[Any] = [list_keys, create_key, revoke_key]
