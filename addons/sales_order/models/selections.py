"""Selection values shared by the order models, translated when displayed."""

from __future__ import annotations

from kernel.i18n import _

ORDER_STATES = [
    ("draft", _("Draft")),
    ("submitted", _("Submitted")),
    ("approved", _("Approved")),
    ("in_progress", _("In progress")),
    ("completed", _("Completed")),
    ("closed", _("Closed")),
    ("cancelled", _("Cancelled")),
]

PAYMENT_METHODS = [
    ("bank_transfer", _("Bank transfer")),
    ("cash", _("Cash")),
    ("cheque", _("Cheque")),
    ("card", _("Card")),
    ("e_wallet", _("E-wallet (Alipay, WeChat Pay)")),
    ("acceptance_bill", _("Bank acceptance bill")),
]

SHIPPING_METHODS = [
    ("express", _("Express courier")),
    ("freight", _("Freight (LTL/FTL)")),
    ("own_fleet", _("Own delivery fleet")),
    ("pickup", _("Customer pickup")),
]

SEVERITY = [("ok", _("OK")), ("review", _("Needs review")), ("block", _("Blocking"))]

PRICE_SOURCES = [
    ("list", _("List price")),
    ("rule", _("Price list rule")),
    ("manual", _("Entered by hand")),
    ("special", _("Contract or promotion")),
]
"""Where a line's price came from; ``rule`` names the rule in ``pricing_rule_id``,
``special`` is a price imposed through the ``sale_price_rule`` hook by another addon."""
