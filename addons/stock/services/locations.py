"""Finding the locations a stock operation needs: a warehouse's stock, the virtual partners.

Lookups are cached on the unit of work (``env.cache``, slot :data:`LOCATIONS`), since
every receipt, delivery and count asks the same few questions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kernel.caches import Slot
from kernel.errors import NotFound, ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

VIRTUAL = {
    "supplier": "stock.location_suppliers",
    "customer": "stock.location_customers",
    "inventory": "stock.location_inventory",
    "production": "stock.location_production",
    "transit": "stock.location_transit",
}
WAREHOUSE_ROLES = ("view", "stock", "input", "output", "scrap")


#: location look-ups of this unit of work (warehouse roles, virtual locations)
LOCATIONS: Slot[dict[Any, Any]] = Slot("stock.locations", dict)


def _cache(env: Env) -> dict[Any, Any]:
    return env.cache.get(LOCATIONS)


def virtual_location(env: Env, usage: str) -> Any:
    """The virtual location of ``usage`` (supplier, customer, inventory, production, transit)."""
    cache = _cache(env)
    key = ("virtual", usage)
    if key not in cache:
        cache[key] = env.ref(VIRTUAL[usage])
    return cache[key]


def default_warehouse(env: Env, company_id: int | None = None) -> Any:
    """The first active warehouse of the company (the main warehouse in a fresh instance)."""
    cache = _cache(env)
    key = ("warehouse", company_id)
    if key in cache:
        return cache[key]
    Warehouse = env["stock.warehouse"]
    query = select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.id).limit(1)
    if company_id:
        query = query.where(Warehouse.company_id == company_id)
    found = env.session.scalar(query)
    if found is None and company_id:
        found = env.session.scalar(
            select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.id).limit(1)
        )
    if found is None:
        raise NotFound(_("no warehouse is configured; create one under Inventory / Warehouses"))
    cache[key] = found
    return found


def warehouse_location(env: Env, warehouse_id: int, role: str = "stock") -> Any:
    """A warehouse's location playing ``role`` (view, stock, input, output, scrap)."""
    cache = _cache(env)
    key = ("role", warehouse_id, role)
    if key in cache:
        return cache[key]
    Location = env["stock.location"]
    found = env.session.scalar(
        select(Location)
        .where(Location.warehouse_id == warehouse_id, Location.role == role)
        .order_by(Location.id)
        .limit(1)
    )
    if found is None:
        raise NotFound(_("warehouse #%(id)s has no %(role)s location", id=warehouse_id, role=role))
    cache[key] = found
    return found


def create_warehouse(env: Env, name: str, code: str, company_id: int) -> Any:
    """A warehouse with its location tree: ``CODE`` (view) holding Stock, Input, Output, Scrap."""
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError(_("Short name: a value is required"), field="code")
    Warehouse = env["stock.warehouse"]
    Location = env["stock.location"]
    if env.session.scalar(select(Warehouse.id).where(Warehouse.code == code)) is not None:
        raise ValidationError(
            _("Short name: %(code)s is already used by another warehouse", code=code), field="code"
        )
    warehouse = Warehouse(name=name, code=code, company_id=company_id)
    env.session.add(warehouse)
    env.session.flush()
    view = Location(
        name=code,
        full_name=code,
        usage="view",
        role="view",
        warehouse_id=warehouse.id,
        company_id=company_id,
    )
    env.session.add(view)
    env.session.flush()
    children = [
        ("stock", "Stock", "internal"),
        ("input", "Input", "internal"),
        ("output", "Output", "internal"),
        ("scrap", "Scrap", "inventory"),
    ]
    env.session.add_all(
        Location(
            name=label,
            full_name=f"{code}/{label}",
            parent_id=view.id,
            usage=usage,
            role=role,
            warehouse_id=warehouse.id,
            company_id=company_id,
        )
        for role, label, usage in children
    )
    env.session.flush()
    return warehouse


def allows_negative(env: Env, location: Any) -> bool:
    """Negative stock is allowed on this location, or for the whole instance (setting)."""
    if location.allow_negative:
        return True
    cache = _cache(env)
    if "allow_negative" not in cache:
        cache["allow_negative"] = bool(env.setting("stock_allow_negative", False))
    return bool(cache["allow_negative"])
