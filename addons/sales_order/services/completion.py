"""What an order and its lines get that the caller did not give: one code path for every writer.

The order screen, the JSON API, imports and :func:`services.orders.create_order` only
differ in what they send. A client of the generic API sends ``partner_id`` and
``lines: [{product_id, quantity}]``; the service may pass more. Whatever was left out
is filled here, from the same rules: the number, company, currency and customer defaults
of an order (:func:`complete_order`, the order's ``__defaults__``), each new line's unit,
tax, sequence, cost and price from the pricing engine (:func:`complete_lines`, one rule
query per order), and the order totals whenever its lines' amounts changed
(:func:`lines_flushed`, the line's ``__on_flush__``). See :mod:`kernel.models.events` for
when each runs. A value the caller gave is kept (a price given wins over the engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE

from addons.base.services.uom import convert
from addons.sales_order.services.numbering import next_order_number
from addons.sales_order.services.pricing import PRICE_QUANTUM, suggest_prices
from addons.sales_order.services.totals import compute_order
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.events import Changes

# the line fields (and relationships) its amounts, and so the order totals, come from
AMOUNT_FIELDS = (
    *("quantity", "price_unit", "discount", "tax_id", "product_id", "uom_id", "order_id"),
    *("tax", "product", "uom", "order"),
)


def complete_order(env: Env, order: Any) -> None:
    """Fill an order's company, date, customer defaults, salesperson, currency and number."""
    from addons.sales_order.services.orders import default_company_id, partner_defaults

    if order.company_id is None:
        order.company_id = default_company_id(env)
    if order.state is None:
        order.state = "draft"
    if order.date_order is None:
        order.date_order = dt.date.today()
    partner_id = _ref(order, "partner_id", "partner")
    if partner_id is not None:
        partner = order.__dict__.get("partner") or env.session.get(env["res.partner"], partner_id)
        if partner is None:
            raise ValidationError(
                _("Customer: #%(id)s does not exist", id=str(partner_id)), field="partner_id"
            )
        order.partner = partner  # held by the order: its lines' pricing reads it again
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


def _ref(line: Any, key: str, relation: str) -> int | None:
    """``line.<key>``, or the id of the record set on ``line.<relation>`` (not yet flushed)."""
    value = getattr(line, key, None)
    if value is None:
        related = line.__dict__.get(relation)
        value = getattr(related, "id", None)
    return int(value) if value is not None else None


def complete_lines(env: Env, order: Any, lines: Sequence[Any], others: Sequence[Any]) -> None:
    """Fill what ``lines`` (new lines of ``order``) lack; ``others`` are its lines already there.

    Products, units and taxes are read in bulk and all unpriced lines of the order are
    priced with one call of the pricing engine, so adding lines costs the same
    statements whether there is one or a hundred.
    """
    if not lines:
        return
    product_ids = {_ref(line, "product_id", "product") for line in lines}
    if None in product_ids:
        raise ValidationError(_("Product: every line needs a product"), field="product_id")
    products = env.browse("product.product", product_ids)  # type: ignore[arg-type]  # None refused above
    missing = product_ids - set(products)
    if missing:
        raise ValidationError(
            _("Product: #%(ids)s does not exist", ids=", #".join(map(str, sorted(missing)))),  # type: ignore[arg-type,type-var]
            field="product_id",
        )
    uom_ids = {p.uom_id for p in products.values()}
    uom_ids |= {u for u in (_ref(line, "uom_id", "uom") for line in lines) if u is not None}
    uoms = env.browse("uom.uom", uom_ids)
    tax_ids = {p.sale_tax_id for p in products.values() if p.sale_tax_id}
    tax_ids |= {t for t in (_ref(line, "tax_id", "tax") for line in lines) if t is not None}
    if tax_ids:
        env.browse("res.tax", tax_ids)  # into the identity map for the amounts
    next_sequence = max((other.sequence or 0 for other in others), default=0) + 10
    unpriced: list[tuple[Any, Any, Decimal, Decimal]] = []
    for line in lines:
        product = products[_ref(line, "product_id", "product")]  # type: ignore[index]
        if _ref(line, "uom_id", "uom") is None:
            line.uom_id = product.uom_id
        if _ref(line, "tax_id", "tax") is None and "tax" not in line.__dict__:
            line.tax_id = product.sale_tax_id
        if not line.name:
            line.name = product.specification or ""
        if line.quantity is None:
            line.quantity = Decimal(1)
        if line.sequence is None:
            line.sequence = next_sequence
            next_sequence += 10
        line_uom = uoms.get(_ref(line, "uom_id", "uom"))  # type: ignore[arg-type]
        product_uom = uoms.get(product.uom_id)
        per_unit = convert(env, Decimal(1), line_uom, product_uom, rounded=False)  # a ratio
        if line.cost_price is None:
            line.cost_price = ((product.standard_price or Decimal(0)) * per_unit).quantize(
                PRICE_QUANTUM
            )
        if line.price_unit is not None:
            if not line.price_source:
                line.price_source = "manual"
            if line.discount is None:
                line.discount = Decimal(0)
        else:
            quantity = convert(env, Decimal(line.quantity), line_uom, product_uom)
            unpriced.append((line, product, per_unit, quantity))
    if not unpriced:
        return
    partner_id = _ref(order, "partner_id", "partner")
    partner = order.__dict__.get("partner") or (
        env.session.get(env["res.partner"], partner_id) if partner_id else None
    )
    suggestions = suggest_prices(
        env, partner, [(product, qty) for _l, product, _u, qty in unpriced], order.date_order
    )
    for (line, _product, per_unit, _qty), suggestion in zip(unpriced, suggestions, strict=True):
        line.price_unit = (suggestion.price_unit * per_unit).quantize(PRICE_QUANTUM)
        if line.discount is None:
            line.discount = suggestion.discount
        line.price_source = suggestion.source
        line.pricing_note = suggestion.note[:255]
        line.pricing_rule_id = suggestion.rule_id


def lines_flushed(env: Env, changes: Changes) -> None:
    """Complete new lines, then recompute each order whose lines' amounts changed, once."""
    session = env.session
    new_by_order: dict[int, tuple[Any, list[Any]]] = {}
    for line in changes.created:
        order = line.order
        if order is not None:
            new_by_order.setdefault(id(order), (order, []))[1].append(line)
    touched: dict[int, Any] = {key: order for key, (order, _lines) in new_by_order.items()}
    for order, new_lines in new_by_order.values():
        fresh = {id(line) for line in new_lines}
        others = [line for line in order.lines if id(line) not in fresh]
        complete_lines(env, order, new_lines, others)
        Tax = env["res.tax"]
        for line in new_lines:
            if line.tax is None and line.tax_id is not None:
                line.tax = session.get(Tax, line.tax_id)  # identity map: no query
    for line in changes.deleted:
        # a line dropped from its order's lines has lost ``order`` but keeps ``order_id``
        order = line.order
        if order is None and line.order_id is not None:
            order = session.get(env["sale.order"], line.order_id)
        if order is not None:
            touched[id(order)] = order
    for line in changes.changed:
        if _amounts_changed(line):
            order = line.order
            if order is not None:
                touched[id(order)] = order
    for order in touched.values():
        if order in session.deleted:
            continue
        if order.currency is None and order.currency_id is not None:
            order.currency = session.get(env["res.currency"], order.currency_id)
        compute_order(env, order)


def _amounts_changed(line: Any) -> bool:
    """Whether a change to ``line`` can change its amounts (not, say, a delivered quantity).

    Stock writes reserved and delivered quantities on lines at every reservation
    and delivery; recomputing the order for those would load all its lines and
    taxes for nothing.
    """
    state = inspect(line)
    changed = state.committed_state  # only attributes set since load can have changed
    # the history straight from the state (``state.attrs`` first builds a view of
    # every attribute: most of the flush of a 500-line reservation)
    return any(
        key in changed and state.get_history(key, PASSIVE_NO_INITIALIZE).has_changes()
        for key in AMOUNT_FIELDS
    )
