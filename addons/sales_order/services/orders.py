"""The sales order API used by screens, the JSON API, demo data and benchmarks.

Each function runs inside the caller's unit of work and leaves the order in a
consistent state (totals recomputed); workflow moves go through
:func:`kernel.workflow.fire`, so every addon's hooks act on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from addons.sales_order.services.completion import complete_lines
from addons.sales_order.services.loading import load_order, with_lines
from addons.sales_order.services.totals import compute_order, line_amounts
from kernel.bulk import insert_records
from kernel.caches import Slot
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.models.events import apply_scalar_defaults
from kernel.statements import built
from kernel.workflow import fire

if TYPE_CHECKING:
    from kernel.env import Env

LINE_FIELDS = (
    "product_id",
    "quantity",
    "uom_id",
    "price_unit",
    "discount",
    "tax_id",
    "name",
    "below_cost_reason",
    "sequence",
)


#: the main company's id, when neither the unit nor the user names one
MAIN_COMPANY: Slot[int | None] = Slot("sales_order.main_company", lambda: None)


def default_company_id(env: Env) -> int:
    """The env's company, else the user's, else the main company (looked up once per unit)."""
    if env.company_id:
        return int(env.company_id)
    user_company = getattr(env.user, "company_id", None) if env.user is not None else None
    if user_company:
        return int(user_company)
    cached = env.cache.peek(MAIN_COMPANY)
    if cached is None:
        cached = int(env.ref("base.main_company").id)
        env.cache.set(MAIN_COMPANY, cached)
    return cached


def format_address(partner: Any) -> str:
    parts = [
        partner.name if getattr(partner, "type", "") == "delivery" else "",
        partner.street or "",
        getattr(partner, "street2", "") or "",
        " ".join(x for x in (partner.zip or "", partner.city or "") if x),
    ]
    country = getattr(partner, "country", None)
    if country is not None:  # in the language the customer reads (a courier label)
        chinese = getattr(partner, "lang", "") == "zh_CN" and getattr(country, "name_zh", "")
        parts.append(country.name_zh if chinese else country.name)
    return "\n".join(p for p in parts if p)


def partner_defaults(env: Env, partner: Any) -> dict[str, Any]:
    """What the order takes from its customer: contact, phone, delivery address, terms."""
    Partner = env["res.partner"]
    stmt = built(
        env.registry,
        "sales_order.partner_children",
        lambda: (
            select(Partner)
            .where(Partner.parent_id == bindparam("parent_id"), Partner.active.is_(True))
            .order_by(Partner.id)
        ),
    )
    children = list(env.session.scalars(stmt, {"parent_id": partner.id}))
    delivery = next((c for c in children if c.type == "delivery"), None) or partner
    contact = next((c for c in children if c.type == "contact"), None)
    person = contact or (partner if not partner.is_company else None)
    values: dict[str, Any] = {
        "contact_name": person.name if person is not None else "",
        "phone": (person.phone or person.mobile or "") if person is not None else "",
        "shipping_partner_id": delivery.id,
        "shipping_address": format_address(delivery),
        "payment_term_id": partner.payment_term_id,
    }
    if not values["phone"]:
        values["phone"] = partner.phone or partner.mobile or ""
    if getattr(partner, "salesperson_id", None):
        values["salesperson_id"] = partner.salesperson_id
    return values


def create_order(
    env: Env,
    partner_id: int | None,
    lines: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Any:
    """A new draft order numbered right away, its customer's defaults filled in, lines priced.

    ``lines`` items: ``product_id``, ``quantity`` and optionally ``uom_id``,
    ``price_unit``, ``discount``, ``tax_id``, ``name``, ``below_cost_reason``.
    A price given by the caller wins over the pricing engine. What is left out is
    filled by :mod:`services.completion`, as for an order entered on the form or the API.
    """
    values: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if partner_id is not None:
        values["partner"] = env.get("res.partner", partner_id)  # a 404 naming the model
    order = env["sale.order"](**values)
    env.session.add(order)
    env.session.flush()  # completion.complete_order fills the rest (the order's __defaults__)
    if "lines" not in values:
        # a new order has no lines in the database: nothing to read before adding them
        set_committed_value(order, "lines", [])
    add_lines(env, order, lines)
    env.session.flush()
    return order


# what a line row inserted in bulk carries (the same keys for every row of an executemany)
ROW_FIELDS = (
    *("order_id", "sequence", "product_id", "name", "quantity", "uom_id", "price_unit"),
    *("discount", "tax_id", "price_subtotal", "price_tax", "price_total", "cost_price"),
    *("price_source", "pricing_note", "pricing_rule_id", "below_cost_reason"),
)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def add_lines(env: Env, order: Any, lines: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Append lines completed and priced like any other (products, units and rules read in bulk)."""
    items = [dict(item) for item in lines]
    if not items:
        compute_order(env, order)
        return []
    for item in items:
        unknown = set(item) - set(LINE_FIELDS)
        if unknown:
            raise ValidationError(
                _("unknown line fields: %(fields)s", fields=", ".join(sorted(unknown)))
            )
    Line = env["sale.order.line"]
    env.session.flush()  # the order needs its id; pending line edits go first
    drafts = []
    for item in items:
        # not added to the session: completed here, then inserted with one executemany
        draft = Line(order_id=order.id)
        for key in ("product_id", "uom_id", "tax_id", "sequence"):
            if item.get(key):
                setattr(draft, key, int(item[key]))
        draft.quantity = _decimal(item.get("quantity", 1))
        draft.price_unit = _decimal(item.get("price_unit"))
        draft.discount = _decimal(item.get("discount"))
        draft.name = item.get("name") or ""
        draft.below_cost_reason = item.get("below_cost_reason") or ""
        drafts.append(draft)
    complete_lines(env, order, drafts, order.lines)
    for draft in drafts:
        apply_scalar_defaults(draft)  # as the flush would for a line added on the form
    Tax = env["res.tax"]
    currency = order.currency
    rows = []
    for draft in drafts:
        tax = env.session.get(Tax, draft.tax_id) if draft.tax_id else None  # identity map
        draft.price_subtotal, draft.price_tax, draft.price_total = line_amounts(
            draft.quantity, draft.price_unit, draft.discount, tax, currency
        )
        rows.append({key: getattr(draft, key) for key in ROW_FIELDS})
    # One executemany instead of one INSERT … RETURNING per line (SQLite cannot batch those).
    # A Core-level insert skips the flush-time access check, so check it here.
    env.check("sale.order.line", "create")
    existing = list(order.lines)
    known = {line.id for line in existing}
    added = insert_records(
        env,
        Line,
        rows,
        lambda: (
            select(Line).where(Line.order_id == order.id, Line.id.not_in(known)).order_by(Line.id)
        ),
    )
    # the order's lines are those it had and the new ones: no need to read them again
    every_line = sorted([*existing, *added], key=lambda ln: (ln.sequence or 0, ln.id))
    set_committed_value(order, "lines", every_line)
    compute_order(env, order)
    return added


def update_order(env: Env, order: Any, **fields: Any) -> Any:
    """Change header fields of a draft; a new customer brings its defaults unless given."""
    if "partner_id" in fields and fields["partner_id"] != order.partner_id:
        partner = env.get("res.partner", fields["partner_id"])
        defaults = partner_defaults(env, partner)
        for key, value in defaults.items():
            fields.setdefault(key, value)
    for key, value in fields.items():
        setattr(order, key, value)
    compute_order(env, order)
    env.session.flush()
    return order


def recompute(env: Env, order_id: int) -> Any:
    order = load_order(env, order_id)
    compute_order(env, order)
    return order


def _load(env: Env, order: Any | int) -> Any:
    """The order with lines, products and taxes loaded — reused when already so."""
    env.session.flush()
    if not isinstance(order, int):
        return with_lines(env, order)
    return load_order(env, order)


def submit(env: Env, order: Any | int) -> Any:
    """Check completeness, gather the checks, submit; may come back approved by a rule."""
    order = _load(env, order)
    fire(env, order, "submit")
    env.session.flush()
    return order


def approve(env: Env, order: Any | int) -> Any:
    order = _load(env, order)
    fire(env, order, "approve")
    env.session.flush()
    return order


def reject(env: Env, order: Any | int, reason: str) -> Any:
    order = _load(env, order)
    fire(env, order, "reject", reason=reason)
    env.session.flush()
    return order


def cancel(env: Env, order: Any | int, reason: str) -> Any:
    order = _load(env, order)
    fire(env, order, "cancel", reason=reason)
    env.session.flush()
    return order
