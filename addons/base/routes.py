"""The import screen: upload a CSV/XLSX file, preview it, confirm.

The confirm form carries the file back (base64 in a hidden field) instead of
keeping it on the server: no temporary files to clean, and a preview is never
imported by someone else. The import itself is one unit of work.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile

from addons.base.services import importer
from kernel.env import Env
from kernel.errors import AccessDenied, UserError
from kernel.i18n import _
from kernel.web.deps import READONLY_UNIT, RequestEnv, UploadBody, last_values
from kernel.web.templating import render

TEMPLATE = "base/import.html"
MAX_BYTES = 10 * 1024 * 1024
KINDS = [("partner", _("Partners")), ("product", _("Products"))]


def _page(
    request: Request[Any, Any, Any], env: Env, status: int = 200, **context: Any
) -> Response[Any]:
    _require_user(env)
    data = {"kinds": KINDS, "kind": "partner", "skip_invalid": False, **context}
    return render(request, TEMPLATE, data, env=env, status_code=status)


def _require_user(env: Env) -> None:
    """Only master-data users see the screen (the import itself is checked per model too)."""
    if not env.has_group("base.group_user"):
        raise AccessDenied(_("only master data users can import partners and products"))


@get("/base/import", name="base_import", sync_to_thread=True)
def import_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    return _page(request, env)


def _upload(data: dict[str, Any] | None) -> tuple[dict[str, Any], str, bytes]:
    """The posted fields, and the file: uploaded, or carried back base64 by the confirm form."""
    form = last_values(data)
    fields = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        return fields, upload.filename or "", upload.file.read()
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


@post(
    "/base/import/preview",
    name="base_import_preview",
    request_max_body_size=MAX_BYTES * 2,
    opt={READONLY_UNIT: True},
    sync_to_thread=True,
)
def import_preview(
    request: Request[Any, Any, Any], env: RequestEnv, data: UploadBody
) -> Response[Any]:
    """What the file would do, row by row; nothing is written (a read-only unit)."""
    fields, filename, content = _upload(data)
    kind = str(fields.get("kind") or "")
    skip = bool(fields.get("skip_invalid"))
    problem = _problem(kind, fields, filename, content)
    if problem is not None:
        return _page(request, env, 422, error=problem, kind=kind, skip_invalid=skip)
    _require_user(env)
    try:
        result = importer.preview(env, kind, filename, content)
    except UserError as exc:
        env.rollback()
        return _page(request, env, 422, error=exc.message, kind=kind, skip_invalid=skip)
    page = {
        "kinds": KINDS,
        "kind": kind,
        "skip_invalid": skip,
        "preview": result,
        "filename": filename,
        "content": base64.b64encode(content).decode("ascii"),
    }
    return render(request, TEMPLATE, page, env=env)


@post(
    "/base/import/confirm",
    name="base_import_confirm",
    request_max_body_size=MAX_BYTES * 2,
    sync_to_thread=True,
)
def import_confirm(
    request: Request[Any, Any, Any], env: RequestEnv, data: UploadBody
) -> Response[Any]:
    """The import itself, in the request's one unit of work (a refusal writes nothing)."""
    fields, filename, content = _upload(data)
    kind = str(fields.get("kind") or "")
    skip = bool(fields.get("skip_invalid"))
    problem = _problem(kind, fields, filename, content)
    if problem is not None:
        return _page(request, env, 422, error=problem, kind=kind, skip_invalid=skip)
    try:
        report = importer.import_file(env, kind, filename, content, skip_invalid=skip)
    except UserError as exc:
        env.rollback()
        return _page(request, env, 422, error=exc.message, kind=kind, skip_invalid=skip)
    status = 200 if report.applied else 422
    return _page(request, env, status, report=report, kind=kind, skip_invalid=skip)


ROUTES = [import_page, import_preview, import_confirm]
