"""The one enforcement point for model access.

Checks hang on the SQLAlchemy session, so they apply whatever the caller is —
web form, JSON API, CLI, hook, script:

* every ORM ``SELECT`` checks *read* on each model it loads (``do_orm_execute``);
* every flush checks *create*, *write* and *delete* on each object it writes
  (``before_flush``), and refuses changes to records a model declares immutable
  (posted journal entries, done stock moves).

Superusers and code inside ``env.sudo(reason)`` pass those rights checks. Each
model's policy (:mod:`kernel.policy`, declared as data next to the rights) adds
what rights cannot say, and binds superusers and ``sudo`` too:

* operations a *system* policy reserves (writing sequence counters, workflow
  history and milestones, the outbox, API keys) happen only on objects a kernel
  service marked with :func:`system_write`, or in system units (no user);
  A system row deleted by the delete cascade of a record deleted in the same
  flush (an order's check results) goes with it: the check is on that record;
* columns a policy fixes (an API key's user, an attachment's record) never change;
* rows of *attached* models (attachments, history, milestones) follow the record
  their ``model``/``res_id`` name: reads return only rows of models the user may
  read (a SQL criterion, no per-row check) and writes need write on that model.

Sessions without an env (kernel maintenance such as install/uninstall) are not
user sessions and pass.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.base import NO_VALUE, PASSIVE_NO_INITIALIZE

from kernel import rowcache
from kernel.caches import memoized, shared_memo, unit_cache
from kernel.errors import AccessDenied, ConflictError, ValidationError
from kernel.i18n import _
from kernel.models.events import changed_records
from kernel.policy import Rule, policies
from kernel.reads import Reads, reads_of
from kernel.rowcache import cached_tables, is_cached_model
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.registry import Registry


OPERATIONS = ("read", "create", "write", "delete")

#: The ``ir.setting`` key whose value changes whenever users' groups, implied
#: groups, access rights, settings or external ids change. Units of work read
#: it together with their user (one statement) and reuse what an earlier unit
#: of any user computed from those tables under the same stamp (groups, access
#: map, settings, external ids) instead of querying them again.
STAMP_KEY = "kernel.security_stamp"
SECURITY_MODELS = frozenset(
    {
        "res.user",
        "res.user.group",
        "res.user.company",
        "res.user.notification",
        "res.group",
        "res.group.implied",
        "ir.access",
        "ir.setting",
        "ir.model.data",
    }
)
SECURITY_TABLES = frozenset(
    {
        "res_user",
        "res_user_group",
        "res_user_company",
        "res_user_notification",
        "res_group",
        "res_group_implied",
        "ir_access",
    }
)
_OP_LABELS = {"read": _("read"), "create": _("create"), "write": _("change"), "delete": _("delete")}


def user_group_xmlids(session: Session, registry: Registry, uid: int) -> frozenset[str]:
    UserGroup = registry["res.user.group"]
    Group = registry["res.group"]
    Implied = registry["res.group.implied"]
    direct = set(session.scalars(select(UserGroup.group_id).where(UserGroup.user_id == uid)))
    edges: dict[int, set[int]] = {}
    for gid, implied in session.execute(select(Implied.group_id, Implied.implied_id)):
        edges.setdefault(gid, set()).add(implied)
    closure = set(direct)
    stack = list(direct)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in closure:
                closure.add(nxt)
                stack.append(nxt)
    if not closure:
        return frozenset()
    return frozenset(session.scalars(select(Group.xmlid).where(Group.id.in_(closure))))


def load_user(env: Env) -> Any:
    """The unit's user, read together with the security stamp in one statement."""
    with env.unchecked():
        row = env.session.execute(_user_statement(env.registry), {"uid": env.uid}).first()
    if row is None:
        return None
    env.cache.security_stamp = row[1]
    return row[0]


def _user_statement(registry: Registry) -> Any:
    """:func:`load_user`'s query, built once per registry (:mod:`kernel.statements`):
    every unit of work runs it, and building it cost as much CPU as running it."""
    User = registry["res.user"]
    Setting = registry["ir.setting"]
    return built(
        registry,
        "kernel.security.user",
        lambda: (
            select(User, Setting.value)
            .select_from(User)
            .outerjoin(Setting, Setting.key == STAMP_KEY)
            .where(User.id == bindparam("uid"))
        ),
    )


def group_xmlids_of(env: Env) -> frozenset[str]:
    """The user's groups with implied ones, shared across units while the stamp holds."""
    uid = env.uid
    assert uid is not None

    def compute() -> frozenset[str]:
        with env.unchecked():
            groups = user_group_xmlids(env.session, env.registry, uid)
        # the allowed companies are read with the groups (the unit that warms the
        # memo reads both), so later units of this user read neither
        memo = shared_memo(env)
        if memo is not None and ("companies", uid) not in memo:
            memo[("companies", uid)] = _read_companies(env, uid)
        return groups

    return memoized(env, ("groups", uid), compute)


def _access_map(env: Env) -> dict[str, set[str]]:
    cached = env.cache.access_map
    if cached is not None and cached[0] == env.uid:
        known: dict[str, set[str]] = cached[1]
        return known
    mine = env.group_xmlids
    perms = memoized(env, ("access", mine), lambda: _compute_access_map(env, mine))
    env.cache.access_map = (env.uid, perms)
    return perms


def _compute_access_map(env: Env, mine: frozenset[str]) -> dict[str, set[str]]:
    Access = env.registry["ir.access"]
    Group = env.registry["res.group"]
    perms: dict[str, set[str]] = {}
    with env.unchecked():
        rows = env.session.execute(
            select(
                Access.model,
                Group.xmlid,
                Access.perm_read,
                Access.perm_create,
                Access.perm_write,
                Access.perm_delete,
            ).outerjoin(Group, Group.id == Access.group_id)
        ).all()
    for model, xmlid, r, c, w, d in rows:
        if xmlid is not None and xmlid not in mine:
            continue
        ops = perms.setdefault(model, set())
        for op, flag in zip(OPERATIONS, (r, c, w, d), strict=True):
            if flag:
                ops.add(op)
    return perms


def bump_stamp(session: Session, registry: Registry) -> None:
    """Invalidate every worker's memo (groups, access map, settings, external ids).

    A fresh random value, not a counter: concurrent bumps need no read and never
    collide. Written with Core on the session's connection, so no ORM event recurses.
    """
    Setting = registry["ir.setting"]
    token = uuid.uuid4().hex
    conn = session.connection()
    done = conn.execute(
        update(Setting.__table__).where(Setting.__table__.c.key == STAMP_KEY).values(value=token)
    )
    if not done.rowcount:
        conn.execute(Setting.__table__.insert().values(key=STAMP_KEY, value=token))
    unit_cache(session).security_stamp = None


def _touches_security(objs: Any) -> bool:
    """Whether a flush writes security tables or configuration the row cache keeps."""
    return any(
        getattr(o, "__model_name__", None) in SECURITY_MODELS or is_cached_model(o) for o in objs
    )


def can_access(env: Env, model: str, operation: str) -> bool:
    """May the user ``operation`` ``model`` records through the generic paths?

    Operations a system policy reserves answer no to everyone but system units,
    superusers included: kernel services mark what they write (:func:`system_write`).
    """
    if operation in policies(env.registry).of(model).system:
        return env.uid is None
    if env.is_superuser:
        return True
    return operation in _access_map(env).get(model, set())


def check_access(env: Env, model: str, operation: str) -> None:
    if not can_access(env, model, operation):
        # kept lazy: the message renders in the language of whoever reads it
        label = getattr(env.registry[model], "__label__", model) if model in env.registry else model
        if operation in policies(env.registry).of(model).system:
            message = _(
                "%(model)s records are kept by the system and cannot be changed or read this way",
                model=label,
            )
            raise AccessDenied(message, model=model, operation=operation)
        raise AccessDenied(
            _(
                "you are not allowed to %(operation)s %(model)s records",
                operation=_OP_LABELS[operation],
                model=label,
            ),
            model=model,
            operation=operation,
        )


def system_write(session: Session, *objects: Any) -> None:
    """Mark objects a kernel service creates, changes or deletes on a system model.

    The narrow way past a system policy: only these objects, in this session, and
    only by kernel code (the generic API, forms and CLI never call it). Other
    checks (fixed columns, ``__immutable__``) still apply.
    """
    marked = unit_cache(session).system_objects
    for obj in objects:
        marked.add(obj)


def _is_system_write(session: Session, obj: Any) -> bool:
    return obj in unit_cache(session).system_objects


def readable_models(env: Env) -> list[str]:
    """Models whose records the user may read: attached rows are filtered to these."""
    hidden = policies(env.registry).system_read()
    return sorted(m for m, ops in _access_map(env).items() if "read" in ops and m not in hidden)


def _env_of(session: Session) -> Env | None:
    unit = unit_cache(session)
    return None if unit.in_check else unit.env


def on_execute(state: ORMExecuteState) -> None:
    if not state.is_select:
        table = _dml_table(state)
        registry = _registry_of(state.session)
        if registry is not None and (table in SECURITY_TABLES or table in cached_tables(registry)):
            bump_stamp(state.session, registry)
    env = _env_of(state.session)
    if env is None or not state.is_select:
        return
    rules = policies(env.registry)
    superuser = env.is_superuser
    reads = reads_of(env, state)
    for name in reads.models:
        if not superuser or "read" in rules.of(name).system:
            check_access(env, name, "read")
    if not superuser and not state.is_column_load and not state.is_relationship_load:
        _filter_attached(env, state, reads)
        _filter_rules(env, state, reads)


def _filter_attached(env: Env, state: ORMExecuteState, reads: Reads) -> None:
    """Attached rows of records the user cannot read are not there for them (one SQL criterion).

    Looks at the tables the statement reads, not only its entities, so that a
    ``count(*)`` over attachments is filtered like the rows it counts.
    """
    attached = _attached_tables(env)
    if not attached:
        return
    found = [attached[name] for name in reads.tables if name in attached]
    if not found:
        return
    readable = readable_models(env)
    for cls in found:
        state.statement = state.statement.options(
            with_loader_criteria(cls, cls.model.in_(readable), include_aliases=True)
        )


# --- record rules ----------------------------------------------------------------------


def allowed_companies(env: Env) -> frozenset[int] | None:
    """The companies the user works in; ``None``: bound to none (no allowed-company rows)."""
    return _companies(env)[0]


def _companies(env: Env) -> tuple[frozenset[int] | None, int | None]:
    """(allowed, current) for the unit's user: one query per stamp, kept on the session."""
    uid = env.uid
    if uid is None:
        return None, None
    cached = env.cache.companies
    if cached is not None and cached[0] == uid:
        known: tuple[frozenset[int] | None, int | None] = cached[1]
        return known

    value = memoized(env, ("companies", uid), lambda: _read_companies(env, uid))
    env.cache.companies = (uid, value)
    return value


def _read_companies(env: Env, uid: int) -> tuple[frozenset[int] | None, int | None]:
    Allowed = env.registry["res.user.company"]
    with env.unchecked():
        rows = env.session.execute(
            select(Allowed.company_id, Allowed.current).where(Allowed.user_id == uid)
        ).all()
    if not rows:
        return None, None
    current = next((company for company, flag in rows if flag), rows[0][0])
    return frozenset(company for company, _flag in rows), current


def current_company(env: Env) -> int | None:
    """The company the user works in now (marked ``current``, else the first allowed one)."""
    return _companies(env)[1]


def binding_rules(env: Env) -> dict[str, list[Rule]]:
    """The record rules that bind this user, by model (none for superusers and ``sudo``)."""
    if env.is_superuser or env.uid is None:
        return {}
    # asked for every query and every flush: the answer holds while the stamp does
    return memoized(env, ("binding_rules", env.uid), lambda: _binding_rules(env))


def _binding_rules(env: Env) -> dict[str, list[Rule]]:
    declared = policies(env.registry).rules
    if not declared:
        return {}
    mine = env.group_xmlids
    companies = allowed_companies(env)
    found: dict[str, list[Rule]] = {}
    for model, rules in declared.items():
        if model not in env.registry:
            continue
        for rule in rules:
            if rule.kind == "company" and companies is None:
                continue
            if rule.binds(mine):
                found.setdefault(model, []).append(rule)
    return found


def _rule_values(env: Env, rule: Rule) -> frozenset[int]:
    if rule.kind == "own":
        assert env.uid is not None
        return frozenset({env.uid})
    return allowed_companies(env) or frozenset()


def _target_of(registry: Registry, cls: Any, column: str) -> Any:
    """The model a many-to-one column points to (``order_id`` → ``sale.order``)."""
    for fk in cls.__table__.c[column].foreign_keys:
        for name in registry.models:
            if registry[name].__table__ is fk.column.table:
                return registry[name]
    raise KeyError(column)


def rule_criterion(env: Env, cls: Any, rule: Rule) -> Any:
    """One SQL condition per rule: ``salesperson_id = :uid``, ``company_id IN (...) OR NULL``,
    or through one many-to-one ``order_id IN (SELECT id FROM sale_order WHERE ...)``."""
    values = sorted(_rule_values(env, rule))
    head, _dot, tail = rule.field.partition(".")
    if tail:
        target = _target_of(env.registry, cls, head)
        inner = getattr(target, tail).in_(values)
        if rule.shared_null:
            inner = inner | getattr(target, tail).is_(None)
        column = getattr(cls, head)
        return column.in_(select(target.id).where(inner))
    column = getattr(cls, head)
    condition = column.in_(values)
    return condition | column.is_(None) if rule.shared_null else condition


def _filter_rules(env: Env, state: ORMExecuteState, reads: Reads) -> None:
    """Rows outside the user's rules are not there for them: one criterion per ruled model.

    Looks at every table the statement reads (like attachments), so lists, filters,
    group-by counts, exports and pickers built on ORM selects are all filtered.
    """
    rules = binding_rules(env)
    if not rules:
        return
    by_table = {env.registry[m].__table__.name: m for m in rules}
    found = {by_table[name] for name in reads.tables if name in by_table}
    for model in sorted(found):
        cls = env.registry[model]
        for rule in rules[model]:
            state.statement = state.statement.options(
                with_loader_criteria(cls, rule_criterion(env, cls, rule), include_aliases=True)
            )


def _check_rules(env: Env, op: str, objs: list[Any]) -> None:
    """Rows created, changed or deleted must be inside the user's rules, before and after."""
    rules = binding_rules(env)
    if not rules:
        return
    for obj in objs:
        name = _name(obj)
        for rule in rules.get(name, ()):
            allowed = _rule_values(env, rule)
            for value in _rule_subjects(env, obj, rule, check_old=op != "create"):
                if value in allowed or (value is None and rule.shared_null):
                    continue
                raise _outside(env, name, rule)


def _rule_subjects(env: Env, obj: Any, rule: Rule, *, check_old: bool) -> list[Any]:
    """The value(s) a rule looks at on ``obj``: now, and as loaded (a row cannot leave the rule)."""
    head, _dot, tail = rule.field.partition(".")
    state = inspect(obj)
    current = getattr(obj, head)
    values = [current]
    if check_old and head in state.committed_state:
        values.append(state.committed_state[head])
    if not tail:
        return values
    target = _target_of(env.registry, type(obj), head)
    found: list[Any] = []
    for ref in values:
        if ref is None:
            found.append(None)
            continue
        parent = env.session.identity_map.get(inspect(target).identity_key_from_primary_key((ref,)))
        if parent is None:
            with env.unchecked(), env.session.no_autoflush:
                parent = env.session.get(target, ref)
        found.append(getattr(parent, tail) if parent is not None else None)
    return found


def _outside(env: Env, model: str, rule: Rule) -> AccessDenied:
    label = getattr(env.registry[model], "__label__", model)
    if rule.kind == "own":
        message = _("you may only work on your own %(model)s records", model=label)
    else:
        message = _("%(model)s records of another company are not available to you", model=label)
    return AccessDenied(message, model=model, operation="write")


def _attached_tables(env: Env) -> dict[str, Any]:
    registry = env.registry
    cached: dict[str, Any] | None = registry.__dict__.get("_attached_tables")
    if cached is None:
        cached = {
            registry[name].__table__.name: registry[name]
            for name in policies(registry).attached()
            if name in registry
        }
        registry.__dict__["_attached_tables"] = cached
    return cached


def _dml_table(state: ORMExecuteState) -> str | None:
    table = getattr(state.statement, "table", None)
    return getattr(table, "name", None)


def _registry_of(session: Session) -> Registry | None:
    env = unit_cache(session).env
    if env is None:
        return None
    found: Registry = env.registry
    return found


def on_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    # ``session.dirty`` walks the identity map: take each collection once.
    new, deleted = list(session.new), list(session.deleted)
    dirty = changed_records(session)
    if _touches_security(new) or _touches_security(dirty) or _touches_security(deleted):
        registry = _registry_of(session)
        if registry is not None:
            bump_stamp(session, registry)
    env = unit_cache(session).env
    if env is None:
        return
    for obj in deleted:
        _check_immutable(obj, deleting=True)
    for obj in dirty:
        _check_immutable(obj, deleting=False)
    if _env_of(session) is None:
        return
    rules = policies(env.registry)
    for obj in dirty:
        _check_fixed_columns(env, obj, rules.of(getattr(obj, "__model_name__", "")).immutable)
    superuser = env.is_superuser
    owned = _cascaded(deleted) if any(rules.of(_name(o)).system for o in deleted) else set()
    for op, objs in (("create", new), ("write", dirty), ("delete", deleted)):
        checked: set[str] = set()
        for obj in objs:
            name = getattr(obj, "__model_name__", None)
            if name is None:
                continue
            rule = rules.of(name)
            if op in rule.system:
                if not _is_system_write(session, obj) and id(obj) not in owned:
                    check_access(env, name, op)
                continue
            if not superuser and name not in checked:
                check_access(env, name, op)
                checked.add(name)
            if rule.attached and not superuser:
                _check_attached(env, obj, creating=op == "create")
        if not superuser:
            _check_rules(env, op, objs)


def _name(obj: Any) -> str:
    return getattr(obj, "__model_name__", "") or ""


def _cascaded(deleted: list[Any]) -> set[int]:
    """Objects deleted because a record deleted in the same flush owns them (delete cascade).

    A system row (an order's check results) goes with the record it belongs to:
    deleting the order is the decision, checked on the order itself.
    """
    owned: set[int] = set()
    for parent in deleted:
        state = inspect(parent)
        for rel in state.mapper.relationships:
            if not rel.cascade.delete:
                continue
            loaded = state.attrs[rel.key].loaded_value
            if loaded is None or loaded is NO_VALUE:
                continue
            children = loaded if rel.uselist else [loaded]
            owned.update(id(child) for child in children)
    return owned


def _check_fixed_columns(env: Env, obj: Any, fixed: frozenset[str]) -> None:
    """Columns a policy fixes at creation (an API key's user, an attachment's record)."""
    if not fixed:
        return
    state = inspect(obj)
    for key in fixed & set(state.committed_state):
        if state.attrs[key].history.has_changes():
            meta_label = obj.__table__.columns[key].info.get("label") or key
            raise ValidationError(
                _("%(field)s cannot be changed once the record exists", field=meta_label),
                field=key,
            )


def _check_attached(env: Env, obj: Any, *, creating: bool) -> None:
    """Creating, changing or removing an attached row needs write on the record it belongs to."""
    target = getattr(obj, "model", None)
    if not target or target not in env.registry:
        raise ValidationError(
            _("%(model)s is not a model of this instance", model=str(target)), field="model"
        )
    check_access(env, target, "write")
    if creating:
        cls = env.registry[target]
        with env.unchecked():
            exists = env.session.scalar(select(cls.id).where(cls.id == obj.res_id))
        if exists is None:
            raise ValidationError(
                _("there is no record #%(id)s to attach to", id=str(obj.res_id)), field="res_id"
            )


def _check_immutable(obj: Any, *, deleting: bool) -> None:
    """Models may define ``__immutable__(self, changes) -> message | None``; posted documents use it."""
    rule = getattr(obj, "__immutable__", None)
    if rule is None:
        return
    state = inspect(obj)
    if deleting:
        changed = {"__delete__"}
    else:
        # only attributes set since load can have changed (cheaper than every attribute);
        # the history straight from the state: ``state.attrs`` builds a view of every
        # attribute of the record first (most of a 500-line approval's flush checks)
        changed = {
            key
            for key in state.committed_state
            if state.get_history(key, PASSIVE_NO_INITIALIZE).has_changes()
        }
    message = rule(changed)
    if message:
        raise ConflictError(message)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "do_orm_execute", on_execute)
    # after the access checks and record rules: those run (and may refuse) first
    event.listen(session_factory, "do_orm_execute", rowcache.serve)
    event.listen(session_factory, "before_flush", on_flush)
