"""Transfers: creating them, confirming (reserving), validating with backorders, cancelling.

State changes that a user asks for (confirm, validate, cancel) go through the
``stock.picking`` workflow so they are checked against the stock groups and
written to the history; the services here are the workflow's actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from addons.base.services.uom import convert
from addons.stock.hookspecs import StockHooks
from addons.stock.services.done import do_moves
from addons.stock.services.moves import cancel_moves, insert_moves, new_move, split_move
from addons.stock.services.quants import LockedQuants, lock_quants
from addons.stock.services.reservation import reserve_moves, sync_picking_states
from kernel import workflow
from kernel.bulk import batches_returning
from kernel.errors import ConflictError, ValidationError
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

#: states of a move still to be done (what ``picking_moves(open_only=True)`` reads)
OPEN_STATES = ("draft", "waiting", "available")

SEQUENCE_CODES = {
    "incoming": "stock.picking.incoming",
    "outgoing": "stock.picking.outgoing",
    "internal": "stock.picking.internal",
}


def create_picking(
    env: Env,
    picking_type: str,
    location_id: int,
    location_dest_id: int,
    lines: Sequence[dict[str, Any]],
    *,
    warehouse_id: int | None = None,
    company_id: int | None = None,
    **values: Any,
) -> Any:
    """A draft transfer with one move per line ``{product, quantity, uom?, lot_id?, price_unit?, ...}``.

    Products are loaded in one query when lines give ``product_id`` instead of ``product``.
    """
    picking, _moves = create_transfer(
        env,
        picking_type,
        location_id,
        location_dest_id,
        lines,
        warehouse_id=warehouse_id,
        company_id=company_id,
        **values,
    )
    return picking


def create_transfer(
    env: Env,
    picking_type: str,
    location_id: int,
    location_dest_id: int,
    lines: Sequence[dict[str, Any]],
    *,
    warehouse_id: int | None = None,
    company_id: int | None = None,
    to_confirm: bool = False,
    **values: Any,
) -> tuple[Any, list[Any]]:
    """:func:`create_picking`, also giving the moves it made (in the order of ``lines``).

    A caller confirming the transfer right away passes them to :func:`confirm_picking`,
    which then need not read them back. ``to_confirm`` (it does, in the same step):
    on PostgreSQL nothing is written yet, and the reservation's flush inserts the
    transfer and its moves once, reserved, instead of inserting drafts and updating
    every row of them moments later. SQLite inserts them now (its flush would insert
    the moves one by one: :func:`kernel.bulk.batches_returning`).
    """
    Picking = env["stock.picking"]
    Product = env["product.product"]
    if not lines:
        raise ValidationError(_("a transfer needs at least one product"), field="moves")
    wanted = {line["product_id"] for line in lines if "product" not in line}
    products = env.browse(Product, wanted) if wanted else {}
    picking = Picking(
        name=env.next_number(SEQUENCE_CODES[picking_type], company_id),
        picking_type=picking_type,
        location_id=location_id,
        location_dest_id=location_dest_id,
        warehouse_id=warehouse_id,
        company_id=company_id,
        state="draft",
        **values,
    )
    env.session.add(picking)
    pending = to_confirm and batches_returning(env)
    if not pending:
        env.session.flush()
    moves = []
    for line in lines:
        line = dict(line)
        product = line.pop("product", None) or products[line.pop("product_id")]
        quantity = line.pop("quantity")
        moves.append(
            new_move(
                env,
                product,
                quantity,
                line.pop("location_id", location_id),
                line.pop("location_dest_id", location_dest_id),
                picking_id=picking.id,
                reference=picking.name,
                warehouse_id=warehouse_id,
                company_id=company_id,
                origin_model=line.pop("origin_model", picking.origin_model),
                origin_id=line.pop("origin_id", picking.origin_id),
                priority=line.pop("priority", picking.priority),
                **line,
            )
        )
    if pending:
        picking.moves = moves
        return picking, moves
    return picking, insert_moves(env, picking.id, moves)


def picking_moves(env: Env, picking: Any, *, open_only: bool = False) -> list[Any]:
    """The transfer's moves with their products (validating reads every product: one query)."""
    Move = env["stock.move"]

    def build() -> Any:
        query = (
            select(Move)
            .where(Move.picking_id == bindparam("picking_id"))
            .order_by(Move.id)
            .options(joinedload(Move.product, innerjoin=True))
        )
        return query.where(Move.state.in_(OPEN_STATES)) if open_only else query

    query = built(env.registry, ("stock.picking_moves", open_only), build)
    return list(env.session.scalars(query, {"picking_id": picking.id}))


def confirm_picking(
    env: Env,
    picking: Any,
    *,
    automatic: bool = False,
    moves: Sequence[Any] | None = None,
    quants: LockedQuants | None = None,
) -> Any:
    """Draft → waiting, then reserve what can be (→ ready when everything is).

    ``moves``: every move of the transfer, when the caller holds them (it just made
    the transfer with :func:`create_transfer`); they are then not read again.
    ``quants``: the stock the caller locked before making the transfer (see
    :func:`addons.stock.services.sale.reserve_order`); the reservation uses it.
    """
    params: dict[str, Any] = {}
    if moves is not None:
        params["moves"] = list(moves)
    if quants is not None:
        params["quants"] = quants
    workflow.fire(env, picking, "confirm", automatic=automatic, **params)
    return picking


def reserve_picking(env: Env, picking: Any) -> list[Any]:
    """Try again to reserve the open moves of a waiting transfer."""
    moves = picking_moves(env, picking, open_only=True)
    changed = reserve_moves(env, moves, whole=True)
    return changed


def validate_picking(
    env: Env,
    picking: Any,
    quantities: dict[int, Decimal] | None = None,
    *,
    automatic: bool = False,
) -> Any | None:
    """Process the transfer: all of it, or ``quantities`` per move id (product unit).

    Moves given less than planned (or left out of ``quantities``) keep the rest in
    a backorder transfer, which is returned (``None`` when everything was processed).
    """
    if picking.state == "draft":
        confirm_picking(env, picking, automatic=automatic)
    if quantities is not None:
        moves = {m.id: m for m in picking_moves(env, picking, open_only=True)}
        unknown = set(quantities) - set(moves)
        if unknown:
            raise ValidationError(
                _(
                    "moves %(ids)s do not belong to transfer %(name)s",
                    ids=", ".join(str(i) for i in sorted(unknown)),
                    name=picking.name,
                ),
                field="moves",
            )
        for move_id, move in moves.items():
            move.quantity_done = Decimal(quantities.get(move_id, 0))
        if not any(quantities.values()):
            raise ValidationError(
                _("nothing to process in %(name)s: every quantity is zero", name=picking.name),
                field="quantity_done",
            )
    done = workflow.fire(env, picking, "validate", automatic=automatic)
    return done.results.get("backorder")


def cancel_picking(env: Env, picking: Any, *, automatic: bool = False, reason: str = "") -> Any:
    workflow.fire(env, picking, "cancel", automatic=automatic, reason=reason)
    return picking


# --- workflow actions -----------------------------------------------------------------


def _claim(env: Env, picking: Any, move: Any) -> None:
    """Lock the transfer's row and check nobody moved it since we read it.

    Two users pressing Validate and Cancel at once both read "ready"; the second
    to get the row lock sees the first one's outcome here and is refused.
    """
    if picking.id is None or ("stock.picking", picking.id) in env.cache.created_records:
        # inserted by this transaction: no other one can see the row, let alone move it
        # (an approval confirming the delivery it just made needs no lock to claim it)
        return
    Picking = env["stock.picking"]
    with env.session.no_autoflush:
        stmt = built(
            env.registry,
            "stock.claim_picking",
            lambda: (
                select(Picking.state).where(Picking.id == bindparam("picking_id")).with_for_update()
            ),
        )
        current = env.session.execute(stmt, {"picking_id": picking.id}).scalar()
    open_states = ("waiting", "ready")  # follow reservations; not a user's decision
    same = current == move.from_state or (current in open_states and move.from_state in open_states)
    if not same:
        raise ConflictError(
            _(
                "%(name)s was changed by someone else meanwhile; reload and retry",
                name=picking.name,
            )
        )


def action_confirm(env: Env, picking: Any, move: Any) -> None:
    _claim(env, picking, move)
    given = move.params.get("moves")
    if given is not None:  # the caller's: every move of the transfer (confirm_picking)
        moves = [m for m in given if _belongs(m, picking) and m.state in OPEN_STATES]
    else:
        moves = picking_moves(env, picking, open_only=True)
    _refresh_product_qty(env, [m for m in moves if m.state == "draft"])
    for m in moves:
        m.state = "waiting"
    reserve_moves(env, moves, whole=True, locked=move.params.get("quants"))


def _belongs(move: Any, picking: Any) -> bool:
    """``move`` is one of ``picking``'s (by the object while neither is written yet)."""
    return move.picking is picking if picking.id is None else move.picking_id == picking.id


def _refresh_product_qty(env: Env, moves: list[Any]) -> None:
    """Lines edited on a draft transfer: their quantity in the product's unit follows."""
    if not moves:
        return
    Product = env["product.product"]
    Uom = env["uom.uom"]
    products = env.browse(Product, {m.product_id for m in moves})
    uom_ids = {m.uom_id for m in moves} | {p.uom_id for p in products.values()}
    uoms = env.browse(Uom, uom_ids)
    for m in moves:
        if m.quantity is None or m.quantity <= 0:
            raise ValidationError(
                _("Quantity: every line of %(name)s needs a positive quantity", name=m.reference),
                field="quantity",
            )
        product = products[m.product_id]
        m.product_qty = convert(env, m.quantity, uoms[m.uom_id], uoms[product.uom_id])


def action_reserve(env: Env, picking: Any, move: Any) -> None:
    """Reserve again; when nothing more could be, say so (the user pressed a button)."""
    _claim(env, picking, move)
    moves = picking_moves(env, picking, open_only=True)
    before = sum((m.reserved_qty for m in moves), Decimal(0))
    reserve_picking(env, picking)
    if sum((m.reserved_qty for m in moves), Decimal(0)) == before:
        move.note = _("nothing more could be reserved: the missing quantities are not in stock")


def action_cancel(env: Env, picking: Any, move: Any) -> None:
    _claim(env, picking, move)
    cancel_moves(env, picking_moves(env, picking, open_only=True))


def action_validate(env: Env, picking: Any, move: Any) -> None:
    """Do the moves (up to ``quantity_done`` when any is set); the rest goes to a backorder."""
    _claim(env, picking, move)
    # set with the new state, so both go in the one UPDATE the next query flushes
    picking.date_done = utcnow()
    moves = picking_moves(env, picking, open_only=True)
    if not moves:
        raise ValidationError(_("%(name)s has nothing left to process", name=picking.name))
    partial = any(m.quantity_done for m in moves)
    plan: list[tuple[Any, Decimal]] = []
    for m in moves:
        qty = m.quantity_done if partial else m.product_qty
        if qty < 0:
            raise ValidationError(
                _("Quantity to process: cannot be negative"), field="quantity_done"
            )
        if qty > m.product_qty:
            raise ValidationError(
                _(
                    "Quantity to process: %(qty)s is more than the %(planned)s planned",
                    qty=qty,
                    planned=m.product_qty,
                ),
                field="quantity_done",
            )
        plan.append((m, qty))
    if any(qty < m.product_qty for m, qty in plan):
        # A backorder: the quants are locked before anything else, in the order an
        # approval takes its locks (its goods, then its delivery's number: reserve_order),
        # so that the backorder's number, drawn next from the same series, never makes
        # the two wait for each other; and before the split moves' reservations are
        # written (their foreign key shares the quant row, and two units each holding
        # that share while asking for the row's update lock deadlock).
        lock_quants(env, {m.product_id for m in moves}, {m.location_id for m in moves})
    to_do: list[Any] = []
    rest: list[Any] = []
    for m, qty in plan:
        if qty == 0:
            rest.append(m)
            continue
        if qty < m.product_qty:
            rest.append(split_move(env, m, qty))
        to_do.append(m)
    backorder = None
    if rest:
        backorder = _create_backorder(env, picking, rest)
    do_moves(env, to_do)
    env.session.flush()
    move.results["backorder"] = backorder
    StockHooks(env).stock_picking_done(env=env, picking=picking)


def _create_backorder(env: Env, picking: Any, moves: list[Any]) -> Any:
    Picking = env["stock.picking"]
    backorder = Picking(
        name=env.next_number(SEQUENCE_CODES[picking.picking_type], picking.company_id),
        picking_type=picking.picking_type,
        location_id=picking.location_id,
        location_dest_id=picking.location_dest_id,
        warehouse_id=picking.warehouse_id,
        company_id=picking.company_id,
        partner_id=picking.partner_id,
        origin=picking.origin,
        origin_model=picking.origin_model,
        origin_id=picking.origin_id,
        priority=picking.priority,
        scheduled_date=picking.scheduled_date,
        backorder_of_id=picking.id,
        state="waiting",
    )
    env.session.add(backorder)
    env.session.flush()
    for m in moves:
        m.picking_id = backorder.id
        m.reference = backorder.name
        m.quantity_done = Decimal(0)
    env.session.flush()
    sync_picking_states(env, [backorder.id])
    return backorder
