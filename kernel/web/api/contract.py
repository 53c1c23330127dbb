"""The OpenAPI document as the API's contract: one set of paths and JSON Schemas per model.

Why generated here and not by Litestar: the generic API has one handler for every
model (``/api/v1/{model}``), so Litestar can only describe "some model" with an
untyped body. A client generator or a fuzzer needs what each model really
accepts and answers. This module reads the installed models (the same metadata
the handlers use to convert and check values) and writes, per model exposed to
the API:

* ``<Model>`` (read), ``<Model>Create`` and ``<Model>Update`` schemas, with the
  inline-edited lines nested (``lines``: arrays of the line model's schemas);
* list (``filter``, ``order``, ``fields``, ``limit``, ``offset``), create, read,
  update, delete, history, each workflow action, and each declared action with
  its parameters;
* the ``Problem`` body (RFC 9457 with ``fields``: field path → message; line
  paths count from 0, ``lines.0.quantity``) on every 4xx answer;
* bearer authentication (an API key: ``Authorization: Bearer sp_…``).

Routes of addons outside the generic API keep Litestar's description, with the
problem answers added. The document is built once per installed-addon set.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from weakref import WeakKeyDictionary

from kernel.i18n import text_of, use_locale
from kernel.models.registry import Registry
from kernel.web.introspect import (
    FieldMeta,
    ModelMeta,
    collect_views,
    line_relations,
    model_meta,
    readonly_lines,
)
from kernel.web.params import INT64_MAX

PREFIX = "/api/v1"
GENERIC = re.compile(r"^/api/v1/\{model\}")
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
INT32_MAX = 2**31 - 1
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
ERROR_TEXT = {
    "400": "Malformed request",
    "401": "No valid API key or session",
    "403": "Your groups do not allow this",
    "404": "No such record or model",
    "409": "Conflicts with the record's state or with other records",
    "413": "Body too large",
    "422": "A value is missing or wrong; `fields` names each (line paths from 0)",
    "429": "Too many requests for this key or address: retry after `Retry-After` seconds",
}
PROBLEM = {
    "type": "object",
    "description": "An error (RFC 9457 problem details) in the caller's language.",
    "required": ["type", "title", "status", "detail", "fields"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "Field path → message, e.g. `lines.0.quantity` (lines count from 0)",
            "additionalProperties": {"type": "string"},
        },
    },
}
HISTORY_ITEM = {
    "type": "object",
    "required": ["id", "at", "user", "user_id", "action", "from", "to", "reason", "automatic"],
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "user": {"type": ["string", "null"]},
        "user_id": {"type": ["integer", "null"]},
        "action": {"type": "string"},
        "from": {"type": ["string", "null"]},
        "to": {"type": ["string", "null"]},
        "reason": {"type": ["string", "null"]},
        "automatic": {"type": ["boolean", "null"]},
    },
}
ACTION_RESULT = {
    "type": ["object", "null"],
    "description": "Records the action made or touched: `{model, ids}`",
    "properties": {
        "model": {"type": "string"},
        "ids": {"type": "array", "items": {"type": "integer"}},
    },
}

_cache: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()


def schema_name(model: str) -> str:
    """``sale.order.line`` → ``SaleOrderLine`` (model names are unique, so are these)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", model) if part)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def field_schema(field: FieldMeta, *, writing: bool) -> dict[str, Any]:
    """The JSON Schema of one column's value, as answered (``writing`` False) or accepted."""
    kind = field.type
    schema: dict[str, Any]
    if kind in ("char", "text"):
        schema = {"type": "string"}
        if field.size:
            schema["maxLength"] = field.size
    elif kind in ("integer", "many2one"):
        top = INT32_MAX if field.bits == 32 else INT64_MAX
        schema = {"type": "integer", "minimum": -top - 1, "maximum": top}
        if kind == "many2one":
            schema["minimum"] = 1
            schema["description"] = f"id of a {field.relation} record"
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind in ("money", "quantity", "decimal"):
        schema = {"type": "string", "pattern": DECIMAL_PATTERN}
        if field.scale is not None:
            schema["description"] = f"exact decimal, {field.scale} decimal places"
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "datetime":
        schema = {"type": "string", "format": "date-time"}
    elif kind == "selection":
        schema = {"type": "string", "enum": [key for key, _label in field.selection or []]}
    else:  # json
        schema = {}
    if field.label and "description" not in schema:
        schema["description"] = text_of(field.label)
    if schema and field.nullable:
        kinds = schema.get("type")
        if isinstance(kinds, str):
            schema["type"] = [kinds, "null"]
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
    return schema


def _writable(meta: ModelMeta, skip: set[str]) -> dict[str, FieldMeta]:
    return {
        name: f
        for name, f in meta.fields.items()
        if not f.readonly and name not in skip and name != "id"
    }


def model_schemas(registry: Registry, meta: ModelMeta) -> dict[str, dict[str, Any]]:
    """``<Model>`` (read), ``<Model>Row`` (listed), ``<Model>Item`` (nested as a line),
    ``<Model>Create`` and ``<Model>Update`` (lines nested)."""
    name = schema_name(meta.name)
    relations = line_relations(registry, meta.name)
    fixed = readonly_lines(registry, meta.name)
    read_props = {n: field_schema(f, writing=False) for n, f in meta.fields.items()}
    row = {
        "type": "object",
        "description": f"{text_of(meta.label)}: the columns asked for with `fields` (all by default)",
        "properties": copy.deepcopy(read_props),
    }
    read: dict[str, Any] = {
        "type": "object",
        "description": text_of(meta.label),
        "required": [*meta.fields, "display_name"],
        "properties": {**read_props, "display_name": {"type": "string"}},
    }
    create: dict[str, Any] = {
        "type": "object",
        "description": f"A new {text_of(meta.label)}",
        "additionalProperties": False,
        "properties": {n: field_schema(f, writing=True) for n, f in _writable(meta, set()).items()},
        "required": [n for n, f in _writable(meta, set()).items() if f.required],
    }
    update: dict[str, Any] = {
        "type": "object",
        "description": f"Changes to a {text_of(meta.label)}",
        "additionalProperties": False,
        "properties": copy.deepcopy(create["properties"]),
    }
    item = {
        "type": "object",
        "description": f"{text_of(meta.label)} as nested in its document",
        "required": list(meta.fields),
        "properties": copy.deepcopy(read_props),
    }
    for relation, o2m in relations.items():
        line_name = schema_name(o2m.relation)
        read["properties"][relation] = {"type": "array", "items": _ref(f"{line_name}Item")}
        read["required"].append(relation)
        if relation in fixed:
            continue
        create["properties"][relation] = {
            "type": "array",
            "description": "The lines; line error paths count from 0: `lines.0.quantity`",
            "items": _ref(f"{line_name}Line"),
        }
        update["properties"][relation] = {
            "type": "array",
            "description": "Replaces the set: objects with `id` change that line, objects "
            "without add one, lines left out are removed",
            "items": _ref(f"{line_name}LineUpdate"),
        }
    if not create["required"]:
        del create["required"]
    return {
        name: read,
        f"{name}Row": row,
        f"{name}Item": item,
        f"{name}Create": create,
        f"{name}Update": update,
    }


def line_schemas(registry: Registry, line_model: str, inverse: str) -> dict[str, dict[str, Any]]:
    """A line as nested in its document: without the document's key; with ``id`` to update."""
    meta = model_meta(registry, line_model)
    name = schema_name(line_model)
    writable = _writable(meta, {inverse})
    props = {n: field_schema(f, writing=True) for n, f in writable.items()}
    create: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }
    required = [n for n, f in writable.items() if f.required]
    if required:
        create["required"] = required
    update = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "an existing line"},
            **copy.deepcopy(props),
        },
    }
    return {f"{name}Line": create, f"{name}LineUpdate": update}


def _errors(*codes: str) -> dict[str, Any]:
    return {
        code: {
            "description": ERROR_TEXT[code],
            "content": {"application/problem+json": {"schema": PROBLEM_REF}},
        }
        for code in codes
    }


def _ok(status: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        status: {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


RECORD_ID = {
    "name": "record_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
}


def _filter_param(meta: ModelMeta) -> dict[str, Any]:
    return {
        "name": "filter",
        "in": "query",
        "style": "deepObject",
        "explode": True,
        "description": "`filter[field]=value` (equality) or `filter[field][op]=value`, op one of "
        "eq, ne, lt, lte, gt, gte, in (comma-separated), like (contains); `null` is NULL",
        "schema": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {"type": "string"} for name, f in meta.fields.items() if f.type != "json"
            },
        },
    }


def _list_params(meta: ModelMeta) -> list[dict[str, Any]]:
    names = "|".join(re.escape(n) for n in meta.fields if meta.fields[n].type != "json")
    return [
        _filter_param(meta),
        {
            "name": "order",
            "in": "query",
            "description": "Comma-separated fields, `-` for descending: `-id,name`",
            "schema": {"type": "string", "pattern": rf"^-?({names})(,-?({names}))*$"},
        },
        {
            "name": "fields",
            "in": "query",
            "description": "Comma-separated fields to return (id always included)",
            "schema": {"type": "string", "pattern": rf"^({names}|id)(,({names}|id))*$"},
        },
        {
            "name": "limit",
            "in": "query",
            "description": "Page size, 0 to 500 (default 50)",
            "schema": {"type": "integer", "minimum": 0, "maximum": 500},
        },
        {
            "name": "offset",
            "in": "query",
            "description": "Records to skip",
            "schema": {"type": "integer", "minimum": 0, "maximum": INT64_MAX},
        },
    ]


def model_paths(registry: Registry, meta: ModelMeta, tag: str) -> dict[str, dict[str, Any]]:
    """Every operation of the generic API on one model."""
    from kernel.web.actions import describe

    name = schema_name(meta.name)
    base = f"{PREFIX}/{meta.name}"
    label = text_of(meta.label)
    op_id = meta.name.replace(".", "_")
    view = collect_views(registry).get(meta.name)
    creatable = view is None or view.create
    paths: dict[str, dict[str, Any]] = {}
    listing: dict[str, Any] = {
        "get": {
            "tags": [tag],
            "summary": f"List {label} records",
            "operationId": f"{op_id}_list",
            "parameters": _list_params(meta),
            "responses": {
                **_ok(
                    "200",
                    {
                        "type": "object",
                        "required": ["total", "limit", "offset", "items"],
                        "properties": {
                            "total": {"type": "integer"},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"},
                            "items": {"type": "array", "items": _ref(f"{name}Row")},
                        },
                    },
                    "A page of records",
                ),
                **_errors("401", "403", "404", "422"),
            },
        }
    }
    if creatable:
        listing["post"] = {
            "tags": [tag],
            "summary": f"Create a {label}",
            "operationId": f"{op_id}_create",
            "requestBody": _body(_ref(f"{name}Create")),
            "responses": {
                **_ok("201", _ref(name), "The new record"),
                **_errors("400", "401", "403", "404", "409", "422"),
            },
        }
    paths[base] = listing
    paths[f"{base}/{{record_id}}"] = {
        "parameters": [RECORD_ID],
        "get": {
            "tags": [tag],
            "summary": f"Read a {label}",
            "operationId": f"{op_id}_read",
            "responses": {
                **_ok("200", _ref(name), "The record"),
                **_errors("401", "403", "404", "422"),
            },
        },
        "patch": {
            "tags": [tag],
            "summary": f"Change a {label}",
            "operationId": f"{op_id}_update",
            "requestBody": _body(_ref(f"{name}Update")),
            "responses": {
                **_ok("200", _ref(name), "The changed record"),
                **_errors("400", "401", "403", "404", "409", "422"),
            },
        },
        "delete": {
            "tags": [tag],
            "summary": f"Delete a {label}",
            "operationId": f"{op_id}_delete",
            "responses": {
                "204": {"description": "Deleted"},
                **_errors("401", "403", "404", "409", "422"),
            },
        },
    }
    paths[f"{base}/{{record_id}}/history"] = {
        "parameters": [RECORD_ID],
        "get": {
            "tags": [tag],
            "summary": f"History of a {label}",
            "operationId": f"{op_id}_history",
            "responses": {
                **_ok(
                    "200",
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": HISTORY_ITEM}},
                    },
                    "Workflow steps and comments, oldest first",
                ),
                **_errors("401", "403", "404", "422"),
            },
        },
    }
    moved = _ref(name)
    wf = registry.workflows.get(meta.name)
    for tr in wf.transitions if wf is not None else []:
        if tr.auto is not None:
            continue
        reason: dict[str, Any] = {
            "type": "string",
            "description": "Why (required by this action)"
            if tr.requires_reason
            else "Why (optional)",
        }
        body: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {"reason": reason},
        }
        if tr.requires_reason:
            body["required"] = ["reason"]
            reason["minLength"] = 1
        paths[f"{base}/{{record_id}}/actions/{tr.name}"] = {
            "parameters": [RECORD_ID],
            "post": {
                "tags": [tag],
                "summary": f"{text_of(tr.label)} ({label})",
                "operationId": f"{op_id}_{tr.name}",
                "description": "Workflow action; `_move` in the answer says from which state to which.",
                "requestBody": _body(body, required=False),
                "responses": {
                    **_ok("200", moved, "The record after the action"),
                    **_errors("400", "401", "403", "404", "409", "422"),
                },
            },
        }
    for action in view.actions if view is not None else []:
        described = describe(action)
        params = {
            p.name: field_schema(
                FieldMeta(
                    name=p.name,
                    type=p.type,
                    label=p.label,
                    relation=p.relation,
                    nullable=not p.required,
                ),
                writing=True,
            )
            for p in action.params
        }
        required = [p.name for p in action.params if p.required]
        record_body: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": params,
        }
        if required:
            record_body["required"] = required
        answer = {"allOf": [_ref(name)], "properties": {"_result": ACTION_RESULT}}
        paths[f"{base}/{{record_id}}/actions/{action.name}"] = {
            "parameters": [RECORD_ID],
            "post": {
                "tags": [tag],
                "summary": f"{described['label']} ({label})",
                "operationId": f"{op_id}_{action.name}",
                "description": described["help"] or "",
                "requestBody": _body(record_body, required=bool(required)),
                "responses": {
                    **_ok("200", answer, "The record; `_result` names what the action made"),
                    **_errors("400", "401", "403", "404", "409", "422"),
                },
            },
        }
        many_body = copy.deepcopy(record_body)
        many_body["properties"]["ids"] = {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
            "description": "The records; left out: every record the action applies to"
            if action.on_list
            else "The records",
        }
        paths[f"{base}/actions/{action.name}"] = {
            "post": {
                "tags": [tag],
                "summary": f"{described['label']} ({label}, several records)",
                "operationId": f"{op_id}_{action.name}_many",
                "description": described["help"] or "",
                "requestBody": _body(many_body, required=bool(required)),
                "responses": {
                    **_ok(
                        "200",
                        {
                            "type": "object",
                            "required": ["result"],
                            "properties": {"result": ACTION_RESULT},
                        },
                        "What the action made",
                    ),
                    **_errors("400", "401", "403", "404", "409", "422"),
                },
            },
        }
    return paths


def generic_part(registry: Registry) -> tuple[dict[str, Any], dict[str, Any]]:
    """Paths and component schemas of the generic API for every exposed model."""
    views = collect_views(registry)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Problem": PROBLEM}
    for model in sorted(registry.models):
        view = views.get(model)
        if view is not None and not view.api:
            continue
        meta = model_meta(registry, model)
        tag = f"{PREFIX}/{model}"
        paths.update(model_paths(registry, meta, tag))
        schemas.update(model_schemas(registry, meta))
        for o2m in line_relations(registry, model).values():
            schemas.update(line_schemas(registry, o2m.relation, o2m.inverse))
            if schema_name(o2m.relation) not in schemas:
                schemas.update(model_schemas(registry, model_meta(registry, o2m.relation)))
    return paths, schemas


def _tagged(item: dict[str, Any]) -> bool:
    """Routes an addon documents for programs carry a tag; screens and form posts do not."""
    return any(
        isinstance(op, dict) and op.get("tags") for key, op in item.items() if key != "parameters"
    )


def _with_problems(operation: dict[str, Any]) -> None:
    """Litestar describes its own 400 body; the server answers problem+json for every error."""
    responses = operation.setdefault("responses", {})
    for code in ("400", "401", "403", "404", "422"):
        responses[code] = _errors(code)[code]


def build(registry: Registry, base: dict[str, Any]) -> dict[str, Any]:
    """The whole document: Litestar's for the other routes, the generic API per model."""
    cached = _cache.get(registry.pm)
    if cached is not None:
        return cached
    with use_locale("en"):
        doc = copy.deepcopy(base)
        kept = {
            p: item
            for p, item in (doc.get("paths") or {}).items()
            if not GENERIC.match(p) and (p.startswith("/api/") or p == "/health" or _tagged(item))
        }
        for item in kept.values():
            for method in ("get", "post", "put", "patch", "delete"):
                if method in item:
                    _with_problems(item[method])
        paths, schemas = generic_part(registry)
        doc["paths"] = {**kept, **paths}
        for item in doc["paths"].values():
            for method in ("get", "post", "put", "patch", "delete"):
                if method in item:  # the per-key rate limit answers any call
                    item[method].setdefault("responses", {}).update(_errors("429"))
        components = doc.setdefault("components", {})
        found = components.setdefault("schemas", {})
        found.update(schemas)
        components["securitySchemes"] = {
            "apiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key (`suanpan users api-key LOGIN`): "
                "`Authorization: Bearer sp_…`",
            },
            "session": {"type": "apiKey", "in": "cookie", "name": "sp_session"},
        }
        doc["security"] = [{"apiKey": []}, {"session": []}]
    _cache[registry.pm] = doc
    return doc
