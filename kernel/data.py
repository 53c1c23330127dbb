"""Loading an addon's data files: groups, access rights, sequences, records.

Data files are TOML, one list per kind::

    [[group]]                        # res.group, external id <addon>.<id>
    id = "group_manager"
    name = "Manager"
    category = "Sales"
    implies = ["sales_order.group_user"]

    [[access]]                       # ir.access; perms is any of "rcwd"
    model = "sale.order"
    group = "sales_order.group_user"
    perms = "rcw"

    [[sequence]]
    id = "seq_sale_order"
    code = "sale.order"
    prefix = "SO%(year)s-"
    padding = 5

    [[record]]                       # any model; refs resolve external ids to ids
    model = "res.currency"
    id = "cny"
    values = { code = "CNY", name = "Chinese Yuan" }
    refs = { company_id = "base.main_company" }

Every record is recorded in ``ir.model.data`` under its external id, so loading
again (upgrade) updates instead of duplicating, and uninstall removes exactly it.
Python data (``module:function`` entries) receive the env for larger demo sets.
"""

from __future__ import annotations

import importlib
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kernel.errors import AddonError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.addons.manifest import Manifest
    from kernel.env import Env


def load_files(env: Env, manifest: Manifest, files: tuple[str, ...], *, demo: bool = False) -> int:
    """Load ``files`` of ``manifest``; returns the number of records written."""
    count = 0
    for entry in files:
        if ":" in entry and not entry.endswith(".toml"):
            module_name, _sep, func = entry.partition(":")
            module = importlib.import_module(f"{manifest.module}.{module_name}")
            getattr(module, func)(env)
            continue
        path = manifest.path / entry
        count += load_toml(env, manifest.name, path, demo=demo)
    return count


def load_toml(env: Env, addon: str, path: Path, *, demo: bool = False) -> int:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AddonError(
            _("cannot read data file %(path)s: %(reason)s", path=str(path), reason=str(exc))
        ) from exc
    count = 0
    for item in doc.get("group", []):
        values = {
            "name": item["name"],
            "category": item.get("category", ""),
            "xmlid": f"{addon}.{item['id']}",
        }
        group = upsert(env, addon, item["id"], "res.group", values, demo=demo)
        _set_implied(env, group, [resolve_id(env, addon, x) for x in item.get("implies", [])])
        for login in item.get("users", []):
            _add_member(env, login, group.id)
        count += 1
    for item in doc.get("access", []):
        group = item.get("group")
        perms = item.get("perms", "r")
        values = {
            "model": item["model"],
            "group_id": resolve_id(env, addon, group) if group else None,
            "perm_read": "r" in perms,
            "perm_create": "c" in perms,
            "perm_write": "w" in perms,
            "perm_delete": "d" in perms,
        }
        name = (
            item.get("id")
            or f"access_{item['model'].replace('.', '_')}_{(group or 'all').replace('.', '_')}"
        )
        upsert(env, addon, name, "ir.access", values, demo=demo)
        count += 1
    for item in doc.get("sequence", []):
        values = {
            k: item[k]
            for k in ("code", "name", "prefix", "suffix", "padding", "reset")
            if k in item
        }
        values.setdefault("name", item["code"])
        upsert(env, addon, item["id"], "ir.sequence", values, demo=demo, update=False)
        count += 1
    for item in doc.get("record", []):
        values = {k: _convert(v) for k, v in item.get("values", {}).items()}
        for field, ref in item.get("refs", {}).items():
            values[field] = resolve_id(env, addon, ref)
        upsert(
            env,
            addon,
            item["id"],
            item["model"],
            values,
            demo=demo,
            update=not item.get("noupdate", False),
        )
        count += 1
    env.session.flush()
    return count


def _convert(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def resolve_id(env: Env, addon: str, ref: str) -> int:
    owner, _sep, name = ref.rpartition(".") if "." in ref else (addon, "", ref)
    Data = env.registry["ir.model.data"]
    res_id = env.session.scalar(
        select(Data.res_id).where(Data.addon == (owner or addon), Data.name == name)
    )
    if res_id is None:
        raise AddonError(
            _("data of %(addon)s refers to unknown external id %(ref)s", addon=addon, ref=ref)
        )
    return int(res_id)


def upsert(
    env: Env,
    addon: str,
    name: str,
    model: str,
    values: dict[str, Any],
    *,
    demo: bool = False,
    update: bool = True,
) -> Any:
    Data = env.registry["ir.model.data"]
    cls = env.registry[model]
    row = env.session.scalar(select(Data).where(Data.addon == addon, Data.name == name))
    if row is not None:
        record = env.session.get(cls, row.res_id)
        if record is not None:
            if update:
                for key, value in values.items():
                    setattr(record, key, value)
            return record
        env.session.delete(row)
        env.session.flush()
    record = cls(**values)
    env.session.add(record)
    env.session.flush()
    env.session.add(Data(addon=addon, name=name, model=model, res_id=record.id, demo=demo))
    return record


def _set_implied(env: Env, group: Any, implied_ids: list[int]) -> None:
    Implied = env.registry["res.group.implied"]
    existing = set(
        env.session.scalars(select(Implied.implied_id).where(Implied.group_id == group.id))
    )
    for gid in implied_ids:
        if gid not in existing:
            env.session.add(Implied(group_id=group.id, implied_id=gid))


def _add_member(env: Env, login: str, group_id: int) -> None:
    User = env.registry["res.user"]
    UserGroup = env.registry["res.user.group"]
    uid = env.session.scalar(select(User.id).where(User.login == login))
    if uid is None:
        return
    if (
        env.session.scalar(
            select(UserGroup.id).where(UserGroup.user_id == uid, UserGroup.group_id == group_id)
        )
        is None
    ):
        env.session.add(UserGroup(user_id=uid, group_id=group_id))


def remove_addon_data(env: Env, addon: str, keep_tables: set[str]) -> None:
    """Delete the records ``addon`` created that live in tables that stay."""
    Data = env.registry["ir.model.data"]
    rows = env.session.scalars(
        select(Data).where(Data.addon == addon).order_by(Data.id.desc())
    ).all()
    for row in rows:
        if row.model in env.registry:
            cls = env.registry[row.model]
            if cls.__table__.name in keep_tables:
                _delete_cascading(env, cls.__table__, [row.res_id])
        env.session.delete(row)
    env.session.flush()


def _delete_cascading(env: Env, table: Any, ids: list[int]) -> None:
    """Delete rows and, like ``ON DELETE CASCADE`` would, their dependants.

    Needed because schema work on SQLite runs with foreign keys switched off
    (rebuilding a table must not cascade), so the database will not do it for us.
    """
    from sqlalchemy import delete

    if not ids:
        return
    for child in env.registry.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and (fk.ondelete or "").upper() == "CASCADE":
                child_ids = list(env.session.scalars(select(child.c.id).where(fk.parent.in_(ids))))
                _delete_cascading(env, child, child_ids)
    env.session.execute(delete(table).where(table.c.id.in_(ids)))
