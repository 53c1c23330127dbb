"""Partners: contacts and delivery addresses under a company, lookups by reference."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _


def _company(env: Env, company: Any) -> Any:
    partner = env.get("res.partner", company) if isinstance(company, int) else company
    if not partner.is_company:
        raise ValidationError(
            _("Company: %(name)s is a person, contacts belong to a company", name=partner.name),
            field="parent_id",
        )
    return partner


def create(env: Env, **values: Any) -> Any:
    """A new partner (validated at flush like every write)."""
    partner = env["res.partner"](**values)
    env.session.add(partner)
    env.session.flush()
    return partner


def add_contact(env: Env, company: Any, **values: Any) -> Any:
    """A person working at ``company`` (record or id)."""
    parent = _company(env, company)
    values.setdefault("is_company", False)
    values.setdefault("type", "contact")
    return create(env, parent_id=parent.id, **values)


def add_delivery_address(env: Env, company: Any, **values: Any) -> Any:
    """One more place ``company`` receives goods; a company may have several."""
    parent = _company(env, company)
    values.setdefault("is_company", False)
    values.setdefault("name", parent.name)
    values.setdefault("country_id", parent.country_id)
    return create(env, parent_id=parent.id, type="delivery", **values)


def delivery_addresses(env: Env, partner: Any) -> list[Any]:
    """Where goods for ``partner`` can go: its delivery addresses, or itself when it has none."""
    commercial = partner.commercial_partner
    Partner = env["res.partner"]
    found = list(
        env.session.scalars(
            select(Partner)
            .where(
                Partner.parent_id == commercial.id,
                Partner.type == "delivery",
                Partner.active.is_(True),
            )
            .order_by(Partner.id)
        )
    )
    return found or [commercial]


def by_ref(env: Env, ref: str) -> Any | None:
    Partner = env["res.partner"]
    return env.session.scalar(select(Partner).where(Partner.ref == ref))


def search(
    env: Env,
    text: str = "",
    *,
    customers: bool | None = None,
    suppliers: bool | None = None,
    limit: int = 20,
) -> list[Any]:
    """Active companies and people matching ``text`` in name, reference, phone or e-mail."""
    Partner = env["res.partner"]
    query = select(Partner).where(Partner.active.is_(True), Partner.type == "contact")
    if customers is not None:
        query = query.where(Partner.is_customer.is_(customers))
    if suppliers is not None:
        query = query.where(Partner.is_supplier.is_(suppliers))
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(
                Partner.name.ilike(like),
                Partner.ref.ilike(like),
                Partner.phone.ilike(like),
                Partner.email.ilike(like),
            )
        )
    query = query.options(selectinload(Partner.parent)).order_by(Partner.name).limit(limit)
    return list(env.session.scalars(query))
