"""The form screen's data: widgets per field, inline lines, and reading a submitted form back.

Why a separate step from the template: the template should only lay out what
is decided here — which widget a column gets (a ``Money`` is an exact text input,
never ``type=number`` with float rounding), whether the document is read-only in
its state, which message belongs next to which field, and which workflow buttons
this user may press. Submitted text goes back through the same conversion as
the JSON API (:func:`kernel.web.api.records.apply`), so both paths validate alike.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from dataclasses import replace as dc_replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from kernel import workflow
from kernel.env import Env
from kernel.i18n import LazyString, _, text_of
from kernel.web.introspect import (
    FieldMeta,
    ModelMeta,
    collect_views,
    display_name,
    model_meta,
    prefetch_display,
)
from kernel.web.views import View

WIDGETS = {
    "char": "text",
    "text": "textarea",
    "integer": "integer",
    "money": "decimal",
    "quantity": "decimal",
    "decimal": "decimal",
    "date": "date",
    "datetime": "datetime",
    "boolean": "checkbox",
    "selection": "select",
    "many2one": "picker",
    "json": "readonly",
}
_LINE_KEY = re.compile(r"^lines-(\w+)-(\d+)-(\w+)$")


@dataclass
class Widget:
    """One field on the form."""

    name: str  # the input's name
    field: str
    meta: FieldMeta
    label: str
    help: str
    kind: str
    value: str  # as text for the input
    raw: Any  # the stored value (for read-only display with the locale's formats)
    display: str  # for pickers and read-only rendering
    readonly: bool
    required: bool
    error: str = ""
    options: list[tuple[str, str]] = dc_field(default_factory=list)
    placeholder: str = ""  # a number's default, shown greyed while the input is empty
    href: str = ""  # read-only: the form of the record it names (customer, source document)

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class LineTable:
    relation: str
    label: str
    model: str
    columns: list[tuple[str, str, FieldMeta]]  # name, label, meta
    rows: list[dict[str, Any]]  # {"index", "id", "widgets": [Widget]}
    readonly: bool
    error: str = ""


@dataclass
class Section:
    label: str
    widgets: list[Widget]

    @property
    def totals(self) -> bool:
        """Only read-only amounts (an order's totals): shown as a compact, right-aligned block."""
        return bool(self.widgets) and all(
            w.readonly and w.meta.type in ("money", "quantity", "decimal") for w in self.widgets
        )


def _zone(tz: str) -> dt.tzinfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_input(value: str, tz: str) -> str:
    """A ``datetime-local`` text (the user's wall clock) as ISO 8601 with the user's offset."""
    text = (value or "").strip()
    if not text:
        return text
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # reported as invalid by the field conversion
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(tz))
    return moment.isoformat()


def as_text(meta: FieldMeta, value: Any, tz: str = "UTC") -> str:
    """A value as the text an input shows (exact decimals, ISO dates, the user's wall clock)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
            if meta.type == "money" and "." not in text:
                text += ".00"
            elif meta.type == "money" and len(text.split(".")[1]) == 1:
                text += "0"
        return text
    if isinstance(value, dt.datetime):
        return value.astimezone(_zone(tz)).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, LazyString):
        return str(value)
    return str(value)


def widget(
    env: Env,
    meta: ModelMeta,
    name: str,
    record: Any,
    *,
    input_name: str | None = None,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    readonly: bool = False,
    error_key: str | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Widget:
    fm = meta.fields[name]
    input_name = input_name or name
    display = ""
    raw: Any = None
    if submitted is not None and input_name in submitted:
        text = submitted[input_name]
        text = "" if text is None else str(text)
        if fm.type == "many2one":
            display = str(submitted.get(f"{input_name}__label", "") or text)
    else:
        if record is not None:
            value = getattr(record, name, None)
        elif defaults is not None and name in defaults:
            value = defaults[name]
        else:
            value = fm.initial()
            if value is None and fm.default_ref and fm.relation:
                value = _default_ref(env, fm.relation, fm.default_ref)
        raw = value
        text = as_text(fm, value, env.tz)
        if fm.type == "many2one" and value is not None:
            related = None
            if record is not None and fm.relationship:
                related = getattr(record, fm.relationship, None)
            if related is None and fm.relation:
                # a bare foreign key, a default on a new record, or a record being
                # previewed (not flushed: its relationships are not loaded yet)
                related = _referenced(env, fm.relation, value)
            display = display_name(related, env) if related is not None else f"#{value}"
    kind = WIDGETS.get(fm.type, "text")
    placeholder = ""
    editable = not (readonly or fm.readonly)
    if record is None and submitted is None and kind == "decimal" and editable and raw == 0:
        # Why empty: a zero default means "nothing typed". Left empty, the column
        # default applies when saved, and addons tell "typed by the user" from
        # "left for us to fill" (a line's price from the price list) by the value
        # being absent; a pre-filled 0 would read as a price typed by hand.
        placeholder, text = text, ""
    options: list[tuple[str, str]] = []
    if kind == "select":
        options = [(k, text_of(v)) for k, v in fm.selection or []]
        if not display:
            display = dict(options).get(text, text)
    if kind == "checkbox":
        display = "✓" if text else ""
    err = (errors or {}).get(error_key or name, "")
    return Widget(
        name=input_name,
        field=name,
        meta=fm,
        label=text_of(fm.label),
        help=text_of(fm.help),
        kind=kind,
        value=text,
        raw=raw,
        display=display or text,
        readonly=readonly or fm.readonly,
        required=fm.required,
        error=text_of(err),
        options=options,
        placeholder=placeholder,
    )


_referenced_cache: weakref.WeakKeyDictionary[Env, dict[tuple[str, Any], Any]] = (
    weakref.WeakKeyDictionary()
)


def _referenced(env: Env, relation: str, value: Any) -> Any | None:
    """The record a bare foreign key (one without a relationship attribute) points to.

    Why: "approved by #3" tells nobody anything. Looked up once per value and
    unit of work, and only when the user may read the target model.
    """
    if relation not in env.registry or not env.can(relation, "read"):
        return None
    cache = _referenced_cache.setdefault(env, {})
    key = (relation, value)
    if key not in cache:
        cache[key] = env.session.get(env[relation], value)
    return cache[key]


def _default_ref(env: Env, relation: str, xmlid: str) -> int | None:
    """The id of the record external id ``xmlid`` names, if it is a ``relation`` record.

    Why unchecked: which record an external id names is configuration, not data
    a user reads; the record itself is only named when the user may read it.
    """
    cache = _referenced_cache.setdefault(env, {})
    key = ("ir.model.data", xmlid)
    if key not in cache:
        addon, _sep, name = xmlid.partition(".")
        Data = env.registry["ir.model.data"]
        with env.unchecked():
            row = env.session.execute(
                select(Data.model, Data.res_id).where(Data.addon == addon, Data.name == name)
            ).first()
        cache[key] = row.res_id if row is not None and row.model == relation else None
    found = cache[key]
    return int(found) if found is not None else None


def url_defaults(
    env: Env, view: View, meta: ModelMeta, params: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values a new form starts with from its address (``?default_is_customer=1``).

    Only editable fields shown on the form are taken, each converted and checked
    like typed input: a bad value is reported next to its field and not used.
    Returns the values and the problems by field.
    """
    from kernel.errors import ValidationError
    from kernel.i18n import _
    from kernel.web.introspect import coerce

    shown = {n for s in view.form.sections for n in s.fields}
    values: dict[str, Any] = {}
    problems: dict[str, Any] = {}
    for key, text in params.items():
        name = key.removeprefix("default_")
        if name == key or name not in shown or name not in meta.fields:
            continue
        fm = meta.fields[name]
        if fm.readonly or fm.type == "json":
            continue
        try:
            value = coerce(dc_replace(fm, required=False), str(text)[:1000])
        except ValidationError as exc:
            problems[name] = exc.message
            continue
        missing = (
            fm.type == "many2one"
            and value is not None
            and fm.relation
            and _referenced(env, fm.relation, value) is None
        )
        if missing:
            problems[name] = _(
                "%(field)s: there is no record #%(id)s", field=text_of(fm.label), id=value
            )
            continue
        values[name] = value
    return values, problems


def is_readonly(view: View, meta: ModelMeta, record: Any | None) -> bool:
    if view.form.readonly:
        return True
    if record is None or not meta.state_field:
        return False
    return getattr(record, meta.state_field, None) in view.form.readonly_states


def load_record(env: Env, view: View, meta: ModelMeta, record_id: int) -> Any:
    """The record with its many-to-one names and lines loaded up front (no lazy loads later)."""
    from kernel.errors import NotFound
    from kernel.i18n import _

    cls = meta.cls
    stmt = select(cls).where(cls.id == record_id)
    for name in {n for s in view.form.sections for n in s.fields if n in meta.fields}:
        fm = meta.fields[name]
        if (
            fm.type == "many2one"
            and fm.relationship
            and fm.relation
            and env.can(fm.relation, "read")
        ):
            stmt = stmt.options(joinedload(getattr(cls, fm.relationship)))
    for spec in view.form.lines:
        o2m = meta.one2many.get(spec.relation)
        if o2m is None or not env.can(o2m.relation, "read"):
            continue
        line_meta = model_meta(env.registry, o2m.relation)
        names = []
        for column in spec.columns:
            line_field = line_meta.fields.get(column)
            if (
                line_field is not None
                and line_field.type == "many2one"
                and line_field.relationship
                and line_field.relation
                and env.can(line_field.relation, "read")
            ):
                names.append(line_field.relationship)
        # one query for the lines and one per referenced model, never one per line
        lines = selectinload(getattr(cls, spec.relation)).options(
            *(selectinload(getattr(line_meta.cls, name)) for name in names)
        )
        stmt = stmt.options(lines)
    record = env.session.scalars(stmt).unique().one_or_none()
    if record is None:
        raise NotFound(
            _("%(model)s #%(id)s does not exist", model=text_of(meta.label), id=record_id)
        )
    return record


def sections(
    env: Env,
    view: View,
    meta: ModelMeta,
    record: Any | None,
    *,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    readonly: bool = False,
    defaults: Mapping[str, Any] | None = None,
) -> list[Section]:
    out = []
    for sec in view.form.sections:
        widgets = [
            widget(
                env,
                meta,
                n,
                record,
                submitted=submitted,
                errors=errors,
                readonly=readonly,
                defaults=defaults,
            )
            for n in sec.fields
            if n in meta.fields
        ]
        if widgets and all(w.readonly and not w.value and not w.raw for w in widgets):
            continue  # nothing to read and nothing to type (a new order's approval details)
        _link_widgets(env, record, widgets)
        out.append(Section(text_of(sec.label), widgets))
    return out


def _link_widgets(env: Env, record: Any | None, widgets: list[Widget]) -> None:
    """Read-only many-to-ones open the record they name; a generated ``origin`` opens its source.

    Why: a delivery's "Source document" was a text box one could edit into a lie;
    when the record knows its origin (``origin_model`` / ``origin_id``) it is shown
    read-only, as a link to that document.
    """
    if record is None:
        return
    views = collect_views(env.registry)
    for w in widgets:
        if w.field == "origin" and getattr(record, "origin_id", None):
            model = getattr(record, "origin_model", "") or ""
            if model in views and env.can(model, "read"):
                w.readonly = True
                w.display = w.display or w.value
                w.href = f"/app/{views[model].url}/{record.origin_id}"
        elif w.readonly and w.meta.type == "many2one" and w.raw:
            relation = str(w.meta.relation)
            if relation in views and env.can(relation, "read"):
                w.href = f"/app/{views[relation].url}/{w.raw}"


def line_tables(
    env: Env,
    view: View,
    meta: ModelMeta,
    record: Any | None,
    *,
    submitted_lines: dict[str, list[dict[str, Any]]] | None = None,
    errors: Mapping[str, Any] | None = None,
    readonly: bool = False,
) -> list[LineTable]:
    tables = []
    for lines in view.form.lines:
        o2m = meta.one2many.get(lines.relation)
        if o2m is None or not env.can(o2m.relation, "read"):
            continue
        line_meta = model_meta(env.registry, o2m.relation)
        cols = [
            (c, text_of(line_meta.fields[c].label), line_meta.fields[c])
            for c in lines.columns
            if c in line_meta.fields
        ]
        rows = []
        ro = (
            readonly
            or lines.readonly
            or not (env.can(o2m.relation, "write") and env.can(o2m.relation, "create"))
        )
        if submitted_lines is not None and lines.relation in submitted_lines and not lines.readonly:
            source: list[tuple[Any, dict[str, Any] | None]] = [
                (None, data) for data in submitted_lines[lines.relation]
            ]
        else:
            records = list(getattr(record, lines.relation)) if record is not None else []
            source = [(line, None) for line in records]
            prefetch_display(env, _line_targets(env, line_meta, records, cols))
        for index, (line, data) in enumerate(source):
            rows.append(
                line_row(
                    env,
                    line_meta,
                    lines.relation,
                    [c for c, _l, _f in cols],
                    index,
                    line,
                    data,
                    errors,
                    ro,
                )
            )
        tables.append(
            LineTable(
                relation=lines.relation,
                label=text_of(lines.label) or text_of(line_meta.label),
                model=o2m.relation,
                columns=cols,
                rows=rows,
                readonly=ro,
                error=text_of((errors or {}).get(lines.relation, "")),
            )
        )
    return tables


def _line_targets(
    env: Env, line_meta: ModelMeta, lines: list[Any], cols: list[tuple[str, str, FieldMeta]]
) -> list[Any]:
    """The records the lines' many-to-one columns name (loaded with the lines)."""
    out: list[Any] = []
    for _name, _label, fm in cols:
        if (
            fm.type == "many2one"
            and fm.relationship
            and fm.relation
            and env.can(fm.relation, "read")
        ):
            out.extend(getattr(line, fm.relationship) for line in lines)
    return out


def line_row(
    env: Env,
    line_meta: ModelMeta,
    relation: str,
    columns: Sequence[str],
    index: int,
    line: Any | None,
    data: dict[str, Any] | None,
    errors: Mapping[str, Any] | None,
    readonly: bool,
) -> dict[str, Any]:
    """One editable line: its index in the form, its id, and one widget per column."""
    submitted = None
    if data is not None:
        submitted = {f"lines-{relation}-{index}-{k}": v for k, v in data.items()}
    line_id = data.get("id") if data is not None else (line.id if line is not None else None)
    widgets = [
        widget(
            env,
            line_meta,
            name,
            line,
            input_name=f"lines-{relation}-{index}-{name}",
            submitted=submitted,
            errors=errors,
            readonly=readonly,
            error_key=f"{relation}.{index}.{name}",
        )
        for name in columns
    ]
    return {"index": index, "id": line_id or "", "widgets": widgets}


def parse_submission(
    view: View, meta: ModelMeta, form: Mapping[str, Any], env: Env
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """The submitted form as an API-style payload, the raw lines, and the raw field texts."""
    payload: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    editable = [
        n
        for s in view.form.sections
        for n in s.fields
        if n in meta.fields and not meta.fields[n].readonly
    ]
    for name in editable:
        fm = meta.fields[name]
        if fm.type == "boolean":
            payload[name] = name in form
            raw[name] = "1" if name in form else ""
        elif name in form:
            payload[name] = local_input(form[name], env.tz) if fm.type == "datetime" else form[name]
            raw[name] = form[name]
            if fm.type == "many2one":
                raw[f"{name}__label"] = form.get(f"{name}__label", "")
    lines: dict[str, dict[int, dict[str, Any]]] = {}
    for key in form:
        match = _LINE_KEY.match(key)
        if match is None:
            continue
        relation, index, name = match.group(1), int(match.group(2)), match.group(3)
        lines.setdefault(relation, {}).setdefault(index, {})[name] = form[key]
    raw_lines: dict[str, list[dict[str, Any]]] = {}
    for spec in view.form.lines:
        o2m = meta.one2many.get(spec.relation)
        if spec.readonly or o2m is None or f"lines-{spec.relation}-present" not in form:
            continue  # a read-only section is never written through the form
        line_meta = model_meta(env.registry, o2m.relation)
        items = []
        raws = []
        for _index, data in sorted(lines.get(spec.relation, {}).items()):
            item: dict[str, Any] = {}
            if data.get("id"):
                item["id"] = data["id"]
            for col in spec.columns:
                col_meta = line_meta.fields.get(col)
                if col_meta is None or col_meta.readonly:
                    continue
                if col_meta.type == "boolean":
                    item[col] = col in data
                elif col in data:
                    item[col] = data[col]
            items.append(item)
            raws.append(dict(data))
        payload[spec.relation] = items
        raw_lines[spec.relation] = raws
    return payload, raw_lines, raw


def outcome(env: Env, view: View, meta: ModelMeta, record: Any | None) -> dict[str, Any] | None:
    """The view's outcome this saved record carries (Rejected …), with its reason, or None."""
    from kernel.web.ui.listing import outcomes_of

    if record is None or not view.outcomes:
        return None
    found = outcomes_of(env, view, meta, [record.id]).get(record.id)
    if found is None:
        return None
    declared = next(o for o in view.outcomes if o.name == found["name"])
    reason = declared.reason(record) if declared.reason is not None else ""
    return {**found, "reason": text_of(reason) if reason else ""}


def _group_name(env: Env, xmlid: str) -> str:
    Group = env["res.group"]
    group = env.session.scalar(select(Group).where(Group.xmlid == xmlid))
    return group.full_name if group is not None else xmlid


def refused_buttons(env: Env, record: Any | None) -> list[dict[str, Any]]:
    """Buttons of this state the user may not press, with who may (shown disabled, on hover).

    Why: a stock user looking at a count only a manager may validate saw no button
    and no hint of why the document does not move on.
    """
    if record is None or record.__model_name__ not in env.registry.workflows:
        return []
    wf = env.workflow(record)
    out = []
    for tr in wf.from_state(getattr(record, wf.field)):
        if tr.auto is not None or not tr.button or tr.group is None or env.has_group(tr.group):
            continue
        reason = _("Only %(group)s may do this.", group=_group_name(env, tr.group))
        out.append({"name": tr.name, "label": text_of(tr.label), "reason": text_of(reason)})
    return out


def buttons(env: Env, record: Any | None) -> list[dict[str, Any]]:
    if record is None or record.__model_name__ not in env.registry.workflows:
        return []
    out = []
    for index, tr in enumerate(t for t in workflow.available(env, record) if t.button):
        out.append(
            {
                "name": tr.name,
                "label": text_of(tr.label),
                "style": tr.style
                if tr.style in ("primary", "secondary", "danger", "success", "warning")
                else "primary",
                "requires_reason": tr.requires_reason,
                "accesskey": str(index + 1) if index < 9 else "",
            }
        )
    return out


def _param_default(env: Env, param: Any, records: list[Any]) -> str:
    """A parameter's starting value as form text (money with its two decimals)."""
    if param.default is None or not records:
        return ""
    value = param.default(env, records)
    if value is None:
        return ""
    if param.type == "money":
        return f"{Decimal(value):.2f}"
    return str(value)


def action_buttons(env: Env, view: View, record: Any | None) -> list[dict[str, Any]]:
    """The view's declared actions this user may run here (form: on ``record``; list: ``on_list``)."""
    from kernel.web import actions

    out = []
    for action in view.actions:
        if record is None and not action.on_list:
            continue
        if (
            record is not None
            and action.states
            and getattr(record, "state", None) not in (action.states)
        ):
            continue
        if record is not None and action.when is not None and not action.when(record):
            continue
        if not actions.allowed(env, view.model, action):
            continue
        records = [record] if record is not None else []
        out.append(
            {
                "name": action.name,
                "label": text_of(action.label),
                "help": text_of(action.help) if action.help else "",
                "subject": display_name(record, env) if record is not None else "",
                "params": [
                    {
                        "name": p.name,
                        "label": text_of(p.label),
                        "type": p.type,
                        "required": p.required,
                        "choices": p.choices(env, records) if p.choices is not None else None,
                        "default": _param_default(env, p, records),
                    }
                    for p in action.params
                ],
            }
        )
    return out


def panels(env: Env, record: Any | None, meta: ModelMeta) -> list[Any]:
    """Other addons' panels for a saved record (``register_form_panels``), in a savepoint each.

    Why the savepoint: a panel that fails must not leave the form's transaction
    unusable (PostgreSQL aborts it on an error); it is logged and left out.
    """
    import logging

    from kernel.web.templating import collect_form_panels

    if record is None:
        return []
    out = []
    for panel in collect_form_panels(env.registry):
        if panel.model != meta.name or (panel.group and not env.has_group(panel.group)):
            continue
        try:
            with env.session.begin_nested():
                body = panel.render(env, record)
        except Exception:
            logging.getLogger(__name__).exception("form panel %s failed", panel.key)
            continue
        if body:
            out.append(body)
    return out


def status_bar(env: Env, record: Any | None, meta: ModelMeta) -> list[dict[str, Any]]:
    if record is None or meta.name not in env.registry.workflows:
        return []
    nodes = []
    for node in workflow.progress(env, record):
        nodes.append({**node, "label": text_of(node["label"])})
    return nodes


def history(env: Env, meta: ModelMeta, record: Any | None) -> list[dict[str, Any]]:
    if record is None or not env.can("workflow.history", "read"):
        return []
    History = env["workflow.history"]
    rows = env.session.scalars(
        select(History)
        .where(History.model == meta.name, History.res_id == record.id)
        .options(joinedload(History.user))
        .order_by(History.id.desc())
    ).all()
    wf = env.registry.workflows.get(meta.name)

    def state_label(name: str) -> str:
        if not name or wf is None:
            return name
        try:
            return text_of(wf.state(name).label)
        except KeyError:
            return name

    def action_label(name: str) -> str:
        if wf is not None and name:
            try:
                return text_of(wf.transition(name).label)
            except KeyError:
                pass
            if name.startswith("milestone:"):
                ms = name.split(":", 1)[1]
                for m in wf.milestones:
                    if m.name == ms:
                        return text_of(m.label)
        return name

    return [
        {
            "at": row.at,
            "user": row.user.name if row.user is not None else "",
            "action": action_label(row.transition),
            "comment": not row.transition,
            "from": state_label(row.from_state),
            "to": state_label(row.to_state),
            "reason": row.reason,
            "automatic": row.automatic,
        }
        for row in rows
    ]


def attachments(env: Env, meta: ModelMeta, record: Any | None) -> list[Any]:
    if record is None or not env.can("ir.attachment", "read"):
        return []
    Attachment = env["ir.attachment"]
    return list(
        env.session.execute(
            select(
                Attachment.id,
                Attachment.filename,
                Attachment.size,
                Attachment.mimetype,
                Attachment.created_at,
            )
            .where(Attachment.model == meta.name, Attachment.res_id == record.id)
            .order_by(Attachment.id.desc())
        ).all()
    )


# --- live preview: what the server filled in reads as such ---------------------------

FILLABLE = ("decimal", "integer", "text", "textarea", "picker")


def _as_filled(w: Widget, typed: Mapping[str, Any]) -> None:
    """An input the user left empty and the server filled shows the value greyed, unsent.

    Why not as a value: "left empty" means "fill it for me" to every write path (the
    record life cycle), so a price the server found must stay unsent; sent back, it
    would read as typed by hand and no longer follow the product or the quantity.
    """
    if w.error and typed.get(w.name) is not None:
        w.value = str(typed[w.name])  # a wrong value stays as typed, beside its message
        return
    if w.readonly or w.kind not in FILLABLE or str(typed.get(w.name) or "") != "":
        return
    shown = w.display if w.kind == "picker" else w.value
    if w.kind == "decimal" and w.raw is not None:
        shown = w.value
    if shown:
        w.placeholder, w.value, w.display = shown, "", ""


def show_filled(
    sections_: list[Section],
    tables: list[LineTable],
    submitted: Mapping[str, Any],
    submitted_lines: Mapping[str, list[dict[str, Any]]],
) -> None:
    """On a previewed form: the inputs left empty that saving would fill read greyed, and a
    wrong value reads as the user typed it."""
    for section in sections_:
        for w in section.widgets:
            _as_filled(w, submitted)
    for table in tables:
        raws = submitted_lines.get(table.relation, [])
        for row in table.rows:
            index = row["index"]
            data = raws[index] if index < len(raws) else {}
            typed = {f"lines-{table.relation}-{index}-{k}": v for k, v in data.items()}
            for w in row["widgets"]:
                _as_filled(w, typed)
