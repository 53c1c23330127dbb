"""Carrier connectors shipped with delivery: the built-in own fleet / manual one and a
reference connector for a generic JSON carrier API. Each implements the connector
hooks of :mod:`addons.delivery.hookspecs` for the carriers whose ``connector`` names it.
"""

from __future__ import annotations

from kernel.i18n import _

CONNECTORS = [
    ("manual", _("Own fleet / manual")),
    ("http_json", _("JSON carrier API")),
]
"""Connector codes a carrier can choose (``delivery.carrier.connector``)."""
