"""Declarative document workflows: one main state, transitions as data, milestones.

A :class:`Workflow` is a table of states and transitions (name, from, to, guard,
group, action) for one model's ``state`` column. Other addons extend it with a
:class:`WorkflowExtension`: new states and transitions, extra guards and actions on
existing transitions, and milestones — the nodes of the document's progress that
an addon reports (stock: ``shipped``; accounting: ``invoiced``, ``settled``).

A transition marked ``auto="execution"`` fires by itself once every milestone of
that phase recorded on the document is done (in progress → completed); the same for
``"settlement"`` (completed → closed). A workflow declares its phases; a phase no
milestone belongs to is done at once. Every move writes one history row. Unlike
Tryton, an illegal move raises instead of being skipped.

Automatic moves never run inside another transition. A transition's actions (and
the hooks they call) may reach milestones of any document; the documents are queued
on the unit of work and moved on, first queued first, when the outermost transition
returns — after every addon's hooks for that transition ran. So the order in which
addons expect and reach milestones does not matter, and a delivery's validation no
longer runs the order's completion and the invoice's posting inside itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from kernel.caches import unit_cache
from kernel.errors import AccessDenied, ValidationError, WorkflowError
from kernel.fields import utcnow
from kernel.i18n import LazyString, _, text_of
from kernel.security import system_write
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

Guard = Callable[["Env", Any], "str | LazyString | None"]
Action = Callable[["Env", Any, "Move"], None]


@dataclass(frozen=True)
class State:
    name: str
    label: str | LazyString
    kind: str = "normal"  # "normal" | "done" | "cancel" — folded or shown red in the UI


@dataclass
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str | LazyString
    group: str | None = None
    guards: list[Guard] = dc_field(default_factory=list)
    actions: list[Action] = dc_field(default_factory=list)
    requires_reason: bool = False
    button: bool = True
    auto: str | None = None  # "execution" | "settlement": fires when that phase is done
    style: str = "primary"  # UI hint: primary | secondary | danger
    addon: str = ""


@dataclass(frozen=True)
class MilestoneDef:
    name: str
    label: str | LazyString
    phase: str  # "execution" | "settlement"
    addon: str = ""
    sequence: int = 50


@dataclass
class Move:
    """What an action receives about the move in progress."""

    transition: Transition
    from_state: str
    to_state: str
    reason: str
    automatic: bool
    # set by an action that did less than asked ("nothing more could be reserved"):
    # the history row keeps it as its reason, and the form tells the user
    note: str = ""
    #: what the caller of :func:`fire` passed for the actions (``invoices=[...]``)
    params: dict[str, Any] = dc_field(default_factory=dict)
    #: what the actions give back to the caller (``results["backorder"]``)
    results: dict[str, Any] = dc_field(default_factory=dict)


@dataclass
class Workflow:
    model: str
    states: list[State]
    transitions: list[Transition]
    field: str = "state"
    milestones: list[MilestoneDef] = dc_field(default_factory=list)
    addon: str = ""
    #: the phases automatic transitions wait for; every milestone belongs to one
    phases: tuple[str, ...] = ("execution", "settlement")

    def state(self, name: str) -> State:
        for st in self.states:
            if st.name == name:
                return st
        raise KeyError(name)

    def transition(self, name: str) -> Transition:
        for tr in self.transitions:
            if tr.name == name:
                return tr
        raise KeyError(name)

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def to_mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        lines.append(f"    [*] --> {self.states[0].name}")
        for tr in self.transitions:
            for src in tr.sources:
                lines.append(f"    {src} --> {tr.target}: {tr.name}")
        for st in self.states:
            if st.kind in ("done", "cancel") and not self.from_state(st.name):
                lines.append(f"    {st.name} --> [*]")
        return "\n".join(lines)

    def to_dot(self) -> str:
        lines = [f'digraph "{self.model}" {{', "    rankdir=LR;"]
        for st in self.states:
            shape = "doublecircle" if st.kind in ("done", "cancel") else "box"
            lines.append(f'    "{st.name}" [shape={shape}, label="{text_of(st.label)}"];')
        for tr in self.transitions:
            for src in tr.sources:
                lines.append(f'    "{src}" -> "{tr.target}" [label="{tr.name}"];')
        lines.append("}")
        return "\n".join(lines)


@dataclass
class WorkflowExtension:
    """What another addon adds to a workflow."""

    model: str
    states: list[State] = dc_field(default_factory=list)
    transitions: list[Transition] = dc_field(default_factory=list)
    guards: dict[str, list[Guard]] = dc_field(default_factory=dict)
    actions: dict[str, list[Action]] = dc_field(default_factory=dict)
    milestones: list[MilestoneDef] = dc_field(default_factory=list)
    addon: str = ""


def compose_workflow(base: Workflow, extensions: Sequence[WorkflowExtension]) -> Workflow:
    """A new workflow with every extension applied in order (``base`` is left untouched)."""
    states = list(base.states)
    transitions = [
        replace(t, guards=list(t.guards), actions=list(t.actions), addon=t.addon or base.addon)
        for t in base.transitions
    ]
    milestones = [replace(m, addon=m.addon or base.addon) for m in base.milestones]
    for ext in extensions:
        states.extend(ext.states)
        transitions.extend(replace(t, addon=t.addon or ext.addon) for t in ext.transitions)
        by_name = {t.name: t for t in transitions}
        for name, guards in ext.guards.items():
            if name not in by_name:
                raise KeyError(
                    f"{ext.addon} adds a guard to unknown transition {base.model}:{name}"
                )
            by_name[name].guards.extend(guards)
        for name, actions in ext.actions.items():
            if name not in by_name:
                raise KeyError(
                    f"{ext.addon} adds an action to unknown transition {base.model}:{name}"
                )
            by_name[name].actions.extend(actions)
        milestones.extend(replace(m, addon=m.addon or ext.addon) for m in ext.milestones)
    order = {phase: i for i, phase in enumerate(base.phases)}
    for t in transitions:
        if t.auto is not None and t.auto not in order:
            raise KeyError(
                f"{t.addon}: transition {base.model}:{t.name} waits for phase {t.auto!r}, "
                f"which the workflow does not declare (phases: {', '.join(base.phases)})"
            )
    for m in milestones:
        if m.phase not in order:
            raise KeyError(
                f"{m.addon}: milestone {base.model}:{m.name} belongs to phase {m.phase!r}, "
                f"which the workflow does not declare (phases: {', '.join(base.phases)})"
            )
    milestones.sort(key=lambda m: (order[m.phase], m.sequence))
    return Workflow(
        model=base.model,
        states=states,
        transitions=transitions,
        field=base.field,
        milestones=milestones,
        addon=base.addon,
        phases=base.phases,
    )


# --- The engine ---------------------------------------------------------------------


def document_label(env: Env, record: Any) -> str:
    cls = type(record)
    rec_name = getattr(cls, "__rec_name__", "name")
    value = getattr(record, rec_name, None) or f"#{record.id}"
    return f"{text_of(getattr(cls, '__label__', cls.__name__))} {value}"


def available(env: Env, record: Any) -> list[Transition]:
    """Transitions from the record's current state that this user may take (guards not run)."""
    wf = env.workflow(record)
    state = getattr(record, wf.field)
    return [
        t
        for t in wf.from_state(state)
        if t.auto is None and (t.group is None or env.has_group(t.group))
    ]


def fire(
    env: Env,
    record: Any,
    name: str,
    *,
    reason: str = "",
    automatic: bool = False,
    **params: Any,
) -> Move:
    """Move ``record`` along transition ``name``; everything happens in the caller's unit of work.

    Keyword ``params`` travel to the actions on ``move.params``; what the actions put
    in ``move.results`` comes back on the returned move. That is how a caller says
    which invoices a payment settles, or learns the backorder a validation made,
    without passing data around the workflow through the session.
    """
    wf = env.workflow(record)
    state = getattr(record, wf.field)
    try:
        tr = wf.transition(name)
    except KeyError:
        raise WorkflowError(
            _(
                "%(document)s has no action %(action)s",
                document=document_label(env, record),
                action=name,
            )
        ) from None
    if state not in tr.sources:
        allowed = ", ".join(text_of(t.label) for t in wf.from_state(state) if t.auto is None) or "—"
        raise WorkflowError(
            _(
                "%(document)s is %(state)s: %(action)s is not possible (possible: %(allowed)s)",
                document=document_label(env, record),
                state=text_of(wf.state(state).label),
                action=text_of(tr.label),
                allowed=allowed,
            )
        )
    if tr.group and not automatic and not env.has_group(tr.group):
        raise AccessDenied(
            _(
                "you are not allowed to %(action)s %(document)s",
                action=text_of(tr.label),
                document=document_label(env, record),
            )
        )
    reason = (reason or "").strip()
    if tr.requires_reason and not reason:
        raise ValidationError(
            _("a reason is required to %(action)s", action=text_of(tr.label)), field="reason"
        )
    problems = [msg for guard in tr.guards if (msg := guard(env, record))]
    if problems:
        raise ValidationError("; ".join(text_of(p) for p in problems))
    move = Move(
        transition=tr,
        from_state=state,
        to_state=tr.target,
        reason=reason,
        automatic=automatic,
        params=params,
    )
    cache = env.cache
    cache.transition_depth += 1
    written = len(cache.history)
    try:
        _move(env, record, wf, tr, move)
    except BaseException:
        # a move that failed leaves no history, nor the milestones its actions expected
        _drop_queued(cache, cache.history[written:])
        del cache.history[written:]
        raise
    finally:
        cache.transition_depth -= 1
    advance(env, record)
    return move


def _move(env: Env, record: Any, wf: Workflow, tr: Transition, move: Move) -> None:
    """The move itself: the new state, its history row, the actions, one flush."""
    state, reason, automatic = move.from_state, move.reason, move.automatic
    setattr(record, wf.field, tr.target)
    History = env["workflow.history"]
    row = History(
        model=wf.model,
        res_id=record.id,
        addon=tr.addon,
        transition=tr.name,
        from_state=state,
        to_state=tr.target,
        user_id=env.uid,
        reason=reason,
        automatic=automatic,
        at=utcnow(),
    )
    # written with the step's other history rows once every queued move is made:
    # one INSERT per step, with the state the actions actually reached (no UPDATE)
    env.cache.history.append(row)
    for action in tr.actions:
        action(env, record, move)
    # what the actions made of it: "Check availability" may end in ready, or stay waiting
    reached = getattr(record, wf.field)
    if reached != row.to_state or move.note:
        row.to_state = reached
        if move.note:
            row.reason = "; ".join(p for p in (reason, text_of(move.note)) if p)
    # What this transition and its actions wrote is checked (``__immutable__``, access,
    # record rules) in the state they wrote it in: without this flush an automatic
    # transition fired next (complete → close) would have an ``__immutable__`` rule see
    # the action's writes as changes to a closed document.
    env.session.flush()
    if row.res_id is None:
        # a document made and moved on in one step (an entry created to be posted) is
        # first written by the flush above: its history row is still queued
        row.res_id = record.id


def add_comment(env: Env, record: Any, text: str) -> None:
    """A comment in the document's history, by whoever may read the document."""
    env.check(record.__model_name__, "read")
    History = env["workflow.history"]
    _log(
        env,
        History(
            model=record.__model_name__, res_id=record.id, reason=text, user_id=env.uid, at=utcnow()
        ),
    )


def _write(env: Env, *rows: Any) -> None:
    """History and milestones are system records: only the engine writes them (kernel.policy)."""
    system_write(env.session, *rows)
    env.session.add_all(rows)


def _drop_queued(cache: Any, rows: list[Any]) -> None:
    """Forget the milestones among ``rows`` (queued, never written) in the unit's memo."""
    gone = {id(row) for row in rows}
    for by_name in cache.milestones.values():
        for name in [n for n, row in by_name.items() if id(row) in gone]:
            del by_name[name]


def _log(env: Env, row: Any) -> None:
    """A history row: kept with the step's transition rows while a step runs, so the
    document's history reads in the order things happened (and is one INSERT)."""
    cache = env.cache
    if cache.transition_depth or cache.advancing:
        cache.history.append(row)
    else:
        _write(env, row)


# --- Milestones ----------------------------------------------------------------------


def _milestone_rows(env: Env, record: Any) -> dict[str, Any]:
    """The document's milestones by name, read once per unit of work.

    Steps consult milestones many times (each hook that expects or reaches one,
    then ``advance`` for every automatic transition); the dictionary is kept in
    the session and updated by the functions below, so those are dictionary
    look-ups, not queries. A rollback forgets it (see :func:`_forget_milestones`).
    """
    cache = env.cache.milestones
    key = (record.__model_name__, record.id)
    rows = cache.get(key)
    if rows is None and key in env.cache.created_records:
        rows = cache[key] = {}  # created by this unit: no milestone row can exist yet
    if rows is None:
        Milestone = env["workflow.milestone"]
        stmt = built(
            env.registry,
            "kernel.workflow.milestones",
            lambda: select(Milestone).where(
                Milestone.model == bindparam("model"), Milestone.res_id == bindparam("res_id")
            ),
        )
        # Without autoflush: a milestone this unit made is in the memo already (only the
        # functions below make them), so the step's pending writes to the document need
        # not reach the database first; they go with the step's next flush (a payment
        # flushed the order's invoice status alone, then the milestone it reached).
        with env.session.no_autoflush:
            found = env.session.scalars(
                stmt, {"model": record.__model_name__, "res_id": record.id}
            ).all()
        rows = cache[key] = {row.name: row for row in found}
    return rows


@event.listens_for(Session, "after_soft_rollback")
def _forget_milestones(session: Session, _previous: Any) -> None:
    unit_cache(session).forget_transaction()


@event.listens_for(Session, "after_flush")
def _note_created(session: Session, _ctx: Any) -> None:
    """Remember the records this unit inserted: their milestones need no query.

    A delivery created by an approval expects milestones in the same step; reading
    the (necessarily empty) milestone table for it was one statement per step.
    """
    created = unit_cache(session).created_records
    for obj in session.new:
        name = getattr(obj, "__model_name__", None)
        if name is not None:
            created.add((name, obj.id))


def expect_milestone(env: Env, record: Any, name: str, addon: str, note: str = "") -> None:
    """Record that ``name`` must be done before the document can move past its phase."""
    rows = _milestone_rows(env, record)
    if name not in rows:
        Milestone = env["workflow.milestone"]
        rows[name] = Milestone(
            model=record.__model_name__, res_id=record.id, name=name, addon=addon, note=note
        )
        # Inside a step: written with the step's history rows (:func:`_log`), so the
        # milestones every addon expects on approval, and the one reached right away
        # ("reserved"), are one INSERT with their final ``done_at``, not two INSERTs
        # and an UPDATE. The unit reads milestones from its memo (above), never the
        # table, so nothing in the step misses a row not written yet.
        _log(env, rows[name])


def reach_milestone(
    env: Env, record: Any, name: str, addon: str, note: str = "", *, advance_now: bool = True
) -> None:
    """Mark milestone ``name`` done (creating it if needed), then advance the workflow if it can.

    Inside a transition the document only moves on when the outermost transition
    returns (see the module's docstring). ``advance_now=False`` records the milestone
    and leaves the document where it is until something else advances it.
    """
    expect_milestone(env, record, name, addon)
    existing = _milestone_rows(env, record)[name]
    if existing.done_at is None:
        system_write(env.session, existing)
        existing.done_at = utcnow()
        existing.note = note or existing.note
        History = env["workflow.history"]
        _log(
            env,
            History(
                model=record.__model_name__,
                res_id=record.id,
                addon=addon,
                transition=f"milestone:{name}",
                user_id=env.uid,
                reason=note,
                automatic=True,
                at=utcnow(),
            ),
        )
    if advance_now:
        advance(env, record)


def reopen_milestone(env: Env, record: Any, name: str) -> None:
    existing = _milestone_rows(env, record).get(name)
    if existing is not None:
        system_write(env.session, existing)
        existing.done_at = None


def milestones(env: Env, record: Any) -> dict[str, Any]:
    return dict(_milestone_rows(env, record))


def phase_done(env: Env, record: Any, phase: str) -> bool:
    """Every milestone of ``phase`` that this document expects is done."""
    wf = env.workflow(record)
    names = {m.name for m in wf.milestones if m.phase == phase}
    rows = milestones(env, record)
    return all(rows[n].done_at is not None for n in names if n in rows)


#: automatic moves one unit may make before the engine suspects a loop of auto transitions
MAX_AUTOMATIC_MOVES = 10_000


def advance(env: Env, record: Any) -> None:
    """Fire the automatic transitions whose phase is done, as long as one applies.

    Inside a transition the document is only queued (see the module's docstring);
    the outermost transition, or a call outside any, works the queue through.
    """
    cache = env.cache
    _enqueue(cache.to_advance, record, env.su)
    if cache.transition_depth or cache.advancing:
        return
    cache.advancing = True
    try:
        for _move_count in range(MAX_AUTOMATIC_MOVES):
            if not cache.to_advance:
                _write(env, *cache.history)
                cache.history.clear()
                return
            record, elevated = cache.to_advance.pop(0)
            if elevated and not env.su:
                with env.sudo("a step taken with elevated rights moves its documents on"):
                    _advance_one_step(env, record)
            else:
                _advance_one_step(env, record)
        raise WorkflowError(_("automatic transitions keep firing: the workflows form a loop"))
    except BaseException:
        cache.to_advance.clear()
        _drop_queued(cache, cache.history)
        cache.history.clear()
        raise
    finally:
        cache.advancing = False


def _enqueue(queue: list[tuple[Any, bool]], record: Any, elevated: bool) -> None:
    """Queue ``record`` once; queued again under ``sudo``, it moves on under ``sudo``.

    A hook that reaches a milestone inside ``env.sudo()`` (the production worker
    finishing what a seller's order waits for) acts beyond the user's rights; the
    automatic move it causes, made later, must have the same reach.
    """
    for i, (queued, was_elevated) in enumerate(queue):
        if queued is record:
            queue[i] = (queued, was_elevated or elevated)
            return
    queue.append((record, elevated))


def _advance_one_step(env: Env, record: Any) -> None:
    """Fire one automatic transition of ``record`` if its phase is done (it queues the
    document again, so it moves on until no automatic transition applies)."""
    wf = env.workflow(record)
    state = getattr(record, wf.field)
    for t in wf.from_state(state):
        if t.auto and phase_done(env, record, t.auto):
            fire(env, record, t.name, automatic=True)
            return


def progress(env: Env, record: Any) -> list[dict[str, Any]]:
    """The document's status bar: main states on its path, then the milestones it expects."""
    wf = env.workflow(record)
    state = getattr(record, wf.field)
    rows = milestones(env, record)
    nodes: list[dict[str, Any]] = []
    for st in wf.states:
        if st.kind == "cancel" and st.name != state:
            continue
        nodes.append(
            {"kind": "state", "name": st.name, "label": st.label, "current": st.name == state}
        )
    for ms in wf.milestones:
        if ms.name in rows:
            nodes.append(
                {
                    "kind": "milestone",
                    "name": ms.name,
                    "label": ms.label,
                    "phase": ms.phase,
                    "done": rows[ms.name].done_at is not None,
                    "done_at": rows[ms.name].done_at,
                }
            )
    return nodes
