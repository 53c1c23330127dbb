"""Perpetual inventory valuation: an entry for the goods that came in or went out.

Only when the company chose ``perpetual`` valuation. Receipts (from a vendor
location into the company's stock) book Dr inventory / Cr goods received not
invoiced (暂估); deliveries (out of stock to a customer) book Dr cost of goods
sold / Cr inventory. The value is the move's quantity in the product unit times
its ``price_unit``, which stock sets at the moment the move is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.accounting.services.chart import company_account, journal_of
from addons.accounting.services.moves import create_move, debit_credit, post
from addons.base.services.company import main_company
from addons.base.services.currency import round as round_money
from kernel.env import Env
from kernel.i18n import _

INTERNAL = "internal"


def value_moves(env: Env, moves: Sequence[Any]) -> Any:
    """Post one valuation entry for ``moves``; returns it, or ``None`` when nothing is valued."""
    if not moves:
        return None
    company = (
        env.get("res.company", moves[0].company_id) if moves[0].company_id else main_company(env)
    )
    if company.stock_valuation != "perpetual":
        return None
    Location = env["stock.location"]
    ids = {m.location_id for m in moves} | {m.location_dest_id for m in moves}
    usage: dict[int, str] = dict(
        env.session.execute(select(Location.id, Location.usage).where(Location.id.in_(ids))).all()
    )
    totals: dict[int, Decimal] = {}
    for move in moves:
        value = round_money(
            Decimal(move.product_qty) * Decimal(move.price_unit or 0), company.currency
        )
        if not value:
            continue
        src, dest = usage.get(move.location_id), usage.get(move.location_dest_id)
        if src != INTERNAL and dest == INTERNAL:
            debit, credit = "stock", ("stock_interim" if src == "supplier" else "expense")
        elif src == INTERNAL and dest != INTERNAL:
            debit, credit = ("cogs" if dest == "customer" else "expense"), "stock"
        else:
            continue  # internal transfers do not change the value of the stock
        for kind, amount in ((debit, value), (credit, -value)):
            account = company_account(env, company, kind)
            totals[account] = totals.get(account, Decimal(0)) + amount
    lines = []
    for account_id, amount in totals.items():
        if amount:
            d, c = debit_credit(amount)
            lines.append(
                {
                    "account_id": account_id,
                    "debit": d,
                    "credit": c,
                    "name": str(_("Inventory valuation")),
                }
            )
    if not lines:
        return None
    refs = sorted({m.reference for m in moves if m.reference})
    entry = create_move(
        env,
        journal_of(env, company.id, "general"),
        lines,
        ref=", ".join(refs)[:128],
        origin_model="stock.move",
        origin_id=moves[0].id,
    )
    return post(env, entry)


def value_conversion(env: Env, production: Any) -> Any:
    """Book the labour and overhead a finished production order added to its goods:
    Dr the production counterpart (expense) / Cr applied labour and overhead.

    Only with perpetual valuation and a conversion cost; returns the posted entry or ``None``.
    """
    amount = Decimal(getattr(production, "conversion_cost", 0) or 0)
    if not amount:
        return None
    company = (
        env.get("res.company", production.company_id)
        if production.company_id
        else main_company(env)
    )
    if company.stock_valuation != "perpetual":
        return None
    value = round_money(amount, company.currency)
    if not value:
        return None
    _conversion_account(env, company)
    label = str(_("Labour and overhead applied"))
    lines = []
    for kind, signed in (("expense", value), ("conversion", -value)):
        d, c = debit_credit(signed)
        lines.append(
            {
                "account_id": company_account(env, company, kind),
                "debit": d,
                "credit": c,
                "name": label,
            }
        )
    entry = create_move(
        env,
        journal_of(env, company.id, "general"),
        lines,
        ref=str(production.name)[:128],
        origin_model="mrp.production",
        origin_id=production.id,
    )
    return post(env, entry)


def _conversion_account(env: Env, company: Any) -> None:
    """A chart installed before the account existed: add that one account from the template.

    Only the missing account is created; the rest of the chart is left exactly as the
    company keeps it (reloading the template would undo renamed or re-typed accounts).
    """
    if company.account_conversion_id or not company.chart_template:
        return
    import tomllib

    from addons.accounting.services.chart import ADDON, CHARTS
    from kernel.data import resolve_id
    from kernel.security import system_write

    path = CHARTS / f"{company.chart_template}.toml"
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    ref = doc.get("defaults", {}).get("conversion")
    if not ref:
        return
    Data = env["ir.model.data"]
    known = env.session.scalar(select(Data.res_id).where(Data.addon == ADDON, Data.name == ref))
    item = next((r for r in doc.get("record", []) if r.get("id") == ref), None)
    if known is None and item is not None:
        values = dict(item.get("values", {}))
        values.update({f: resolve_id(env, ADDON, r) for f, r in item.get("refs", {}).items()})
        account = env[item["model"]](**values)
        env.session.add(account)
        env.session.flush()
        owned = Data(addon=ADDON, name=ref, model=item["model"], res_id=account.id)
        system_write(env.session, owned)  # external ids are the system's (kernel.policy)
        env.session.add(owned)
        known = account.id
    company.account_conversion_id = known
