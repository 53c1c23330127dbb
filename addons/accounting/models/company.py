"""Accounting settings of a company: chart, default accounts, invoicing policy, lock date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from addons.accounting.models.selections import CHART_TEMPLATES, INVOICE_POLICIES, STOCK_VALUATIONS
from kernel import _, extend, info


@extend("res.company")
class CompanyAccounting:
    chart_template: Mapped[str] = mapped_column(
        String(16),
        default="",
        info=info(_("Chart of accounts"), selection=CHART_TEMPLATES),
    )
    invoice_policy: Mapped[str] = mapped_column(
        String(16),
        default="completion",
        info=info(_("Invoice sales orders"), selection=INVOICE_POLICIES),
    )
    account_lock_date: Mapped[dt.date | None] = mapped_column(
        Date,
        nullable=True,
        info=info(_("Lock date"), _("No entry can be posted on or before this date")),
    )
    account_receivable_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Receivable account"))
    )
    account_payable_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Payable account"))
    )
    account_revenue_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Revenue account"))
    )
    account_expense_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Expense account"))
    )
    account_equity_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Opening balance account"))
    )
    stock_valuation: Mapped[str] = mapped_column(
        String(16),
        default="periodic",
        info=info(_("Inventory valuation"), selection=STOCK_VALUATIONS),
    )
    account_stock_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Inventory account"))
    )
    account_stock_interim_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"),
        nullable=True,
        info=info(_("Goods received not invoiced account")),
    )
    account_cogs_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Cost of goods sold account"))
    )
    account_conversion_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"),
        nullable=True,
        info=info(
            _("Applied labour and overhead account"),
            _("credited with the labour and overhead manufacturing adds to finished goods"),
        ),
    )
