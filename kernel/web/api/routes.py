"""The generic JSON API: ``/api/v1/{model}`` for every model the signed-in user may access.

Handlers are thin sync functions run in a worker thread: they receive the user's
unit of work as ``env`` (:mod:`kernel.web.deps`), so the kernel's access checks
apply to every read and write, and raise
:mod:`kernel.errors` exceptions that the web host turns into
``application/problem+json`` (401/403/404/409/422). Request bodies are parsed with
``parse_float=Decimal`` so that ``12.30`` reaches a ``Money`` column exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from litestar import Request, Response, delete, get, patch, post
from litestar.params import FromPath, QueryParameter, RawBody
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kernel import workflow
from kernel.env import Env
from kernel.errors import AccessDenied, NotFound, NotOffered, ValidationError, WorkflowError
from kernel.i18n import _, text_of
from kernel.security import check_access
from kernel.web import actions
from kernel.web.api import query as list_query
from kernel.web.api.account import ACCOUNT_ROUTES
from kernel.web.api.docs import DOCS_ROUTES
from kernel.web.api.records import apply, flush, serialize, serialize_full
from kernel.web.deps import RequestEnv
from kernel.web.introspect import ModelMeta, collect_views, model_meta
from kernel.web.limits import json_too_deep, too_deep_error

PREFIX = "/api/v1"
TAGS = ["Generic API"]
FILTER_HELP = (
    "Filters: `filter[field]=value` (equality) or `filter[field][op]=value` with op one of "
    "eq, ne, lt, lte, gt, gte, in (comma-separated values), like (case-insensitive contains). "
    "`null` compares with NULL. Field names are the model's columns (see `/api/v1/_models`)."
)


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


def _model(env: Env, name: str, operation: str) -> ModelMeta:
    """The model's metadata after checking it is exposed and the user may ``operation`` it."""
    meta = model_meta(env.registry, name)
    view = collect_views(env.registry).get(name)
    if view is not None and not view.api:
        raise NotFound(_("there is no model %(model)s", model=name))
    check_access(env, name, operation)
    if operation == "create" and not _creatable(env, name):
        raise NotOffered(
            _("%(model)s records are made by the system, not by hand", model=text_of(meta.label))
        )
    return meta


def _creatable(env: Env, name: str) -> bool:
    """A view with ``create=False`` (stock on hand) says: no "New" on the screen, none here either."""
    view = collect_views(env.registry).get(name)
    return view is None or view.create


def _body(raw: bytes) -> Any:
    """The parsed body; its size and depth were checked by :mod:`kernel.web.limits` already."""
    if not raw.strip():
        return {}
    if json_too_deep(raw):
        raise too_deep_error()
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("the body is not valid JSON")) from None
    except RecursionError:
        raise too_deep_error() from None


def _params(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


@get(
    f"{PREFIX}/_models",
    tags=TAGS,
    summary="Models you may read, with their fields",
    sync_to_thread=True,
)
def api_models(env: RequestEnv) -> Response[Any]:
    hidden = {m for m, v in collect_views(env.registry).items() if not v.api}
    out = []
    for name in sorted(env.registry.models):
        if name in hidden or not env.can(name, "read"):
            continue
        entry = model_meta(env.registry, name).as_dict()
        entry["operations"] = [
            op
            for op in ("read", "create", "write", "delete")
            if env.can(name, op) and (op != "create" or _creatable(env, name))
        ]
        wf = env.registry.workflows.get(name)
        if wf is not None:
            entry["transitions"] = [
                {
                    "name": t.name,
                    "label": text_of(t.label),
                    "requires_reason": t.requires_reason,
                }
                for t in wf.transitions
                if t.auto is None
            ]
        view = collect_views(env.registry).get(name)
        if view is not None and view.actions:
            entry["actions"] = [
                actions.describe(a) for a in view.actions if actions.allowed(env, name, a)
            ]
        out.append(entry)
    return _json({"models": out})


@get(
    f"{PREFIX}/{{model:str}}",
    tags=TAGS,
    summary="List records",
    description=FILTER_HELP,
    sync_to_thread=True,
)
def api_list(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    model: FromPath[str],
    order: Annotated[
        str | None,
        QueryParameter(description="Comma-separated fields, `-` for descending: `-date_order,id`"),
    ] = None,
    fields: Annotated[
        str | None,
        QueryParameter(description="Comma-separated fields to return (id always included)"),
    ] = None,
    limit: Annotated[
        str | None,
        QueryParameter(
            description=f"Page size (default {list_query.DEFAULT_LIMIT}, at most {list_query.MAX_LIMIT})"
        ),
    ] = None,
    offset: Annotated[str | None, QueryParameter(description="Records to skip")] = None,
) -> Response[Any]:
    # ``filter[field][op]`` parameters are open-ended: the query module reads them all
    meta = _model(env, model, "read")
    q = list_query.parse(meta, _params(request))
    cls = meta.cls
    where = list_query.combined(q.where)
    count_stmt = select(func.count()).select_from(cls)
    page_stmt = select(cls)
    if where is not None:
        count_stmt = count_stmt.where(where)
        page_stmt = page_stmt.where(where)
    rows = env.session.scalars(
        page_stmt.order_by(*q.order_by).limit(q.limit).offset(q.offset)
    ).all()
    total = _total(env, count_stmt, q.offset, q.limit, len(rows))
    return _json(
        {
            "total": total,
            "limit": q.limit,
            "offset": q.offset,
            "items": [serialize(row, meta, q.fields) for row in rows],
        }
    )


def _total(env: Env, count_stmt: Any, offset: int, limit: int, found: int) -> int:
    """How many records match: known without counting when the page is the last one.

    A page that came back short (fewer records than the limit, an empty first page
    included) ends the list, so the total is what came before it plus what it holds.
    Looking up one record by a filter is most API reads; counting it again was a
    second statement for each. ``limit=0`` asks for the total alone: it is counted.
    """
    if limit > 0 and (0 < found < limit or (found == 0 and offset == 0)):
        return offset + found
    # the count query names no ORM entity, so check read explicitly (done in _model)
    return env.session.scalar(count_stmt) or 0


@get(
    f"{PREFIX}/{{model:str}}/{{record_id:int}}",
    tags=TAGS,
    summary="Read one record",
    sync_to_thread=True,
)
def api_read(env: RequestEnv, model: FromPath[str], record_id: FromPath[int]) -> Response[Any]:
    meta = _model(env, model, "read")
    return _json(serialize_full(env, env.get(model, record_id), meta))


@post(
    f"{PREFIX}/{{model:str}}",
    tags=TAGS,
    summary="Create a record (lines may be nested)",
    sync_to_thread=True,
)
def api_create(env: RequestEnv, model: FromPath[str], body: RawBody) -> Response[Any]:
    payload = _body(body)
    meta = _model(env, model, "create")
    record = apply(env, meta, None, payload)
    return _json(serialize_full(env, record, meta), status_code=201)


@patch(
    f"{PREFIX}/{{model:str}}/{{record_id:int}}",
    tags=TAGS,
    summary="Change a record",
    sync_to_thread=True,
)
def api_update(
    env: RequestEnv, model: FromPath[str], record_id: FromPath[int], body: RawBody
) -> Response[Any]:
    payload = _body(body)
    meta = _model(env, model, "write")
    record = apply(env, meta, env.get(model, record_id), payload)
    return _json(serialize_full(env, record, meta))


@delete(
    f"{PREFIX}/{{model:str}}/{{record_id:int}}",
    tags=TAGS,
    summary="Delete a record",
    status_code=204,
    sync_to_thread=True,
)
def api_delete(env: RequestEnv, model: FromPath[str], record_id: FromPath[int]) -> None:
    _model(env, model, "delete")
    env.session.delete(env.get(model, record_id))
    flush(env)


def _action_body(body: RawBody) -> dict[str, Any]:
    payload = _body(body)
    if not isinstance(payload, dict):
        raise ValidationError(_("the body must be a JSON object"))
    return payload


@post(
    f"{PREFIX}/{{model:str}}/{{record_id:int}}/actions/{{transition:str}}",
    tags=TAGS,
    summary="Run a workflow action",
    description='Body (optional): `{"reason": "…"}` — required by actions such as cancel.',
    status_code=200,
    sync_to_thread=True,
)
def api_action(
    env: RequestEnv,
    model: FromPath[str],
    record_id: FromPath[int],
    transition: FromPath[str],
    body: RawBody,
) -> Response[Any]:
    payload = _action_body(body)
    reason = payload.get("reason", "")
    if not isinstance(reason, str) or "\x00" in reason:
        raise ValidationError(_("reason must be text"), field="reason")
    meta = _model(env, model, "read")
    declared = actions.find(env, model, transition)
    if declared is not None:
        record_: Any = env.get(model, record_id)
        params = actions.read_params(env, declared, payload)
        result = actions.run(env, model, declared, [record_], params)
        flush(env)
        data = serialize_full(env, record_, meta)
        data["_result"] = actions.result_json(result)
        return _json(data)
    wf = env.registry.workflows.get(model)
    if wf is None:
        raise NotFound(_("%(model)s has no workflow", model=text_of(meta.label)))
    try:
        tr = wf.transition(transition)
    except KeyError:
        raise NotFound(
            _(
                "%(model)s has no action %(action)s",
                model=text_of(meta.label),
                action=transition,
            )
        ) from None
    if tr.auto is not None:
        raise WorkflowError(
            _(
                "%(action)s happens by itself and cannot be run by hand",
                action=text_of(tr.label),
            )
        )
    if not env.can(model, "write"):
        raise AccessDenied(
            _(
                "you are not allowed to %(action)s %(model)s records",
                action=text_of(tr.label),
                model=text_of(meta.label),
            )
        )
    record: Any = env.get(model, record_id)
    move = workflow.fire(env, record, transition, reason=reason)
    flush(env)
    data = serialize_full(env, record, meta)
    data["_move"] = {
        "from": move.from_state,
        "to": record.state if hasattr(record, "state") else move.to_state,
    }
    return _json(data)


@post(
    f"{PREFIX}/{{model:str}}/actions/{{name:str}}",
    tags=TAGS,
    summary="Run a model action on several records",
    description='Body: `{"ids": [1, 2], ...parameters}`; without `ids` the action applies to '
    "every record it concerns (e.g. all open requisitions). Actions and their parameters "
    "are listed per model in `/api/v1/_models`.",
    status_code=200,
    sync_to_thread=True,
)
def api_model_action(
    env: RequestEnv, model: FromPath[str], name: FromPath[str], body: RawBody
) -> Response[Any]:
    payload = _action_body(body)
    meta = _model(env, model, "read")
    declared = actions.find(env, model, name)
    if declared is None:
        raise NotFound(
            _(
                "%(model)s has no action %(action)s",
                model=text_of(meta.label),
                action=name,
            )
        )
    records = actions.load(env, model, actions.record_ids(payload))
    params = actions.read_params(env, declared, payload)
    result = actions.run(env, model, declared, records, params)
    flush(env)
    return _json({"result": actions.result_json(result)})


@get(
    f"{PREFIX}/{{model:str}}/{{record_id:int}}/history",
    tags=TAGS,
    summary="A record's history",
    sync_to_thread=True,
)
def api_history(env: RequestEnv, model: FromPath[str], record_id: FromPath[int]) -> Response[Any]:
    _model(env, model, "read")
    env.get(model, record_id)
    History = env["workflow.history"]
    rows = env.session.scalars(
        select(History)
        .where(History.model == model, History.res_id == record_id)
        .options(joinedload(History.user))
        .order_by(History.id)
    ).all()
    items = [
        {
            "id": row.id,
            "at": row.at.isoformat().replace("+00:00", "Z"),
            "user": row.user.name if row.user is not None else None,
            "user_id": row.user_id,
            "action": row.transition or "comment",
            "from": row.from_state or None,
            "to": row.to_state or None,
            "reason": row.reason,
            "automatic": row.automatic,
        }
        for row in rows
    ]
    return _json({"items": items})


API_ROUTES: list[Any] = [
    *ACCOUNT_ROUTES,
    api_models,
    api_list,
    api_read,
    api_create,
    api_update,
    api_delete,
    api_action,
    api_model_action,
    api_history,
    *DOCS_ROUTES,
]
