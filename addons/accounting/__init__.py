"""Accounting: double-entry books, invoices, payments and reports.

Depends on ``base`` only. With ``sales_order`` installed it invoices completed
orders and settles them when paid — entirely through sales_order's hooks and
conditional parts registered below; sales_order knows nothing about accounting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts
    from kernel.env import Env


def register(parts: AddonParts) -> None:
    from addons.accounting import (
        delivery_hooks,
        hooks,
        hookspecs,
        mrp_hooks,
        notifications,
        sale_hooks,
        stock_hooks,
    )
    from addons.accounting.models.account import Account
    from addons.accounting.models.company import CompanyAccounting
    from addons.accounting.models.fiscal_year import FiscalYear
    from addons.accounting.models.journal import Journal
    from addons.accounting.models.move import Move
    from addons.accounting.models.move_line import MoveLine
    from addons.accounting.models.payment import Payment
    from addons.accounting.models.payment_allocation import PaymentAllocation
    from addons.accounting.models.reconcile import Reconcile
    from addons.accounting.models.sale_order import SaleOrderAccounting
    from addons.accounting.models.tax import TaxAccounting
    from addons.accounting.workflow import MOVE_WORKFLOW, PAYMENT_WORKFLOW, SALE_ORDER_EXTENSION

    parts.model(
        Account,
        Journal,
        FiscalYear,
        Move,
        MoveLine,
        Reconcile,
        Payment,
        PaymentAllocation,
        CompanyAccounting,
        TaxAccounting,
    )
    parts.model(SaleOrderAccounting, when=("sales_order",))
    parts.hookspec(hookspecs)
    parts.plugin(hooks)
    parts.plugin(notifications)
    parts.plugin(sale_hooks, when=("sales_order",))
    parts.plugin(stock_hooks, when=("stock",))
    parts.plugin(mrp_hooks, when=("mrp",))
    parts.plugin(delivery_hooks, when=("stock", "sales_order"))
    parts.workflow(MOVE_WORKFLOW)
    parts.workflow(PAYMENT_WORKFLOW)
    parts.extend_workflow(SALE_ORDER_EXTENSION, when=("sales_order",))


def post_install(env: Env) -> None:
    """Install the chart of accounts the main company's settings call for."""
    from addons.accounting.services.chart import install_chart

    install_chart(env, env.ref("base.main_company"))
