"""Validation helpers shared by the models, and the flush hook that runs them.

The kernel checks access and immutability at flush; base adds one more rule:
any model part may define ``__validate__(self)`` raising
:class:`~kernel.errors.ValidationError`. It runs for every new or changed
record just before it is written, whatever path wrote it (form, API, import,
demo), so a rule cannot be bypassed by using another entry point.

New records may also define ``__defaults__(self)`` to fill defaults that depend
on other fields (a partner with a parent is a person unless told otherwise);
it runs before the column defaults and the rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from kernel.errors import ValidationError
from kernel.i18n import LazyString, _

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: str | None, field: str) -> None:
    """Refuse an e-mail address that is set but malformed."""
    if value and not EMAIL_RE.match(value.strip()):
        raise ValidationError(
            _("E-mail: %(value)s is not a valid e-mail address", value=value), field=field
        )


def require(record: Any, field: str, label: str | LazyString) -> None:
    value = getattr(record, field, None)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(_("%(field)s: a value is required", field=label), field=field)


def check_not_negative(record: Any, field: str, label: str | LazyString) -> None:
    value = getattr(record, field, None)
    if value is not None and Decimal(value) < 0:
        raise ValidationError(
            _("%(field)s: must not be negative (%(value)s)", field=label, value=value),
            field=field,
        )


def _validate_pending(session: Session, _ctx: Any, _instances: Any) -> None:
    """Run ``__validate__`` of new and changed records, and batch checks per model."""
    pending = [*session.new]
    pending += [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    batches: dict[Any, list[Any]] = {}
    with session.no_autoflush:
        for obj in session.new:
            defaults = getattr(obj, "__defaults__", None)
            if defaults is not None:
                defaults()
            _apply_scalar_defaults(obj)
        for obj in pending:
            rule = getattr(obj, "__validate__", None)
            if rule is not None:
                rule()
            batch_rule = getattr(type(obj), "__validate_batch__", None)
            if batch_rule is not None:
                batches.setdefault(batch_rule, []).append(obj)
        for batch_rule, objs in batches.items():
            batch_rule(session, objs)


def _apply_scalar_defaults(obj: Any) -> None:
    """Fill unset columns with their scalar defaults so rules see what will be stored."""
    if getattr(type(obj), "__validate__", None) is None:
        return
    table = getattr(type(obj), "__table__", None)
    if table is None:
        return
    for column in table.columns:
        default = column.default
        if default is not None and default.is_scalar and getattr(obj, column.key, None) is None:
            setattr(obj, column.key, default.arg)


_installed = False


def install() -> None:
    """Listen on every session once per process (models of other instances lack the hook)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _validate_pending)
        _installed = True
