"""Invoicing on delivery (company policy ``delivery``): needs both stock and sales_order."""

from __future__ import annotations

from typing import Any

from kernel import hookimpl


@hookimpl(optionalhook=True)
def stock_picking_done(env: Any, picking: Any) -> None:
    """Invoice the whole order when its first delivery is done (partial invoicing is not done)."""
    if picking.origin_model != "sale.order" or not picking.origin_id:
        return
    from addons.accounting.services import sale

    with env.sudo("post the invoice of a delivered order (company invoices on delivery)"):
        order = env.get("sale.order", picking.origin_id)
        if str(order.company.invoice_policy) == "delivery":
            sale.invoice_order(env, order)
