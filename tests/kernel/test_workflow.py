"""Workflows: illegal moves explained, group guards, history, reasons, extensions, milestones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from kernel import workflow
from kernel.env import Env
from kernel.errors import AccessDenied, ConflictError, ValidationError, WorkflowError
from kernel.i18n import use_locale
from kernel.instance import Instance
from kernel.testing import make_user


def new_book(instance: Instance, uid: int | None = None, **values: Any) -> int:
    values.setdefault("title", "Dream of the Red Chamber")
    values.setdefault("price", Decimal("88.00"))
    with instance.unit(uid, su=uid is None) as env:
        book = env["lib.book"](**values)
        env.session.add(book)
        env.session.flush()
        return int(book.id)


def fire(instance: Instance, uid: int | None, book_id: int, name: str, reason: str = "") -> str:
    with instance.unit(uid, su=uid is None) as env:
        book = env.get("lib.book", book_id)
        workflow.fire(env, book, name, reason=reason)
        return str(book.state)


def history(instance: Instance, book_id: int) -> list[tuple[str, str, str, int | None, str, bool]]:
    with instance.unit(None, su=True) as env:
        H = env["workflow.history"]
        rows = env.session.scalars(
            select(H).where(H.model == "lib.book", H.res_id == book_id).order_by(H.id)
        )
        return [
            (h.transition, h.from_state, h.to_state, h.user_id, h.reason, h.automatic) for h in rows
        ]


@pytest.fixture
def people(library: Instance) -> dict[str, int]:
    return {
        "clerk": make_user(library, "clerk", ["library.group_user"]),
        "boss": make_user(library, "boss", ["library.group_manager"]),
        "zh_boss": make_user(library, "zh_boss", ["library.group_manager"], lang="zh_CN"),
    }


def test_every_invalid_transition_is_rejected_with_an_explanation(library: Instance) -> None:
    book_id = new_book(library, title="Dune")
    with library.unit(None, su=True) as env:
        wf = env.workflow("lib.book")
        book = env.get("lib.book", book_id)
        checked = 0
        for state in wf.states:
            book.state = state.name
            allowed = [str(t.label) for t in wf.from_state(state.name) if t.auto is None]
            for tr in wf.transitions:
                if state.name in tr.sources:
                    continue
                with pytest.raises(WorkflowError) as caught:
                    workflow.fire(env, book, tr.name)
                message = str(caught.value)
                assert message.startswith(f"Book Dune is {state.label}: {tr.label} is not possible")
                assert f"(possible: {', '.join(allowed) or '—'})" in message
                assert caught.value.status == 409
                checked += 1
            assert book.state == state.name
        assert checked >= 25
        with pytest.raises(WorkflowError, match="Book Dune has no action fly"):
            workflow.fire(env, book, "fly")
        env.session.rollback()
    assert history(library, book_id) == []


def test_invalid_transition_message_in_chinese(library: Instance, people: dict[str, int]) -> None:
    book_id = new_book(library, title="红楼梦")
    with library.unit(people["zh_boss"]) as env:
        assert env.lang == "zh_CN"
        book = env.get("lib.book", book_id)
        with pytest.raises(WorkflowError) as caught:
            workflow.fire(env, book, "approve")
        message = str(caught.value)
    assert message == "图书 红楼梦 当前为“草稿”：无法执行“批准”（可执行的操作：提交, 取消）"
    with use_locale("en"):  # the template follows the reader; labels were filled in at raise time
        assert str(caught.value).startswith("图书 红楼梦 is 草稿: 批准 is not possible")


def test_group_guarded_transition_needs_the_group(
    library: Instance, people: dict[str, int]
) -> None:
    book_id = new_book(library, people["clerk"])
    assert fire(library, people["clerk"], book_id, "submit") == "submitted"
    with pytest.raises(AccessDenied) as caught:
        fire(library, people["clerk"], book_id, "approve")
    assert "not allowed to Approve Book Dream of the Red Chamber" in str(caught.value)
    with library.unit(None, su=True) as env:
        assert env.get("lib.book", book_id).state == "submitted"
    assert [h[0] for h in history(library, book_id)] == ["submit"]

    with library.unit(people["clerk"]) as env:
        names = [t.name for t in workflow.available(env, env.get("lib.book", book_id))]
        assert names == ["cancel"]
    with library.unit(people["boss"]) as env:
        names = [t.name for t in workflow.available(env, env.get("lib.book", book_id))]
        assert names == ["approve", "reject", "cancel"]


def test_history_records_from_to_user_and_reason(library: Instance, people: dict[str, int]) -> None:
    clerk, boss = people["clerk"], people["boss"]
    book_id = new_book(library, clerk)
    fire(library, clerk, book_id, "submit")
    fire(library, boss, book_id, "reject", reason="  wrong edition  ")
    assert history(library, book_id) == [
        ("submit", "draft", "submitted", clerk, "", False),
        ("reject", "submitted", "draft", boss, "wrong edition", False),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_transition_requiring_a_reason_refuses_without_one(
    library: Instance, people: dict[str, int], reason: str
) -> None:
    book_id = new_book(library)
    with pytest.raises(ValidationError) as caught:
        fire(library, people["boss"], book_id, "cancel", reason=reason)
    assert caught.value.fields.keys() == {"reason"}
    assert "a reason is required to Cancel" in str(caught.value)
    assert fire(library, people["boss"], book_id, "cancel", reason="lost") == "cancelled"


def test_guard_blocks_the_move_and_explains(library: Instance, people: dict[str, int]) -> None:
    book_id = new_book(library, price=Decimal("0"))
    fire(library, None, book_id, "submit")
    with pytest.raises(ValidationError, match="a book needs a price to be approved"):
        fire(library, people["boss"], book_id, "approve")
    assert [h[0] for h in history(library, book_id)] == ["submit"]


def test_milestones_auto_advance_to_completed_and_closed(
    library: Instance, people: dict[str, int]
) -> None:
    boss = people["boss"]
    book_id = new_book(library)
    fire(library, boss, book_id, "submit")
    assert fire(library, boss, book_id, "approve") == "in_progress"
    with library.unit(boss) as env:
        book = env.get("lib.book", book_id)
        assert {n: m.done_at for n, m in workflow.milestones(env, book).items()} == {
            "catalogued": None
        }
        bar = workflow.progress(env, book)
        assert [n["name"] for n in bar] == [
            "draft",
            "submitted",
            "in_progress",
            "completed",
            "closed",
            "catalogued",
        ]
        assert [n["name"] for n in bar if n.get("current")] == ["in_progress"]
        workflow.reach_milestone(env, book, "catalogued", addon="library", note="shelf A")
        assert book.state == "closed"
    steps = history(library, book_id)
    assert [(s[0], s[5]) for s in steps] == [
        ("submit", False),
        ("approve", False),
        ("milestone:catalogued", True),
        ("complete", True),
        ("close", True),
    ]


def test_what_an_action_writes_is_checked_in_the_state_it_was_written_in(
    library: Instance, people: dict[str, int]
) -> None:
    """An action of ``complete`` numbers the book; ``close`` follows automatically.

    A closed book refuses every change but its state (``__immutable__``). The
    number was written while the book was completed, so the automatic close in
    the same unit must not be refused because of it — the engine flushes each
    transition's writes before the next one moves the document on.
    """
    boss = people["boss"]
    book_id = new_book(library)
    fire(library, boss, book_id, "submit")
    fire(library, boss, book_id, "approve")

    def number_the_book(env: Env, book: Any, move: workflow.Move) -> None:
        book.number = f"B-{book.id:05d}"

    with library.unit(boss) as env:
        complete = env.workflow("lib.book").transition("complete")
        complete.actions.append(number_the_book)
        try:
            book = env.get("lib.book", book_id)
            workflow.reach_milestone(env, book, "catalogued", addon="library")
            assert book.state == "closed"
        finally:
            complete.actions.remove(number_the_book)
    with library.unit(None, su=True) as env:
        book = env.get("lib.book", book_id)
        assert (book.state, book.number) == ("closed", f"B-{book_id:05d}")
    with (
        pytest.raises(ConflictError, match="cannot be changed"),
        library.unit(None, su=True) as env,
    ):
        env.get("lib.book", book_id).number = "B-99999"  # closed: still immutable


def test_extension_adds_state_transition_guard_action_and_milestones(
    library_loan: Instance,
) -> None:
    boss = make_user(library_loan, "boss", ["library.group_manager"])
    book_id = new_book(library_loan, title="Ok", price=Decimal("0"))
    fire(library_loan, boss, book_id, "submit")
    with pytest.raises(ValidationError) as caught:
        fire(library_loan, boss, book_id, "approve")
    assert str(caught.value) == (
        "a book needs a price to be approved; the title is too short to be lent"
    )
    with library_loan.unit(boss) as env:
        book = env.get("lib.book", book_id)
        book.title, book.price = "Outlaws of the Marsh", Decimal("20")
        workflow.fire(env, book, "approve")
        assert set(workflow.milestones(env, book)) == {"catalogued", "labelled", "paid"}
        workflow.reach_milestone(env, book, "catalogued", addon="library")
        assert book.state == "in_progress", "labelled is still missing"
        workflow.reach_milestone(env, book, "labelled", addon="library_loan")
        assert book.state == "completed", "settlement waits for paid"
        workflow.reach_milestone(env, book, "paid", addon="library_loan")
        assert book.state == "closed"
        assert [t.name for t in workflow.available(env, book)] == ["archive"]
        workflow.fire(env, book, "archive")
        assert book.state == "archived"
    steps = history(library_loan, book_id)
    assert steps[-2][:3] == ("archive", "closed", "archived")
    assert steps[-1][0] == "" and steps[-1][4] == "archived by library_loan"
    with library_loan.unit(None, su=True) as env:
        H = env["workflow.history"]
        addons = dict(
            env.session.execute(
                select(H.transition, H.addon).where(H.res_id == book_id, H.transition != "")
            ).all()
        )
    assert addons["archive"] == "library_loan" and addons["approve"] == "library"


def test_closed_book_is_immutable_but_can_still_move(library: Instance) -> None:
    book_id = new_book(library)
    with library.unit(None, su=True) as env:
        env.get("lib.book", book_id).state = "closed"
    with (
        pytest.raises(ConflictError, match="closed book Changed cannot be changed"),
        library.unit(None, su=True) as env,
    ):
        env.get("lib.book", book_id).title = "Changed"
    with library.unit(None, su=True) as env:
        book = env.get("lib.book", book_id)
        assert book.title == "Dream of the Red Chamber"
        book.state = "draft"  # moving on stays possible: the workflow owns the state


def test_workflow_exports_for_documentation(library: Instance, library_loan: Instance) -> None:
    with library.unit(None, su=True) as env:
        plain = env.workflow("lib.book")
    with library_loan.unit(None, su=True) as env:
        extended: workflow.Workflow = Env.workflow(env, "lib.book")
    mermaid = extended.to_mermaid()
    assert mermaid.splitlines()[:2] == ["stateDiagram-v2", "    [*] --> draft"]
    assert "    draft --> submitted: submit" in mermaid
    assert "    submitted --> draft: reject" in mermaid
    assert "    closed --> archived: archive" in mermaid
    assert "    archived --> [*]" in mermaid and "    closed --> [*]" not in mermaid
    assert "    closed --> [*]" in plain.to_mermaid()
    dot = extended.to_dot()
    assert dot.startswith('digraph "lib.book" {')
    assert '    "archived" [shape=doublecircle, label="Archived"];' in dot
    assert '    "draft" -> "cancelled" [label="cancel"];' in dot
    assert dot.rstrip().endswith("}")


def test_an_action_takes_the_callers_parameters_and_gives_back_results(
    library: Instance, people: dict[str, int]
) -> None:
    """``fire(..., shelf="B2")`` reaches the actions on ``move.params``; what they put in
    ``move.results`` comes back on the returned move — nothing travels through the session."""
    boss = people["boss"]
    book_id = new_book(library)

    def shelve(env: Env, book: Any, move: workflow.Move) -> None:
        book.number = f"{move.params['shelf']}-{book.id}"
        move.results["label"] = f"shelf {move.params['shelf']}"

    with library.unit(boss) as env:
        submit = env.workflow("lib.book").transition("submit")
        submit.actions.append(shelve)
        try:
            book = env.get("lib.book", book_id)
            done = workflow.fire(env, book, "submit", shelf="B2")
        finally:
            submit.actions.remove(shelve)
        assert done.results == {"label": "shelf B2"}
        assert done.params == {"shelf": "B2"}
    with library.unit(None, su=True) as env:
        book = env.get("lib.book", book_id)
        assert (book.state, book.number) == ("submitted", f"B2-{book_id}")


def test_a_milestone_reached_during_a_transition_moves_the_document_on_after_it(
    library_loan: Instance,
) -> None:
    """An action that reaches a milestone before the other addon's action expects its own
    must not complete the book half-way through the approval: automatic moves wait for
    the outermost transition to return, so the order of the addons' actions is free."""
    boss = make_user(library_loan, "boss", ["library.group_manager"])
    book_id = new_book(library_loan, title="Journey to the West")
    fire(library_loan, boss, book_id, "submit")
    seen: list[str] = []

    def catalogue_at_once(env: Env, book: Any, move: workflow.Move) -> None:
        workflow.reach_milestone(env, book, "catalogued", addon="library")
        seen.append(book.state)  # still approving: not completed behind the loan's back

    with library_loan.unit(boss) as env:
        approve = env.workflow("lib.book").transition("approve")
        approve.actions.insert(1, catalogue_at_once)  # after library's expect, before loan's
        try:
            book = env.get("lib.book", book_id)
            workflow.fire(env, book, "approve")
        finally:
            approve.actions.remove(catalogue_at_once)
        assert seen == ["in_progress"]
        assert book.state == "in_progress", "the loan's labelled milestone is still expected"
        workflow.reach_milestone(env, book, "labelled", addon="library_loan")
        assert book.state == "completed", "outside a transition a milestone advances at once"


def test_a_phase_must_be_declared_by_the_workflow(library: Instance) -> None:
    from kernel.workflow import MilestoneDef, Transition, WorkflowExtension, compose_workflow

    with library.unit(None, su=True) as env:
        base = env.workflow("lib.book")
    bad_transition = WorkflowExtension(
        "lib.book",
        transitions=[Transition("shelve", ("completed",), "closed", "Shelve", auto="review")],
        addon="shelving",
    )
    with pytest.raises(KeyError, match="waits for phase 'review'"):
        compose_workflow(base, [bad_transition])
    bad_milestone = WorkflowExtension(
        "lib.book", milestones=[MilestoneDef("dusted", "Dusted", "cleaning")], addon="shelving"
    )
    with pytest.raises(KeyError, match=r"milestone lib\.book:dusted belongs to phase 'cleaning'"):
        compose_workflow(base, [bad_milestone])
