"""Reading and writing records for the API and the forms, through the ORM only.

Why through the ORM: the kernel's access checks and immutability rules hang on the
session (``kernel.security``), so a write done here is checked exactly like one done
by business code. This module adds what a network client needs on top: values
converted and validated per column with every problem reported next to its field,
references checked to exist, one-to-many lines created/updated/removed in the same
unit of work, and database constraint failures turned into readable errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from kernel.caches import memoized
from kernel.env import Env
from kernel.errors import ConflictError, ValidationError
from kernel.i18n import LazyString, _, text_of
from kernel.rowcache import is_cached_model
from kernel.web.introspect import (
    ModelMeta,
    coerce,
    display_name,
    line_relations,
    model_meta,
    readonly_lines,
    to_json,
)


def serialize(record: Any, meta: ModelMeta, fields: Iterable[str] | None = None) -> dict[str, Any]:
    names = list(fields) if fields is not None else list(meta.fields)
    return {name: to_json(meta.fields[name], getattr(record, name)) for name in names}


def serialize_full(env: Env, record: Any, meta: ModelMeta) -> dict[str, Any]:
    """All columns, the display name and the inline-edited lines of one record."""
    data = serialize(record, meta)
    data["display_name"] = display_name(record, env)
    for relation, o2m in line_relations(env.registry, meta.name).items():
        line_meta = model_meta(env.registry, o2m.relation)
        data[relation] = [serialize(line, line_meta) for line in getattr(record, relation)]
    return data


def convert_values(
    meta: ModelMeta,
    payload: dict[str, Any],
    *,
    creating: bool,
    skip: Iterable[str] = (),
    prefix: str = "",
) -> tuple[dict[str, Any], dict[str, str | LazyString]]:
    """Column values from ``payload`` and the per-field problems (all of them, not the first)."""
    values: dict[str, Any] = {}
    problems: dict[str, str | LazyString] = {}
    skipped = set(skip)
    for name, raw in payload.items():
        if name in skipped:
            continue
        meta_field = meta.fields.get(name)
        if meta_field is None:
            problems[prefix + name] = _(
                "%(model)s has no field %(field)s", model=text_of(meta.label), field=name
            )
            continue
        if meta_field.readonly:
            problems[prefix + name] = _(
                "%(field)s cannot be changed", field=text_of(meta_field.label)
            )
            continue
        try:
            value = coerce(meta_field, raw)
        except ValidationError as exc:
            problems[prefix + name] = exc.message
            continue
        if value is None and not meta_field.nullable:
            if creating and meta_field.has_default:
                continue  # left empty on a new record: the column's default applies
            problems[prefix + name] = _("%(field)s is required", field=text_of(meta_field.label))
            continue
        values[name] = value
    if creating:
        for name, meta_field in meta.fields.items():
            if (
                meta_field.required
                and name not in values
                and name not in skipped
                and prefix + name not in problems
            ):
                problems[prefix + name] = _(
                    "%(field)s is required", field=text_of(meta_field.label)
                )
    return values, problems


def _configuration_ids(env: Env, target: Any) -> frozenset[int]:
    """Every id of a configuration model (``cached=True``: companies, currencies,
    journals…), read once per security stamp.

    Why: a payment names its journal, company and currency; checking that they exist
    was a query each, on every API call. Any write to such a model bumps the stamp, so
    the set is read again by the next unit; an id missing from it (created by this
    very unit) is still looked up, so the set only ever saves queries.
    """
    if not is_cached_model(target):
        return frozenset()

    def read() -> frozenset[int]:
        with env.unchecked():
            return frozenset(env.session.scalars(select(target.id)))

    return memoized(env, ("configuration_ids", target.__model_name__), read)


def check_references(
    env: Env,
    meta: ModelMeta,
    rows: list[dict[str, Any]],
    prefix: str = "",
    *,
    prefixes: list[str] | None = None,
) -> dict[str, str | LazyString]:
    """Every many-to-one id in ``rows`` must exist: one query per referenced field, not per row.

    ``prefixes`` names each row's problems (``lines.3.``) when the rows are a document's
    lines, checked together so that 200 lines cost what 2 do.
    """
    problems: dict[str, str | LazyString] = {}
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for name, value in row.items():
            field = meta.fields[name]
            if field.type == "many2one" and value is not None and field.relation:
                wanted.setdefault(name, set()).add(int(value))
    missing: dict[str, set[int]] = {}
    for name, ids in wanted.items():
        target = env[meta.fields[name].relation or ""]
        unknown = ids - _configuration_ids(env, target)
        if not unknown:
            continue
        # Existence only: pointing at a record (a company, a unit) needs no right to read it.
        with env.unchecked():
            found = set(env.session.scalars(select(target.id).where(target.id.in_(unknown))))
        if unknown - found:
            missing[name] = unknown - found
    if not missing:
        return problems
    for row, row_prefix in zip(rows, prefixes or [prefix] * len(rows), strict=True):
        for name, value in row.items():
            if name in missing and value is not None and int(value) in missing[name]:
                problems.setdefault(
                    row_prefix + name,
                    _(
                        "%(field)s: there is no record #%(id)s",
                        field=text_of(meta.fields[name].label),
                        id=int(value),
                    ),
                )
    return problems


def flush(env: Env) -> None:
    """Flush now so that constraint failures become user errors instead of a 500."""
    try:
        env.session.flush()
    except IntegrityError:
        raise ConflictError(
            _("this change conflicts with other records (a duplicate, or a record still in use)")
        ) from None
    except (DataError, StatementError) as exc:
        if isinstance(exc.orig, ValueError | TypeError):
            raise ValidationError(
                _("a value is not valid: %(reason)s", reason=str(exc.orig))
            ) from None
        raise ValidationError(_("a value does not fit its field")) from None


def _line_id(field: str, raw: Any, problems: dict[str, Any]) -> int | None:
    """A line's ``id`` as a positive 64-bit integer; anything else is a problem on that field."""
    from kernel.web.params import INT64_MAX

    if isinstance(raw, bool) or not isinstance(raw, int | str):
        number = None
    else:
        try:
            number = int(raw)
        except ValueError:
            number = None
    if number is None or not 0 < number <= INT64_MAX:
        problems[field] = _("%(param)s must be the id of an existing line", param=field)
        return None
    return number


def _line_payloads(relation: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValidationError(
            _("%(field)s must be a list of objects", field=relation), field=relation
        )
    return raw


def apply(env: Env, meta: ModelMeta, record: Any | None, payload: dict[str, Any]) -> Any:
    """Create (``record`` is None) or update a record from ``payload``, lines included.

    Lines given for a relation replace its set: objects with an ``id`` update that
    line, objects without create one, lines not mentioned are removed.
    """
    record, problems = build(env, meta, record, payload)
    if problems:
        first = next(iter(problems.values()))
        raise ValidationError(first, fields=problems)
    flush(env)
    return record


def build(
    env: Env, meta: ModelMeta, record: Any | None, payload: dict[str, Any], *, partial: bool = False
) -> tuple[Any | None, dict[str, Any]]:
    """The record (new or changed, not flushed) ``payload`` describes, and its input problems.

    With problems, nothing is built (``None`` for a new record), unless ``partial``: a
    form's live preview builds what the valid values describe, to show what the
    server would fill in and compute, beside the problems of the rest.
    """
    if not isinstance(payload, dict):
        raise ValidationError(_("the body must be a JSON object"))
    relations = line_relations(env.registry, meta.name)
    creating = record is None
    values, problems = convert_values(
        meta, payload, creating=creating, skip=[*relations, "id", "display_name"]
    )
    line_plans: dict[str, list[tuple[int | None, dict[str, Any]]]] = {}
    fixed = readonly_lines(env.registry, meta.name)
    for relation, o2m in relations.items():
        if relation not in payload:
            continue
        if relation in fixed:  # shown with the record, changed only on its own screen
            problems[relation] = _("%(field)s cannot be changed", field=text_of(fixed[relation]))
            continue
        line_meta = model_meta(env.registry, o2m.relation)
        plan: list[tuple[int | None, dict[str, Any]]] = []
        rows: list[dict[str, Any]] = []
        prefixes: list[str] = []
        for index, item in enumerate(_line_payloads(relation, payload[relation])):
            line_id = item.get("id")
            prefix = f"{relation}.{index}."
            line_values, line_problems = convert_values(
                line_meta,
                item,
                creating=line_id is None,
                skip=["id", "display_name", o2m.inverse],
                prefix=prefix,
            )
            problems.update(line_problems)
            if line_id is not None:
                line_id = _line_id(f"{prefix}id", line_id, problems)
            plan.append((line_id, line_values))
            rows.append(line_values)
            prefixes.append(prefix)
        problems.update(check_references(env, line_meta, rows, prefixes=prefixes))
        line_plans[relation] = plan
    problems.update(check_references(env, meta, [values]))
    if creating:
        problems.update(_required_elsewhere(meta))
    if problems and not partial:
        return record, problems
    if creating:
        record = meta.cls(**values)
        env.session.add(record)
    else:
        for name, value in values.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
    for relation, plan in line_plans.items():
        _apply_lines(env, record, relation, relations[relation].relation, plan)
    return record, problems


def _required_elsewhere(meta: ModelMeta) -> dict[str, str | LazyString]:
    """Required columns a client cannot send here (file contents, secrets): name them.

    Without this the database refuses the row (NOT NULL) and the client gets a
    conflict that names nothing.
    """
    problems: dict[str, str | LazyString] = {}
    for column in meta.cls.__table__.columns:
        if (
            column.key in meta.fields
            or column.nullable
            or column.primary_key
            or column.default is not None
            or column.server_default is not None
        ):
            continue
        label = column.info.get("label") or column.key
        problems[column.key] = _(
            "%(field)s is required and cannot be given through this API", field=text_of(label)
        )
    return problems


def _apply_lines(
    env: Env,
    record: Any,
    relation: str,
    line_model: str,
    plan: list[tuple[int | None, dict[str, Any]]],
) -> None:
    line_cls = model_meta(env.registry, line_model).cls
    current = list(getattr(record, relation)) if record.id is not None else []
    by_id = {line.id: line for line in current}
    keep: list[Any] = []
    for line_id, values in plan:
        if line_id is None:
            keep.append(line_cls(**values))
            continue
        line = by_id.get(line_id)
        if line is None:
            raise ValidationError(
                _("line #%(id)s does not belong to this document", id=line_id), field=relation
            )
        for name, value in values.items():
            if getattr(line, name) != value:
                setattr(line, name, value)
        keep.append(line)
    setattr(record, relation, keep)
