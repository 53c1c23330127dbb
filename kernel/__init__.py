"""Suanpan kernel: addons, per-instance model registry, hooks, workflows, i18n, access control.

Addon code imports what it needs from here::

    from kernel import hookimpl, model, extend, _
"""

from kernel.fields import Exact, Money, Quantity, UTCDateTime, info, utcnow
from kernel.hooks import hookimpl, hookspec
from kernel.i18n import _
from kernel.models import extend, many2one, model, one2many

__all__ = [
    "Exact",
    "Money",
    "Quantity",
    "UTCDateTime",
    "_",
    "extend",
    "hookimpl",
    "hookspec",
    "info",
    "many2one",
    "model",
    "one2many",
    "utcnow",
]
