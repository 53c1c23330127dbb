"""Route handlers of the generic screens: ``/app/{url}`` lists and forms of every declared View.

Every handler opens the signed-in user's unit of work (``unit_for``) in a worker
thread — the database drivers are synchronous — so the kernel's access checks apply
to each read and write. A :class:`~kernel.errors.UserError` raised while saving
re-renders the form with the message next to its field (a fresh read-only unit,
since the failed one rolled back); nothing a user can type leads to a 500.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from kernel import workflow
from kernel.env import Env
from kernel.errors import NotFound, UserError, ValidationError
from kernel.i18n import _, text_of, use_locale
from kernel.models.events import preview
from kernel.web import actions
from kernel.web.api.records import apply, build, flush
from kernel.web.context import flash, instance_of, principal, request_lang, unit_for
from kernel.web.introspect import (
    collect_views,
    display_name,
    model_meta,
    name_fields,
    prefetch_display,
    view_by_url,
)
from kernel.web.templating import render
from kernel.web.ui import export, forms, listing
from kernel.web.views import View

T = TypeVar("T")
log = logging.getLogger(__name__)
PICKER_LIMIT = 20
MAX_ATTACHMENT = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "txt": "text/plain",
}


async def _run(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


def _params(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = await request.form()
    out: dict[str, Any] = {}
    for key, value in data.multi_items():
        out[key] = value
    return out


def _title(view: View, meta: Any) -> str:
    return text_of(view.title) or text_of(meta.label)


# --- Lists ---------------------------------------------------------------------------------


async def list_view(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    params = _params(request)

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = view_by_url(env.registry, url)
            state = listing.ListState.from_params(params)
            if params.get("_totals"):  # the totals a long list's page asks for (htmx)
                page = listing.build(env, view, state, totals=True)
                return render(request, "views/_list_totals.html", {"page": page}, env=env)
            page = listing.build(env, view, state)
            context = {
                "page": page,
                "view": view,
                "title": _title(view, page.meta),
                "can_create": view.create and env.can(view.model, "create"),
                "base_url": f"/app/{view.url}",
                "list_actions": forms.action_buttons(env, view, None),
            }
            return render(request, "views/list.html", context, env=env)

    return await _run(work)


async def export_view(
    request: Request[Any, Any, Any], url: FromPath[str], fmt: FromPath[str]
) -> Response[Any]:
    params = _params(request)
    if fmt not in ("csv", "xlsx"):
        raise NotFound(_("unknown export format %(format)s", format=fmt))

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = view_by_url(env.registry, url)
            state = listing.ListState.from_params(params)
            if state.group_value is None:
                state.group = ""  # export the rows, not the group summary
            page = listing.build(env, view, state, paginate=False)
            title = _title(view, page.meta)
            if fmt == "csv":
                body = export.to_csv(page)
                media = "text/csv; charset=utf-8"
            else:
                body = export.to_xlsx(page, title)
                media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            filename = f"{view.url.strip('/').replace('/', '-')}.{fmt}"
            return Response(
                content=body,
                media_type=media,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )

    return await _run(work)


# --- Forms ---------------------------------------------------------------------------------


def _related_and_status(env: Env, record: Any | None, meta: Any) -> dict[str, Any]:
    """The related-documents strip, and the status bar whose milestone chips open them."""
    from kernel.web.related import related

    strip = related(env, record, meta)
    bar = forms.status_bar(env, record, meta)
    by_milestone = {m: entry for entry in strip for m in entry["milestones"] if entry["url"]}
    for node in bar:
        if node["kind"] == "milestone" and node["name"] in by_milestone:
            node["url"] = by_milestone[node["name"]]["url"]
    return {"related": strip, "status_bar": bar}


def _form_context(
    env: Env,
    view: View,
    record: Any | None,
    *,
    submitted: dict[str, Any] | None = None,
    submitted_lines: dict[str, list[dict[str, Any]]] | None = None,
    errors: dict[str, Any] | None = None,
    message: str = "",
    default_params: dict[str, str] | None = None,
) -> dict[str, Any]:
    meta = model_meta(env.registry, view.model)
    readonly = forms.is_readonly(view, meta, record) or not env.can(
        view.model, "create" if record is None else "write"
    )
    defaults: dict[str, Any] = {}
    if record is None and default_params and submitted is None:
        defaults, problems = forms.url_defaults(env, view, meta, default_params)
        errors = {**{k: text_of(v) for k, v in problems.items()}, **(errors or {})}
    title = display_name(record, env) if record is not None else text_of(_("New"))
    return {
        "view": view,
        "meta": meta,
        "record": record,
        "record_id": record.id if record is not None else None,
        "title": title,
        "list_title": _title(view, meta),
        "base_url": f"/app/{view.url}",
        "action_url": f"/app/{view.url}/{record.id}"
        if record is not None
        else f"/app/{view.url}/new",
        "readonly": readonly,
        "sections": forms.sections(
            env,
            view,
            meta,
            record,
            submitted=submitted,
            errors=errors,
            readonly=readonly,
            defaults=defaults,
        ),
        "line_tables": forms.line_tables(
            env,
            view,
            meta,
            record,
            submitted_lines=submitted_lines,
            errors=errors,
            readonly=readonly,
        ),
        "buttons": forms.buttons(env, record),
        "refused_buttons": forms.refused_buttons(env, record),
        "outcome": forms.outcome(env, view, meta, record),
        "action_buttons": forms.action_buttons(env, view, record),
        "links": [
            {
                "label": text_of(link.label),
                "url": link.url.format(
                    id=record.id, name=quote(str(getattr(record, "name", "") or ""), safe="")
                ),
            }
            for link in view.form.links
            if record is not None and (link.when is None or link.when(record))
        ]
        if record is not None
        else [],
        **_related_and_status(env, record, meta),
        "panels": forms.panels(env, record, meta),
        "history": forms.history(env, meta, record),
        "attachments": forms.attachments(env, meta, record),
        "can_attach": record is not None
        and env.can("ir.attachment", "create")
        and env.can(view.model, "write"),
        "can_comment": record is not None and env.can(view.model, "read"),
        "can_delete": record is not None
        and env.can(view.model, "delete")
        and not forms.is_readonly(view, meta, record),
        "can_create": view.create and env.can(view.model, "create"),
        "errors": errors or {},
        "message": message,
        "allowed_types": ",".join(f".{ext}" for ext in ALLOWED_TYPES),
        "currency_code": currency_code(record),
    }


def currency_code(record: Any | None) -> str:
    """The currency a document's amounts are in (its ``currency``), shown beside its totals."""
    currency = getattr(record, "currency", None) if record is not None else None
    return str(getattr(currency, "code", "") or "")


def _render_form(
    request: Request[Any, Any, Any],
    url: str,
    record_id: int | None,
    *,
    status_code: int = 200,
    **kwargs: Any,
) -> Response[Any]:
    with unit_for(request, readonly=True) as env:
        view = view_by_url(env.registry, url)
        meta = model_meta(env.registry, view.model)
        env.check(view.model, "read")
        record = forms.load_record(env, view, meta, record_id) if record_id is not None else None
        context = _form_context(env, view, record, **kwargs)
        return render(request, "views/form.html", context, env=env, status_code=status_code)


async def new_view(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    # ``?default_is_customer=1``: values the new record starts with (checked like input)
    default_params = {
        key: value for key, value in request.query_params.items() if key.startswith("default_")
    }

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = view_by_url(env.registry, url)
            if not view.create:
                raise NotFound(_("records of this kind are not created here"))
            env.check(view.model, "create")
        return _render_form(request, url, None, default_params=default_params)

    return await _run(work)


async def form_view(
    request: Request[Any, Any, Any], url: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    return await _run(lambda: _render_form(request, url, record_id))


def _error_texts(request: Request[Any, Any, Any], exc: UserError) -> tuple[dict[str, str], str]:
    """The error's field messages and summary as text in the request's language.

    Why here: the unit of work that raised has ended, and with it the locale it
    set, so the lazy messages must be rendered under the request's locale again
    (else a zh_CN user reads English).
    """
    with use_locale(request_lang(request)):
        errors = {k: text_of(v) for k, v in exc.fields.items()}
        return errors, text_of(exc.message)


def _save(
    request: Request[Any, Any, Any], url: str, record_id: int | None, form: dict[str, Any]
) -> Response[Any]:
    submitted: dict[str, Any] = {}
    submitted_lines: dict[str, list[dict[str, Any]]] = {}
    try:
        with unit_for(request) as env:
            view = view_by_url(env.registry, url)
            meta = model_meta(env.registry, view.model)
            if record_id is None and not view.create:
                raise NotFound(_("records of this kind are not created here"))
            env.check(view.model, "create" if record_id is None else "write")
            record = (
                forms.load_record(env, view, meta, record_id) if record_id is not None else None
            )
            if forms.is_readonly(view, meta, record):
                raise ValidationError(_("this document can no longer be changed"))
            payload, submitted_lines, submitted = forms.parse_submission(view, meta, form, env)
            record = apply(env, meta, record, payload)
            new_id = record.id
            saved = text_of(_("%(document)s was saved.", document=display_name(record, env)))
    except UserError as exc:
        if isinstance(exc, NotFound):
            raise
        errors, message = _error_texts(request, exc)
        return _render_form(
            request,
            url,
            record_id,
            status_code=exc.status,
            submitted=submitted or None,
            submitted_lines=submitted_lines or None,
            errors=errors,
            message=message,
        )
    flash(request, saved)
    return Redirect(path=f"/app/{url}/{new_id}", status_code=303)


def _preview(
    request: Request[Any, Any, Any], url: str, record_id: int | None, form: dict[str, Any]
) -> Response[Any]:
    """The form as saving it would leave it — filled in, priced, totalled, refused — unsaved.

    Builds the record from the form exactly as saving does and runs the record life
    cycle up to its checks without writing (:func:`kernel.models.events.preview`), in a
    unit that is rolled back: form, API and import share one path to the same figures.
    """
    with unit_for(request, readonly=True) as env, env.session.no_autoflush:
        view = view_by_url(env.registry, url)
        meta = model_meta(env.registry, view.model)
        if record_id is None and not view.create:
            raise NotFound(_("records of this kind are not created here"))
        env.check(view.model, "create" if record_id is None else "write")
        record = forms.load_record(env, view, meta, record_id) if record_id is not None else None
        if forms.is_readonly(view, meta, record):
            return render(request, "views/form.html", _form_context(env, view, record), env=env)
        payload, submitted_lines, submitted = forms.parse_submission(view, meta, form, env)
        try:
            computed, problems = build(env, meta, record, payload, partial=True)
            if computed is not None:
                problems = {**preview(env.session), **problems}
        except UserError as exc:
            computed, problems = None, dict(exc.fields)
        except SQLAlchemyError:
            # a preview is advice: if the database cannot answer it now (a lock held by a
            # save on SQLite), the form shows what was typed and saving will tell
            log.warning("preview of %s failed", url, exc_info=True)
            env.session.rollback()
            computed, problems = None, {}
        errors = {k: text_of(v) for k, v in problems.items() if k}
        context = _form_context(
            env,
            view,
            record,
            submitted=submitted,
            submitted_lines=submitted_lines,
            errors=errors,
        )
        if computed is not None:
            context["sections"] = forms.sections(env, view, meta, computed, errors=errors)
            context["line_tables"] = forms.line_tables(env, view, meta, computed, errors=errors)
            context["currency_code"] = currency_code(computed)
            forms.show_filled(
                context["sections"], context["line_tables"], submitted, submitted_lines
            )
        return render(request, "views/form.html", context, env=env)


async def preview_view(
    request: Request[Any, Any, Any], url: str, record_id: int | None
) -> Response[Any]:
    form = await _form(request)
    return await _run(lambda: _preview(request, url, record_id, form))


async def create_view(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    form = await _form(request)
    return await _run(lambda: _save(request, url, None, form))


async def save_view(
    request: Request[Any, Any, Any], url: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    form = await _form(request)
    return await _run(lambda: _save(request, url, record_id, form))


def _on_record(
    request: Request[Any, Any, Any],
    url: str,
    record_id: int,
    act: Callable[[Env, View, Any], str | None],
) -> Response[Any]:
    """Run ``act`` on the record; a user error re-renders the form with the message."""
    try:
        with unit_for(request) as env:
            view = view_by_url(env.registry, url)
            meta = model_meta(env.registry, view.model)
            env.check(view.model, "read")
            record = forms.load_record(env, view, meta, record_id)
            target = act(env, view, record)
            flush(env)
    except NotFound:
        raise
    except UserError as exc:
        errors, message = _error_texts(request, exc)
        return _render_form(
            request, url, record_id, status_code=exc.status, errors=errors, message=message
        )
    return Redirect(path=target or f"/app/{url}/{record_id}", status_code=303)


async def delete_view(
    request: Request[Any, Any, Any], url: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    def act(env: Env, view: View, record: Any) -> str:
        env.check(view.model, "delete")
        env.session.delete(record)
        return f"/app/{url}"

    return await _run(lambda: _on_record(request, url, record_id, act))


async def action_view(
    request: Request[Any, Any, Any],
    url: FromPath[str],
    record_id: FromPath[int],
    transition: FromPath[str],
) -> Response[Any]:
    form = await _form(request)
    reason = str(form.get("reason", "") or "").replace("\x00", "")

    told: list[tuple[str, str]] = []

    def act(env: Env, view: View, record: Any) -> None:
        env.check(view.model, "write")
        move = workflow.fire(env, record, transition, reason=reason)
        told.append(_move_message(env, record, move))
        return None

    return await _run(lambda: _told(request, _on_record(request, url, record_id, act), told))


def _move_message(env: Env, record: Any, move: workflow.Move) -> tuple[str, str]:
    """What the user reads after a workflow button: where the document is now, or why not further."""
    label = text_of(move.transition.label)
    if move.note:
        return text_of(_("%(action)s: %(note)s", action=label, note=text_of(move.note))), "warning"
    wf = env.workflow(record)
    state = text_of(wf.state(getattr(record, wf.field)).label)
    name = display_name(record, env)
    return text_of(
        _("%(action)s: %(document)s is now %(state)s", action=label, document=name, state=state)
    ), "success"


def _told(
    request: Request[Any, Any, Any], response: Response[Any], told: list[tuple[str, str]]
) -> Response[Any]:
    """After a redirect (the action went through), show what it did on the next page."""
    if response.status_code == 303:
        for text, level in told:
            flash(request, text, level)
    return response


async def do_view(
    request: Request[Any, Any, Any], url: str, record_id: int | None, name: str
) -> Response[Any]:
    """A declared action from a form (one record) or a list (``record_id`` None)."""
    form = await _form(request)
    told: list[tuple[str, str]] = []

    def act(env: Env, view: View, record: Any | None) -> str | None:
        declared = actions.find(env, view.model, name)
        if declared is None or (record is None and not declared.on_list):
            raise NotFound(_("there is no action %(action)s here", action=name))
        params = actions.read_params(env, declared, form)
        result = actions.result_json(
            actions.run(env, view.model, declared, [record] if record is not None else [], params)
        )
        told.append((text_of(_("%(action)s: done", action=text_of(declared.label))), "success"))
        return _result_url(env, result)

    if record_id is not None:
        return await _run(lambda: _told(request, _on_record(request, url, record_id, act), told))

    def on_list() -> Response[Any]:
        try:
            with unit_for(request) as env:
                view = view_by_url(env.registry, url)
                target = act(env, view, None)
                flush(env)
        except UserError as exc:
            with use_locale(request_lang(request)):
                flash(request, text_of(exc.message), "danger")
            return Redirect(path=f"/app/{url}", status_code=303)
        return _told(request, Redirect(path=target or f"/app/{url}", status_code=303), told)

    return await _run(on_list)


def _result_url(env: Env, result: Any) -> str | None:
    """Where to go after an action: the one record it made, or the list of several."""
    if not isinstance(result, dict) or "model" not in result:
        return None
    view = collect_views(env.registry).get(result["model"])
    if view is None or not result["ids"]:
        return None
    if len(result["ids"]) == 1:
        return f"/app/{view.url}/{result['ids'][0]}"
    return f"/app/{view.url}"


async def comment_view(
    request: Request[Any, Any, Any], url: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    form = await _form(request)
    text = str(form.get("comment", "") or "").replace("\x00", "").strip()

    def act(env: Env, view: View, record: Any) -> str:
        if not text:
            raise ValidationError(_("write a comment first"), field="comment")
        workflow.add_comment(env, record, text[:4000])
        return f"/app/{url}/{record_id}#history"

    return await _run(lambda: _on_record(request, url, record_id, act))


# --- Lines and pickers (htmx fragments) ---------------------------------------------------


async def line_view(
    request: Request[Any, Any, Any], url: FromPath[str], relation: FromPath[str]
) -> Response[Any]:
    try:
        index = max(0, min(int(request.query_params.get("index", "0")), 10_000))
    except ValueError:
        index = 0

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = view_by_url(env.registry, url)
            meta = model_meta(env.registry, view.model)
            spec = next((s for s in view.form.lines if s.relation == relation), None)
            if spec is None or spec.readonly or relation not in meta.one2many:
                raise NotFound(_("there are no lines %(relation)s here", relation=relation))
            line_model = meta.one2many[relation].relation
            env.check(line_model, "create")
            line_meta = model_meta(env.registry, line_model)
            columns = [c for c in spec.columns if c in line_meta.fields]
            row = forms.line_row(env, line_meta, relation, columns, index, None, None, None, False)
            return render(
                request,
                "views/_line_row.html",
                {"row": row, "relation": relation, "readonly": False},
                env=env,
            )

    return await _run(work)


@get("/app/_picker/{model:str}", name="views.picker", include_in_schema=False)
async def picker_view(request: Request[Any, Any, Any], model: FromPath[str]) -> Response[Any]:
    text = request.query_params.get("q") or ""
    if not text:  # the picker's own text box sends its value under "<field>__label"
        text = next((v for k, v in request.query_params.items() if k.endswith("__label")), "")
    text = text.strip()[:100]

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            meta = model_meta(env.registry, model)
            env.check(model, "read")
            cls = meta.cls
            stmt = select(cls)
            if text:
                # the name in both languages, and what the model's own list searches
                view = collect_views(env.registry).get(model)
                names = [*name_fields(meta), *(view.list.search if view is not None else [])]
                found = listing.search_condition(env, meta, view, text, list(dict.fromkeys(names)))
                if found is not None:
                    stmt = stmt.where(found)
            if meta.rec_name in meta.fields:
                stmt = stmt.order_by(getattr(cls, meta.rec_name), cls.id)
            else:
                stmt = stmt.order_by(cls.id)
            records = env.session.scalars(stmt.limit(PICKER_LIMIT)).all()
            prefetch_display(env, records)
            items = [{"id": r.id, "label": display_name(r, env)} for r in records]
            return render(request, "views/_picker.html", {"items": items, "q": text}, env=env)

    return await _run(work)


# --- Attachments -------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """A file name safe to store and to send back: no folders, no control characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    base = base.strip().strip(".")
    return base[:200] or "file"


async def attach_view(
    request: Request[Any, Any, Any], url: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    form = await _form(request)
    upload = form.get("file")
    content = b""
    filename = ""
    if isinstance(upload, UploadFile):
        content = await upload.read(MAX_ATTACHMENT + 1)
        filename = clean_filename(upload.filename or "")

    def act(env: Env, view: View, record: Any) -> str:
        if not filename or not content:
            raise ValidationError(_("choose a file to upload"), field="file")
        if len(content) > MAX_ATTACHMENT:
            raise ValidationError(_("files may be at most 10 MB"), field="file")
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if ext not in ALLOWED_TYPES:
            raise ValidationError(
                _(
                    "files of type %(type)s cannot be attached (allowed: %(allowed)s)",
                    type=ext or "?",
                    allowed=", ".join(ALLOWED_TYPES),
                ),
                field="file",
            )
        env.check(view.model, "write")
        Attachment = env["ir.attachment"]
        env.session.add(
            Attachment(
                model=view.model,
                res_id=record.id,
                filename=filename,
                mimetype=ALLOWED_TYPES[ext],
                size=len(content),
                content=content,
                created_by=env.uid,
            )
        )
        return f"/app/{url}/{record_id}#attachments"

    return await _run(lambda: _on_record(request, url, record_id, act))


def _attachment(env: Env, attachment_id: int, operation: str) -> Any:
    """The attachment, after checking the user may see (or change) the record it belongs to."""
    Attachment = env["ir.attachment"]
    row = env.session.get(Attachment, attachment_id)
    if row is None or row.model not in env.registry:
        raise NotFound(
            _("%(model)s #%(id)s does not exist", model=text_of(_("Attachment")), id=attachment_id)
        )
    env.check(row.model, operation)
    env.get(row.model, row.res_id)
    return row


@get("/app/_attachment/{attachment_id:int}", name="views.download", include_in_schema=False)
async def download_view(
    request: Request[Any, Any, Any], attachment_id: FromPath[int]
) -> Response[Any]:
    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            row = _attachment(env, attachment_id, "read")
            ascii_name = (
                row.filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
            )
            return Response(
                content=row.content,
                media_type=row.mimetype or "application/octet-stream",
                headers={
                    "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename)}",
                    "X-Content-Type-Options": "nosniff",
                },
            )

    return await _run(work)


@post(
    "/app/_attachment/{attachment_id:int}/delete",
    name="views.detach",
    status_code=303,
    include_in_schema=False,
)
async def detach_view(
    request: Request[Any, Any, Any], attachment_id: FromPath[int]
) -> Response[Any]:
    def work() -> Response[Any]:
        with unit_for(request) as env:
            row = _attachment(env, attachment_id, "write")
            view = next((v for v in _views(env) if v.model == row.model), None)
            back = f"/app/{view.url}/{row.res_id}#attachments" if view else "/"
            env.session.delete(row)
            flush(env)
        return Redirect(path=back, status_code=303)

    return await _run(work)


def _views(env: Env) -> list[View]:
    from kernel.web.introspect import collect_views

    return list(collect_views(env.registry).values())


def _split(request: Request[Any, Any, Any], path: str) -> tuple[str, list[str]]:
    """The view whose ``url`` starts ``path`` (longest wins; urls may hold slashes) and the rest."""
    from kernel.web.introspect import collect_views

    if principal(request) is None:  # who may know which screens exist: signed-in users
        raise NotAuthorizedException(detail="sign in required")
    clean = path.strip("/")
    best = ""
    for view in collect_views(instance_of(request).registry).values():
        url = view.url.strip("/")
        if (clean == url or clean.startswith(url + "/")) and len(url) > len(best):
            best = url
    if not best:
        raise NotFound(_("there is no screen at %(url)s", url=clean))
    rest = [part for part in clean[len(best) :].split("/") if part]
    return best, rest


def _record_id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise NotFound(_("there is no screen at %(url)s", url=text))
    return int(text)


@get("/app/{path:path}", name="views.get", include_in_schema=False)
async def app_get(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[Any]:
    """Lists, forms, exports and line rows of every declared view (``/app/<view url>/…``)."""
    url, rest = await _run(lambda: _split(request, path))
    if not rest:
        return await list_view(request, url)
    if rest == ["new"]:
        return await new_view(request, url)
    if len(rest) == 2 and rest[0] == "export":
        return await export_view(request, url, rest[1])
    if len(rest) == 2 and rest[0] == "_line":
        return await line_view(request, url, rest[1])
    if len(rest) == 1:
        return await form_view(request, url, _record_id(rest[0]))
    raise NotFound(_("there is no screen at %(url)s", url=path))


@post("/app/{path:path}", name="views.post", include_in_schema=False, status_code=303)
async def app_post(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[Any]:
    """Saving, deleting, workflow actions, comments and uploads on declared views."""
    url, rest = await _run(lambda: _split(request, path))
    if rest == ["new"]:
        return await create_view(request, url)
    if rest == ["new", "_preview"]:
        return await preview_view(request, url, None)
    if len(rest) == 2 and rest[0] == "do":
        return await do_view(request, url, None, rest[1])
    if rest:
        record_id = _record_id(rest[0])
        action = rest[1:]
        if not action:
            return await save_view(request, url, record_id)
        if action == ["_preview"]:
            return await preview_view(request, url, record_id)
        if action == ["delete"]:
            return await delete_view(request, url, record_id)
        if action == ["comment"]:
            return await comment_view(request, url, record_id)
        if action == ["attachments"]:
            return await attach_view(request, url, record_id)
        if len(action) == 2 and action[0] == "action":
            return await action_view(request, url, record_id, action[1])
        if len(action) == 2 and action[0] == "do":
            return await do_view(request, url, record_id, action[1])
    raise NotFound(_("there is no screen at %(url)s", url=path))


UI_ROUTES: list[Any] = [picker_view, download_view, detach_view, app_get, app_post]
