"""Validation helpers the models' ``__validate__`` rules share.

The rules themselves run at flush for every new or changed record, whatever path
wrote it (form, API, import, demo), as one step of the kernel's record life cycle
(:mod:`kernel.models.events`), so a rule cannot be bypassed by using another entry point.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

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
