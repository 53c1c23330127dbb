"""``/api/docs``: the API's reference as a page of this server, readable offline.

Why not Swagger UI or ReDoc: Litestar's plugins load their JavaScript from
public CDNs, which the Content-Security-Policy forbids and an intranet may not
reach. The OpenAPI document (``/api/schema``) already says everything; this
page lays it out — operations grouped by tag with their parameters, bodies and
answers, then the schemas — with a filter box (``/static/api-docs.js``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get

from kernel.web.templating import render

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter] = field(default_factory=list)
    body: list[tuple[str, str]] = field(default_factory=list)  # media type, schema
    responses: list[tuple[str, str]] = field(default_factory=list)  # status, description


@dataclass
class SchemaDoc:
    name: str
    description: str
    properties: list[Parameter]


def type_of(schema: dict[str, Any] | None) -> str:
    """A short human reading of a JSON schema: ``string``, ``array of Partner``, ``a | b``."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return " | ".join(type_of(s) for s in schema[key])
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if kind == "array":
        return f"array of {type_of(schema.get('items'))}".strip()
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    if schema.get("enum"):
        return f"{kind}: {', '.join(str(v) for v in schema['enum'])}"
    return str(kind or "object")


def operations(spec: dict[str, Any]) -> dict[str, list[Operation]]:
    """The operations of an OpenAPI document by tag, in path order."""
    by_tag: dict[str, list[Operation]] = {}
    for path, item in sorted((spec.get("paths") or {}).items()):
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [*(item.get("parameters") or []), *(op.get("parameters") or [])]
            body = (op.get("requestBody") or {}).get("content") or {}
            entry = Operation(
                method=method.upper(),
                path=path,
                summary=str(op.get("summary") or ""),
                description=str(op.get("description") or ""),
                anchor=str(op.get("operationId") or f"{method}-{path}"),
                parameters=[
                    Parameter(
                        name=str(p.get("name", "")),
                        where=str(p.get("in", "")),
                        required=bool(p.get("required")),
                        type=type_of(p.get("schema")),
                        description=str(p.get("description") or ""),
                    )
                    for p in params
                ],
                body=[(media, type_of(c.get("schema"))) for media, c in body.items()],
                responses=[
                    (str(code), str(r.get("description") or ""))
                    for code, r in sorted((op.get("responses") or {}).items())
                ],
            )
            for tag in op.get("tags") or ["API"]:
                by_tag.setdefault(str(tag), []).append(entry)
    return by_tag


def schemas(spec: dict[str, Any]) -> list[SchemaDoc]:
    found = (spec.get("components") or {}).get("schemas") or {}
    out = []
    for name, schema in sorted(found.items()):
        required = set(schema.get("required") or [])
        out.append(
            SchemaDoc(
                name=name,
                description=str(schema.get("description") or ""),
                properties=[
                    Parameter(
                        name=prop,
                        where="",
                        required=prop in required,
                        type=type_of(sub),
                        description=str(sub.get("description") or ""),
                    )
                    for prop, sub in (schema.get("properties") or {}).items()
                ],
            )
        )
    return out


def contract(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The OpenAPI document of this instance (see :mod:`kernel.web.api.contract`)."""
    from kernel.web.api.contract import build
    from kernel.web.context import ensure_fresh, instance_of

    instance = instance_of(request)
    ensure_fresh(instance)
    return build(instance.registry, request.app.openapi_schema.to_schema())


@get(
    ["/api/schema", "/api/schema/openapi.json"],
    name="api.schema",
    include_in_schema=False,
    sync_to_thread=True,
)
def api_schema(request: Request[Any, Any, Any]) -> Response[Any]:
    """The contract: public like the docs page (every call it describes needs a key)."""
    return Response(
        content=contract(request),
        media_type="application/vnd.oai.openapi+json",
        headers={"Cache-Control": "no-cache"},
    )


@get("/api/docs", name="api.docs", include_in_schema=False, sync_to_thread=True)
def api_docs(request: Request[Any, Any, Any]) -> Response[Any]:
    """The API reference; public like ``/api/schema`` (every call still needs a key)."""
    spec = contract(request)
    info = spec.get("info") or {}
    return render(
        request,
        "api/docs.html",
        {
            "api_title": info.get("title", "API"),
            "api_version": info.get("version", ""),
            "tags": operations(spec),
            "schemas": schemas(spec),
        },
    )


DOCS_ROUTES: list[Any] = [api_docs, api_schema]
