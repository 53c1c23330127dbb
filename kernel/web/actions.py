"""Running a view's declared :class:`~kernel.web.views.Action` for the API and the forms.

One place checks who may run it (``write`` on the model, the action's group),
reads its parameters with the same converters as columns (so a bad value is a
422 naming the parameter, in the user's language) and runs it in the caller's
unit of work, so a failed action rolls back whole.
"""

from __future__ import annotations

from typing import Any

from kernel.env import Env
from kernel.errors import AccessDenied, NotFound, ValidationError
from kernel.fields import MONEY_SCALE, QUANTITY_SCALE
from kernel.i18n import LazyString, _, text_of
from kernel.web.introspect import FieldMeta, coerce, collect_views, model_meta
from kernel.web.views import Action, Param


def find(env: Env, model: str, name: str) -> Action | None:
    view = collect_views(env.registry).get(model)
    if view is None:
        return None
    return next((a for a in view.actions if a.name == name), None)


def allowed(env: Env, model: str, action: Action) -> bool:
    return env.can(model, "write") and (action.group is None or env.has_group(action.group))


def check(env: Env, model: str, action: Action) -> None:
    if not allowed(env, model, action):
        label = text_of(getattr(env.registry[model], "__label__", model))
        raise AccessDenied(
            _(
                "you are not allowed to %(action)s %(model)s records",
                action=text_of(action.label),
                model=label,
            )
        )


# An action's money or quantity parameter keeps the decimals of the columns of its type
# (without a scale "0.5" was refused as having too many decimal places).
PARAM_SCALES = {"money": MONEY_SCALE, "quantity": QUANTITY_SCALE}


def _field(param: Param) -> FieldMeta:
    return FieldMeta(
        name=param.name,
        type=param.type,
        label=param.label,
        required=param.required,
        relation=param.relation,
        nullable=not param.required,
        scale=PARAM_SCALES.get(param.type),
    )


def read_params(env: Env, action: Action, payload: dict[str, Any]) -> dict[str, Any]:
    """The action's parameters from a JSON body or a form, every problem named."""
    values: dict[str, Any] = {}
    problems: dict[str, str | LazyString] = {}
    for param in action.params:
        raw = payload.get(param.name)
        if raw is None or raw == "":
            if param.required:
                problems[param.name] = _("%(field)s is required", field=text_of(param.label))
            else:
                values[param.name] = None
            continue
        try:
            value = coerce(_field(param), raw)
        except ValidationError as exc:
            problems[param.name] = exc.message
            continue
        if param.type == "many2one" and param.relation:
            with env.unchecked():
                exists = env.session.get(env[param.relation], value) is not None
            if not exists:
                problems[param.name] = _(
                    "%(field)s: there is no record #%(id)s", field=text_of(param.label), id=value
                )
                continue
        values[param.name] = value
    if problems:
        raise ValidationError(next(iter(problems.values())), fields=problems)
    return values


def record_ids(payload: dict[str, Any]) -> list[int]:
    """``ids`` of a list action: a list of record ids, or absent for "all it applies to"."""
    raw = payload.get("ids")
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in raw
    ):
        raise ValidationError(_("ids must be a list of record ids"), field="ids")
    return list(dict.fromkeys(raw))


def run(env: Env, model: str, action: Action, records: list[Any], params: dict[str, Any]) -> Any:
    """Run ``action`` after the checks; returns what the action returned."""
    check(env, model, action)
    if action.states and any(getattr(r, "state", None) not in action.states for r in records):
        raise ValidationError(
            _("%(action)s does not apply to records in this state", action=text_of(action.label))
        )
    return action.run(env, records, params)


def load(env: Env, model: str, ids: list[int]) -> list[Any]:
    found = env.browse(model, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        meta = model_meta(env.registry, model)
        raise NotFound(
            _("%(model)s #%(id)s does not exist", model=text_of(meta.label), id=missing[0])
        )
    return [found[i] for i in ids]


def describe(action: Action) -> dict[str, Any]:
    """The action as ``/api/v1/_models`` and the OpenAPI document show it."""
    return {
        "name": action.name,
        "label": text_of(action.label),
        "help": text_of(action.help) or None,
        "on_list": action.on_list,
        "states": list(action.states),
        "params": [
            {
                "name": p.name,
                "label": text_of(p.label),
                "type": p.type,
                "relation": p.relation,
                "required": p.required,
            }
            for p in action.params
        ],
    }


def result_json(result: Any) -> Any:
    """Records an action returns as ``{"model", "ids"}``; anything else as given (or None)."""
    if result is None:
        return None
    items = result if isinstance(result, list | tuple) else [result]
    if items and all(hasattr(r, "__model_name__") for r in items):
        return {"model": items[0].__model_name__, "ids": [int(r.id) for r in items]}
    return result if isinstance(result, dict) else None
