"""The generic screens of every declared View: lists and forms at ``/app/<view url>/…``.

:func:`screen_routes` builds them from the registry's views, one set of routes per
view with its url written out (``/app/sales/orders/{record_id:int}``), so Litestar
does the dispatching and an unknown screen is its ordinary 404. The app of a
registry is rebuilt whole when addons are installed or removed
(:mod:`kernel.web.app`), so a screen appears or disappears with its addon.

Handlers are sync functions run in a worker thread. They receive the signed-in
user's unit of work as ``env`` (:mod:`kernel.web.deps`) and the view the route
belongs to as ``view``, so the kernel's access checks apply to each read and write.
A :class:`~kernel.errors.UserError` raised while saving rolls the unit back and
re-renders the form with the message next to its field; nothing a user can type
leads to a 500.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, QueryParameter, SkipValidation
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
from kernel.web.context import flash, request_lang
from kernel.web.deps import READONLY_UNIT, FormBody, RequestEnv, UploadBody, last_values
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

if TYPE_CHECKING:
    from kernel.models.registry import Registry

log = logging.getLogger(__name__)
PICKER_LIMIT = 20
MAX_ATTACHMENT = 10 * 1024 * 1024
#: the view a screen's route belongs to (:func:`provide_view`)
ScreenView = NamedDependency[SkipValidation[View]]
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

# --- Which view, and what was posted -------------------------------------------------------


def provide_view(request: Request[Any, Any, Any], env: RequestEnv) -> View:
    """The view whose route matched: the route's path without ``/app/`` and the handler's suffix.

    Depends on ``env`` so that it is resolved after the unit opened (and reads the
    registry the unit was opened with).
    """
    template: str = request.scope["path_template"]
    suffix: str = request.route_handler.opt["screen_suffix"]
    url = template.removeprefix("/app/")
    return view_by_url(env.registry, url[: len(url) - len(suffix)] if suffix else url)


VIEW = {"view": Provide(provide_view, sync_to_thread=False)}


def _params(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


def _title(view: View, meta: Any) -> str:
    return text_of(view.title) or text_of(meta.label)


# --- Lists ---------------------------------------------------------------------------------


def list_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    totals: Annotated[bool, QueryParameter(name="_totals")] = False,
) -> Response[Any]:
    state = listing.ListState.from_params(_params(request))
    if totals:  # the totals a long list's page asks for (htmx)
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


def export_view(
    request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView, fmt: FromPath[str]
) -> Response[Any]:
    if fmt not in ("csv", "xlsx"):
        raise NotFound(_("unknown export format %(format)s", format=fmt))
    state = listing.ListState.from_params(_params(request))
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


def _form_page(
    request: Request[Any, Any, Any],
    env: Env,
    view: View,
    record_id: int | None,
    *,
    status_code: int = 200,
    **kwargs: Any,
) -> Response[Any]:
    meta = model_meta(env.registry, view.model)
    env.check(view.model, "read")
    record = forms.load_record(env, view, meta, record_id) if record_id is not None else None
    context = _form_context(env, view, record, **kwargs)
    return render(request, "views/form.html", context, env=env, status_code=status_code)


def _refused(
    request: Request[Any, Any, Any],
    env: Env,
    view: View,
    record_id: int | None,
    exc: UserError,
    **kwargs: Any,
) -> Response[Any]:
    """The form again with what went wrong, after rolling back what the attempt wrote.

    The rollback comes first so that nothing half-applied is shown, or committed
    when the request's unit ends.
    """
    env.rollback()
    errors, message = _error_texts(request, exc)
    return _form_page(
        request,
        env,
        view,
        record_id,
        status_code=exc.status,
        errors=errors,
        message=message,
        **kwargs,
    )


def new_view(request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView) -> Response[Any]:
    if not view.create:
        raise NotFound(_("records of this kind are not created here"))
    env.check(view.model, "create")
    # ``?default_is_customer=1``: values the new record starts with (checked like input)
    default_params = {
        key: value for key, value in request.query_params.items() if key.startswith("default_")
    }
    return _form_page(request, env, view, None, default_params=default_params)


def form_view(
    request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView, record_id: FromPath[int]
) -> Response[Any]:
    return _form_page(request, env, view, record_id)


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
    request: Request[Any, Any, Any],
    env: Env,
    view: View,
    record_id: int | None,
    form: dict[str, Any],
) -> Response[Any]:
    submitted: dict[str, Any] = {}
    submitted_lines: dict[str, list[dict[str, Any]]] = {}
    meta = model_meta(env.registry, view.model)
    if record_id is None and not view.create:
        raise NotFound(_("records of this kind are not created here"))
    try:
        env.check(view.model, "create" if record_id is None else "write")
        record = forms.load_record(env, view, meta, record_id) if record_id is not None else None
        if forms.is_readonly(view, meta, record):
            raise ValidationError(_("this document can no longer be changed"))
        payload, submitted_lines, submitted = forms.parse_submission(view, meta, form, env)
        record = apply(env, meta, record, payload)
        flush(env)
        new_id = record.id
        saved = text_of(_("%(document)s was saved.", document=display_name(record, env)))
    except NotFound:
        raise
    except UserError as exc:
        return _refused(
            request,
            env,
            view,
            record_id,
            exc,
            submitted=submitted or None,
            submitted_lines=submitted_lines or None,
        )
    flash(request, saved)
    return Redirect(path=f"/app/{view.url}/{new_id}", status_code=303)


def create_view(
    request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView, data: FormBody
) -> Response[Any]:
    return _save(request, env, view, None, last_values(data))


def save_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    data: FormBody,
) -> Response[Any]:
    return _save(request, env, view, record_id, last_values(data))


def _preview(
    request: Request[Any, Any, Any],
    env: Env,
    view: View,
    record_id: int | None,
    form: dict[str, Any],
) -> Response[Any]:
    """The form as saving it would leave it — filled in, priced, totalled, refused — unsaved.

    Builds the record from the form exactly as saving does and runs the record life
    cycle up to its checks without writing (:func:`kernel.models.events.preview`), in a
    read-only unit (rolled back): form, API and import share one path to the same figures.
    """
    with env.session.no_autoflush:
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
            log.warning("preview of %s failed", view.url, exc_info=True)
            env.rollback()
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


def preview_new_view(
    request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView, data: FormBody
) -> Response[Any]:
    return _preview(request, env, view, None, last_values(data))


def preview_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    data: FormBody,
) -> Response[Any]:
    return _preview(request, env, view, record_id, last_values(data))


def _act_on(
    request: Request[Any, Any, Any],
    env: Env,
    view: View,
    record_id: int,
    act: Callable[[Any], str | None],
) -> Response[Any]:
    """Run ``act`` on the record; a user error rolls back and re-renders the form with the message."""
    meta = model_meta(env.registry, view.model)
    try:
        env.check(view.model, "read")
        record = forms.load_record(env, view, meta, record_id)
        target = act(record)
        flush(env)
    except NotFound:
        raise
    except UserError as exc:
        return _refused(request, env, view, record_id, exc)
    return Redirect(path=target or f"/app/{view.url}/{record_id}", status_code=303)


def delete_view(
    request: Request[Any, Any, Any], env: RequestEnv, view: ScreenView, record_id: FromPath[int]
) -> Response[Any]:
    def act(record: Any) -> str:
        env.check(view.model, "delete")
        env.session.delete(record)
        return f"/app/{view.url}"

    return _act_on(request, env, view, record_id, act)


def action_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    transition: FromPath[str],
    data: FormBody,
) -> Response[Any]:
    reason = str(last_values(data).get("reason", "") or "").replace("\x00", "")
    told: list[tuple[str, str]] = []

    def act(record: Any) -> None:
        env.check(view.model, "write")
        move = workflow.fire(env, record, transition, reason=reason)
        told.append(_move_message(env, record, move))

    return _told(request, _act_on(request, env, view, record_id, act), told)


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


def _declared_action(
    env: Env, view: View, record: Any | None, name: str, form: dict[str, Any], told: list[Any]
) -> str | None:
    """Run the declared action ``name`` on ``record`` (``None``: from the list); where to go next."""
    declared = actions.find(env, view.model, name)
    if declared is None or (record is None and not declared.on_list):
        raise NotFound(_("there is no action %(action)s here", action=name))
    params = actions.read_params(env, declared, form)
    result = actions.result_json(
        actions.run(env, view.model, declared, [record] if record is not None else [], params)
    )
    told.append((text_of(_("%(action)s: done", action=text_of(declared.label))), "success"))
    return _result_url(env, result)


def do_record_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    name: FromPath[str],
    data: FormBody,
) -> Response[Any]:
    """A declared action from a form (one record)."""
    form = last_values(data)
    told: list[tuple[str, str]] = []
    response = _act_on(
        request,
        env,
        view,
        record_id,
        lambda record: _declared_action(env, view, record, name, form, told),
    )
    return _told(request, response, told)


def do_list_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    name: FromPath[str],
    data: FormBody,
) -> Response[Any]:
    """A declared action from a list: its selection comes in the form."""
    told: list[tuple[str, str]] = []
    try:
        target = _declared_action(env, view, None, name, last_values(data), told)
        flush(env)
    except NotFound:
        raise
    except UserError as exc:
        env.rollback()
        with use_locale(request_lang(request)):
            flash(request, text_of(exc.message), "danger")
        return Redirect(path=f"/app/{view.url}", status_code=303)
    return _told(request, Redirect(path=target or f"/app/{view.url}", status_code=303), told)


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


def comment_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    data: FormBody,
) -> Response[Any]:
    text = str(last_values(data).get("comment", "") or "").replace("\x00", "").strip()

    def act(record: Any) -> str:
        if not text:
            raise ValidationError(_("write a comment first"), field="comment")
        workflow.add_comment(env, record, text[:4000])
        return f"/app/{view.url}/{record_id}#history"

    return _act_on(request, env, view, record_id, act)


# --- Lines and pickers (htmx fragments) ---------------------------------------------------


def line_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    relation: FromPath[str],
    index: Annotated[int, QueryParameter(ge=0, le=10_000)] = 0,
) -> Response[Any]:
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


@get("/app/_picker/{model:str}", name="views.picker", include_in_schema=False, sync_to_thread=True)
def picker_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    model: FromPath[str],
    q: Annotated[str, QueryParameter(max_length=1000)] = "",
) -> Response[Any]:
    text = q
    if not text:  # the picker's own text box sends its value under "<field>__label"
        text = next((v for k, v in request.query_params.items() if k.endswith("__label")), "")
    text = text.strip()[:100]
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


# --- Attachments -------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """A file name safe to store and to send back: no folders, no control characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    base = base.strip().strip(".")
    return base[:200] or "file"


def attach_view(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    view: ScreenView,
    record_id: FromPath[int],
    data: UploadBody,
) -> Response[Any]:
    upload = last_values(data).get("file")
    content = b""
    filename = ""
    if isinstance(upload, UploadFile):
        content = upload.file.read(MAX_ATTACHMENT + 1)
        filename = clean_filename(upload.filename or "")

    def act(record: Any) -> str:
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
        return f"/app/{view.url}/{record_id}#attachments"

    return _act_on(request, env, view, record_id, act)


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


@get(
    "/app/_attachment/{attachment_id:int}",
    name="views.download",
    include_in_schema=False,
    sync_to_thread=True,
)
def download_view(env: RequestEnv, attachment_id: FromPath[int]) -> Response[Any]:
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


@post(
    "/app/_attachment/{attachment_id:int}/delete",
    name="views.detach",
    status_code=303,
    include_in_schema=False,
    sync_to_thread=True,
)
def detach_view(env: RequestEnv, attachment_id: FromPath[int]) -> Response[Any]:
    row = _attachment(env, attachment_id, "write")
    view = collect_views(env.registry).get(row.model)
    back = f"/app/{view.url}/{row.res_id}#attachments" if view else "/"
    env.session.delete(row)
    flush(env)
    return Redirect(path=back, status_code=303)


# --- The routes of a registry ----------------------------------------------------------------

#: ``(method, path after /app/<view url>, handler, read-only unit)`` of every view's screens
SCREENS: list[tuple[str, str, Callable[..., Response[Any]], bool]] = [
    ("GET", "", list_view, True),
    ("GET", "/new", new_view, True),
    ("GET", "/{record_id:int}", form_view, True),
    ("GET", "/export/{fmt:str}", export_view, True),
    ("GET", "/_line/{relation:str}", line_view, True),
    ("POST", "/new", create_view, False),
    ("POST", "/new/_preview", preview_new_view, True),
    ("POST", "/do/{name:str}", do_list_view, False),
    ("POST", "/{record_id:int}", save_view, False),
    ("POST", "/{record_id:int}/_preview", preview_view, True),
    ("POST", "/{record_id:int}/delete", delete_view, False),
    ("POST", "/{record_id:int}/comment", comment_view, False),
    ("POST", "/{record_id:int}/attachments", attach_view, False),
    ("POST", "/{record_id:int}/action/{transition:str}", action_view, False),
    ("POST", "/{record_id:int}/do/{name:str}", do_record_view, False),
]


def _template(path: str) -> str:
    """A path as Litestar reports the matched route: ``{record_id:int}`` → ``{record_id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def screen_routes(registry: Registry) -> list[HTTPRouteHandler]:
    """The screens of every view of ``registry``: one handler per kind, one path per view.

    One handler with many paths (rather than a router per view) keeps building the
    app cheap: Litestar validates a handler's signature once, not once per view.
    A view whose url would shadow another view's screen is left out, with a warning.
    """
    urls = _screen_urls(registry)
    if not urls:
        return []
    handlers: list[HTTPRouteHandler] = []
    for method, suffix, fn, readonly in SCREENS:
        decorator = get if method == "GET" else post
        handler = decorator(
            [f"/app/{url}{suffix}" for url in urls],
            name=f"views.{fn.__name__}",
            include_in_schema=False,
            dependencies=VIEW,
            opt={"screen_suffix": _template(suffix), READONLY_UNIT: readonly},
        )(_in_thread(fn))
        handlers.append(handler)
    return handlers


def _in_thread(fn: Callable[..., Response[Any]]) -> Callable[..., Awaitable[Response[Any]]]:
    """``fn`` run in a worker thread, as ``sync_to_thread=True`` would.

    Why not that flag: Litestar registers a handler once per path, and with many
    paths its flag wraps the function again at each one (2.25).
    """

    @functools.wraps(fn)
    async def run(**kwargs: Any) -> Response[Any]:
        return await sync_to_thread(fn, **kwargs)

    return run


def _screen_urls(registry: Registry) -> list[str]:
    urls = sorted({view.url.strip("/") for view in collect_views(registry).values()})
    taken = {
        f"{url}{_template(suffix)}" for url in urls for _m, suffix, _f, _r in SCREENS if suffix
    }
    clashing = [url for url in urls if url in taken]
    for url in clashing:
        log.warning("the screens of view %r would shadow another view's; left out", url)
    return [url for url in urls if url not in clashing]


#: the kernel's screens whose paths do not depend on the views
UI_ROUTES: list[Any] = [picker_view, download_view, detach_view]
