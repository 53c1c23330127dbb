"""Completing orders written through any path (generic form, JSON API, import) at flush.

:func:`services.orders.create_order` fills numbers, customer defaults and prices
itself; a client of the generic API only sends ``partner_id`` and
``lines: [{product_id, quantity}]``. Just before such records are written this
listener gives them what the service would have: the number, company, currency,
customer defaults, each new line's unit, tax, cost and price from the pricing
engine, and the order totals whenever its lines changed. It does nothing
(and costs no query) for records the service already completed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kernel.errors import ValidationError
from kernel.i18n import _

_installed = False
ORDER = "sale.order"
LINE = "sale.order.line"
# the line fields (and relationships) its amounts, and so the order totals, come from
AMOUNT_FIELDS = (
    *("quantity", "price_unit", "discount", "tax_id", "product_id", "uom_id", "order_id"),
    *("tax", "product", "uom", "order"),
)


def install() -> None:
    """Listen on every session once per process (inert where sales_order is not installed)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True


def _model(obj: Any) -> str | None:
    return getattr(obj, "__model_name__", None)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    env = session.info.get("env")
    if env is None:
        return
    new_orders = [o for o in session.new if _model(o) == ORDER]
    new_lines = [o for o in session.new if _model(o) == LINE]
    changed_lines = [o for o in session.dirty if _model(o) == LINE and _amounts_changed(o)]
    deleted_lines = [o for o in session.deleted if _model(o) == LINE]
    if not (new_orders or new_lines or changed_lines or deleted_lines):
        return
    with session.no_autoflush:
        for order in new_orders:
            _complete_order(env, order)
        touched: dict[int, Any] = {}
        for line in new_lines:
            order = line.order
            if order is not None:
                touched[id(order)] = order
        for line in new_lines:
            if line.order is not None:
                _complete_line(env, line)
        _price_lines(env, [line for line in new_lines if line.order is not None])
        for line in changed_lines + deleted_lines:
            order = line.order
            if order is not None:
                touched[id(order)] = order
        for order in new_orders:
            touched[id(order)] = order
        from addons.sales_order.services.totals import compute_order

        for order in touched.values():
            if order in session.deleted:
                continue
            if order.currency is None and order.currency_id is not None:
                order.currency = env.session.get(env["res.currency"], order.currency_id)
            compute_order(env, order)


def _amounts_changed(line: Any) -> bool:
    """Whether a change to ``line`` can change its amounts (not, say, a delivered quantity).

    Stock writes reserved and delivered quantities on lines at every reservation
    and delivery; recomputing the order for those would load all its lines and
    taxes for nothing.
    """
    attrs = inspect(line).attrs
    return any(attrs[key].history.has_changes() for key in AMOUNT_FIELDS)


def _complete_order(env: Any, order: Any) -> None:
    from addons.sales_order.services.numbering import next_order_number
    from addons.sales_order.services.orders import default_company_id, partner_defaults

    if order.company_id is None:
        order.company_id = default_company_id(env)
    if order.state is None:
        order.state = "draft"
    if order.date_order is None:
        import datetime as dt

        order.date_order = dt.date.today()
    if order.partner_id is not None and not order.contact_name and not order.shipping_partner_id:
        partner = env.session.get(env["res.partner"], order.partner_id)
        for key, value in partner_defaults(env, partner).items():
            if getattr(order, key, None) in (None, ""):
                setattr(order, key, value)
    if order.salesperson_id is None:
        order.salesperson_id = env.uid
    if order.currency_id is None:
        company = env.session.get(env["res.company"], order.company_id)
        if company is None:  # unknown, or another company's (record rules hide it)
            raise ValidationError(
                _("Company: #%(id)s is not a company you work in", id=str(order.company_id)),
                field="company_id",
            )
        order.currency_id = company.currency_id
    if not order.name:
        order.name = next_order_number(env, order.company_id, order.date_order)


def _complete_line(env: Any, line: Any) -> None:
    product = line.product or env.session.get(env["product.product"], line.product_id)
    if product is None:
        return
    if line.uom_id is None:
        line.uom_id = product.uom_id
    if line.tax_id is None and line.tax is None:
        line.tax_id = product.sale_tax_id
    if line.tax is None and line.tax_id is not None:
        line.tax = env.session.get(env["res.tax"], line.tax_id)
    if not line.name:
        line.name = product.specification or ""
    if line.quantity is None:
        line.quantity = Decimal(1)
    if line.discount is None:
        line.discount = Decimal(0)


def _price_lines(env: Any, lines: list[Any]) -> None:
    """Price new lines that came without a price, one rule query per order."""
    from addons.sales_order.services.orders import convert_quantity
    from addons.sales_order.services.pricing import PRICE_QUANTUM, suggest_prices

    by_order: dict[int, list[Any]] = {}
    for line in lines:
        by_order.setdefault(id(line.order), []).append(line)
    Uom = env["uom.uom"]
    for group in by_order.values():
        order = group[0].order
        partner = (
            env.session.get(env["res.partner"], order.partner_id) if order.partner_id else None
        )
        items = []
        for line in group:
            product = line.product or env.session.get(env["product.product"], line.product_id)
            line_uom = env.session.get(Uom, line.uom_id)
            product_uom = env.session.get(Uom, product.uom_id)
            per_unit = convert_quantity(Decimal(1), line_uom, product_uom)
            items.append(
                (line, product, per_unit, convert_quantity(line.quantity, line_uom, product_uom))
            )
            if line.cost_price is None:
                line.cost_price = ((product.standard_price or Decimal(0)) * per_unit).quantize(
                    PRICE_QUANTUM
                )
        for line, *_rest in items:
            if line.price_unit is not None and not line.price_source:
                line.price_source = "manual"
        unpriced = [item for item in items if item[0].price_unit is None]
        if not unpriced:
            continue
        suggestions = suggest_prices(
            env, partner, [(product, qty) for _l, product, _u, qty in unpriced], order.date_order
        )
        for (line, _product, per_unit, _qty), suggestion in zip(unpriced, suggestions, strict=True):
            line.price_unit = (suggestion.price_unit * per_unit).quantize(PRICE_QUANTUM)
            if not line.discount:
                line.discount = suggestion.discount
            line.price_source = suggestion.source
            line.pricing_note = suggestion.note[:255]
            line.pricing_rule_id = suggestion.rule_id
