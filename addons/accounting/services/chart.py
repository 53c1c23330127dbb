"""Installing a chart of accounts template and finding a company's accounts and journals.

Templates are data files (``data/charts/*.toml``): accounts, journals with their
numbering sequences, and a ``[defaults]`` table naming the receivable, payable,
revenue … accounts. Every record is owned by ``accounting`` (``ir.model.data``),
so uninstalling the addon removes exactly what the template created.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select

from kernel.data import load_toml, resolve_id
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.statements import built

CHARTS = Path(__file__).resolve().parents[1] / "data" / "charts"
ADDON = "accounting"
TEMPLATES = ("cn_small", "generic")

DEFAULT_LABELS = {
    "receivable": _("Receivable account"),
    "payable": _("Payable account"),
    "revenue": _("Revenue account"),
    "expense": _("Expense account"),
    "equity": _("Opening balance account"),
    "stock": _("Inventory account"),
    "stock_interim": _("Goods received not invoiced account"),
    "cogs": _("Cost of goods sold account"),
    "conversion": _("Applied labour and overhead account"),
}


def template_for(env: Env, company: Any) -> str:
    """The company's chosen template, else 小企业会计准则 for CNY companies, else generic."""
    if company.chart_template in TEMPLATES:
        return str(company.chart_template)
    setting = env.setting("accounting_chart_template")
    if setting in TEMPLATES:
        return str(setting)
    return "cn_small" if company.currency.code == "CNY" else "generic"


def install_chart(env: Env, company: Any, template: str | None = None) -> str:
    """Load a chart template for ``company`` and point its defaults and taxes at it."""
    template = template or template_for(env, company)
    if template not in TEMPLATES:
        raise ValidationError(
            _("Chart of accounts: %(value)s is not a known template", value=template),
            field="chart_template",
        )
    path = CHARTS / f"{template}.toml"
    load_toml(env, ADDON, path)
    defaults = tomllib.loads(path.read_text(encoding="utf-8")).get("defaults", {})
    ids = {key: resolve_id(env, ADDON, ref) for key, ref in defaults.items()}
    company.chart_template = template
    company.account_receivable_id = ids["receivable"]
    company.account_payable_id = ids["payable"]
    company.account_revenue_id = ids["revenue"]
    company.account_expense_id = ids["expense"]
    company.account_equity_id = ids["equity"]
    company.account_stock_id = ids["stock"]
    company.account_stock_interim_id = ids["stock_interim"]
    company.account_cogs_id = ids["cogs"]
    company.account_conversion_id = ids.get("conversion")
    Tax = env["res.tax"]
    for tax in env.session.scalars(select(Tax).where(Tax.account_id.is_(None))):
        tax.account_id = ids["output_vat"] if tax.scope == "sale" else ids["input_vat"]
    ensure_fiscal_year(env, company, dt.date.today().year)
    env.session.flush()
    return template


def ensure_fiscal_year(env: Env, company: Any, year: int) -> Any:
    """The calendar fiscal year ``year`` of ``company`` (China's fiscal year is the calendar year)."""
    FiscalYear = env["account.fiscal.year"]
    start = dt.date(year, 1, 1)
    found = env.session.scalar(
        select(FiscalYear).where(FiscalYear.company_id == company.id, FiscalYear.date_from == start)
    )
    if found is None:
        found = FiscalYear(
            name=str(year), company_id=company.id, date_from=start, date_to=dt.date(year, 12, 31)
        )
        env.session.add(found)
        env.session.flush()
    return found


def ensure_chart(env: Env, company: Any) -> None:
    """Install the company's chart on first use if it has none yet.

    When accounting is installed together with sales_order and demo data, the
    demo orders complete (and get invoiced) before accounting's ``post_install``
    ran; the chart is then installed at that first invoice instead.
    """
    if company.chart_template:
        return
    with env.sudo("install the chart of accounts on the books' first use"):
        install_chart(env, company)


def company_account(env: Env, company: Any, kind: str) -> int:
    """The id of ``company``'s default ``kind`` account; a clear error naming the setting."""
    ensure_chart(env, company)
    value = getattr(company, f"account_{kind}_id", None)
    if not value:
        raise ValidationError(
            _(
                "%(setting)s: not configured for company %(company)s; "
                "set it in the accounting settings",
                setting=DEFAULT_LABELS[kind],
                company=company.name,
            ),
            field=f"account_{kind}_id",
        )
    return int(value)


def journal_of(env: Env, company_id: int, journal_type: str) -> Any:
    """The first active journal of ``journal_type`` (sale, purchase, bank, cash, general)."""
    ensure_chart(env, env.get("res.company", company_id))
    Journal = env["account.journal"]
    stmt = built(
        env.registry,
        "accounting.journal_of",
        lambda: (
            select(Journal)
            .where(
                Journal.company_id == bindparam("company_id"),
                Journal.type == bindparam("journal_type"),
                Journal.active.is_(True),
            )
            .order_by(Journal.id)
            .limit(1)
        ),
    )
    journal = env.session.scalar(stmt, {"company_id": company_id, "journal_type": journal_type})
    if journal is None:
        raise ValidationError(
            _("Journal: no %(type)s journal is configured", type=journal_type), field="journal_id"
        )
    return journal
