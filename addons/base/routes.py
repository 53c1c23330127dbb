"""The import screen: upload a CSV/XLSX file, preview it, confirm.

The confirm form carries the file back (base64 in a hidden field) instead of
keeping it on the server: no temporary files to clean, and a preview is never
imported by someone else. The import itself is one unit of work.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile

from addons.base.services import importer
from kernel.errors import AccessDenied, UserError
from kernel.i18n import _
from kernel.web.context import unit_for
from kernel.web.templating import render

T = TypeVar("T")
TEMPLATE = "base/import.html"
MAX_BYTES = 10 * 1024 * 1024
KINDS = [("partner", _("Partners")), ("product", _("Products"))]


async def _run(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


def _page(request: Request[Any, Any, Any], status: int = 200, **context: Any) -> Response[Any]:
    with unit_for(request, readonly=True) as env:
        _require_user(env)
        data = {"kinds": KINDS, "kind": "partner", "skip_invalid": False, **context}
        return render(request, TEMPLATE, data, env=env, status_code=status)


def _require_user(env: Any) -> None:
    """Only master-data users see the screen (the import itself is checked per model too)."""
    if not env.has_group("base.group_user"):
        raise AccessDenied(_("only master data users can import partners and products"))


@get("/base/import", name="base_import")
async def import_page(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _run(lambda: _page(request))


async def _upload(request: Request[Any, Any, Any]) -> tuple[dict[str, Any], str, bytes]:
    form = await request.form()
    fields = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        return fields, upload.filename or "", await upload.read()
    encoded = str(form.get("content") or "")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        content = b""
    return fields, str(form.get("filename") or ""), content


def _problem(kind: str, fields: dict[str, Any], filename: str, content: bytes) -> Any:
    if kind not in dict(KINDS):
        return _("Choose partners or products.")
    if not content:
        return _("Choose a CSV or Excel file to import.")
    if len(content) > MAX_BYTES:
        return _("The file is larger than 10 MB; split it into smaller files.")
    return None


@post("/base/import/preview", name="base_import_preview", request_max_body_size=MAX_BYTES * 2)
async def import_preview(request: Request[Any, Any, Any]) -> Response[Any]:
    fields, filename, content = await _upload(request)
    return await _run(lambda: _preview(request, fields, filename, content))


def _preview(
    request: Request[Any, Any, Any], fields: dict[str, Any], filename: str, content: bytes
) -> Response[Any]:
    kind = str(fields.get("kind") or "")
    skip = bool(fields.get("skip_invalid"))
    problem = _problem(kind, fields, filename, content)
    if problem is not None:
        return _page(request, 422, error=problem, kind=kind, skip_invalid=skip)
    with unit_for(request, readonly=True) as env:
        _require_user(env)
        try:
            result = importer.preview(env, kind, filename, content)
        except UserError as exc:
            error: Any = exc.message
        else:
            data = {
                "kinds": KINDS,
                "kind": kind,
                "skip_invalid": skip,
                "preview": result,
                "filename": filename,
                "content": base64.b64encode(content).decode("ascii"),
            }
            return render(request, TEMPLATE, data, env=env)
    return _page(request, 422, error=error, kind=kind, skip_invalid=skip)


@post("/base/import/confirm", name="base_import_confirm", request_max_body_size=MAX_BYTES * 2)
async def import_confirm(request: Request[Any, Any, Any]) -> Response[Any]:
    fields, filename, content = await _upload(request)
    return await _run(lambda: _confirm(request, fields, filename, content))


def _confirm(
    request: Request[Any, Any, Any], fields: dict[str, Any], filename: str, content: bytes
) -> Response[Any]:
    kind = str(fields.get("kind") or "")
    skip = bool(fields.get("skip_invalid"))
    problem = _problem(kind, fields, filename, content)
    if problem is not None:
        return _page(request, 422, error=problem, kind=kind, skip_invalid=skip)
    try:
        with unit_for(request) as env:
            report = importer.import_file(env, kind, filename, content, skip_invalid=skip)
    except UserError as exc:
        return _page(request, 422, error=exc.message, kind=kind, skip_invalid=skip)
    status = 200 if report.applied else 422
    return _page(request, status, report=report, kind=kind, skip_invalid=skip)


ROUTES = [import_page, import_preview, import_confirm]
