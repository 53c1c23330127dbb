"""Selection values shared by the accounting models."""

from __future__ import annotations

from kernel.i18n import _

ACCOUNT_TYPES = [
    ("cash", _("Cash")),
    ("bank", _("Bank")),
    ("receivable", _("Receivable")),
    ("current_asset", _("Current asset")),
    ("stock", _("Inventory")),
    ("fixed_asset", _("Fixed asset")),
    ("payable", _("Payable")),
    ("tax", _("Taxes payable")),
    ("current_liability", _("Current liability")),
    ("long_term_liability", _("Long-term liability")),
    ("equity", _("Equity")),
    ("revenue", _("Revenue")),
    ("other_income", _("Other income")),
    ("cogs", _("Cost of goods sold")),
    ("expense", _("Expense")),
]
ASSET_TYPES = ("cash", "bank", "receivable", "current_asset", "stock", "fixed_asset")
LIABILITY_TYPES = ("payable", "tax", "current_liability", "long_term_liability")
EQUITY_TYPES = ("equity",)
INCOME_TYPES = ("revenue", "other_income")
EXPENSE_TYPES = ("cogs", "expense")

JOURNAL_TYPES = [
    ("sale", _("Sales")),
    ("purchase", _("Purchases")),
    ("bank", _("Bank")),
    ("cash", _("Cash")),
    ("general", _("Miscellaneous")),
]

MOVE_TYPES = [
    ("entry", _("Journal entry")),
    ("out_invoice", _("Customer invoice")),
    ("out_refund", _("Customer credit note")),
    ("in_invoice", _("Vendor bill")),
    ("in_refund", _("Vendor credit note")),
]

MOVE_STATES = [("draft", _("Draft")), ("posted", _("Posted"))]

PAYMENT_STATES = [
    ("", _("Not an invoice")),
    ("not_paid", _("Not paid")),
    ("partial", _("Partially paid")),
    ("paid", _("Paid")),
    ("reversed", _("Reversed")),
]

PAYMENT_TYPES = [("inbound", _("Receive money")), ("outbound", _("Send money"))]

PAYMENT_METHODS = [
    ("bank_transfer", _("Bank transfer")),
    ("cash", _("Cash")),
    ("cheque", _("Cheque")),
    ("alipay", _("Alipay")),
    ("wechat", _("WeChat Pay")),
]

INVOICE_POLICIES = [
    ("completion", _("When the order is completed")),
    ("confirmation", _("When the order is confirmed")),
    ("delivery", _("When goods are delivered")),
]

CHART_TEMPLATES = [
    ("", _("Automatic (by company currency)")),
    ("cn_small", _("China: Accounting Standard for Small Enterprises")),
    ("generic", _("Generic chart of accounts")),
]

STOCK_VALUATIONS = [
    ("periodic", _("Periodic (no entries from stock moves)")),
    ("perpetual", _("Perpetual (an entry for every stock move)")),
]
