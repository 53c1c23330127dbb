"""Order exceptions: report, handle, resolve — and show the open ones to their group."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from sqlalchemy import select

from kernel.errors import ValidationError
from kernel.i18n import _, text_of
from kernel.workflow import add_comment

if TYPE_CHECKING:
    from kernel.env import Env

KINDS = ("delay", "quality", "complaint", "other")
OPEN = ("open", "in_progress")


def report_exception(
    env: Env,
    order: Any,
    kind: str,
    description: str,
    group_xmlid: str = "sales_order.group_manager",
    due_date: dt.date | None = None,
) -> Any:
    """Record a problem on an order and hand it to a group (shown on its dashboard)."""
    if kind not in KINDS:
        raise ValidationError(
            _("Type: %(kind)s is not a known exception type", kind=kind), field="kind"
        )
    if not (description or "").strip():
        raise ValidationError(_("Description: say what went wrong"), field="description")
    Group = env["res.group"]
    group_id = env.session.scalar(select(Group.id).where(Group.xmlid == group_xmlid))
    if group_id is None:
        raise ValidationError(
            _("Responsible group: %(group)s does not exist", group=group_xmlid), field="group_id"
        )
    Exception_ = env["sale.order.exception"]
    record = Exception_(
        order_id=order.id,
        kind=kind,
        description=description.strip(),
        group_id=group_id,
        due_date=due_date,
        status="open",
        reported_by_id=env.uid,
    )
    env.session.add(record)
    env.session.flush()
    add_comment(env, order, text_of(_("Exception reported: %(text)s", text=record.description)))
    return record


def set_status(env: Env, record: Any, status: str, resolution: str = "") -> Any:
    """Move an exception along; resolving it needs a resolution text."""
    if status not in ("open", "in_progress", "resolved"):
        raise ValidationError(_("Status: %(status)s is not valid", status=status), field="status")
    if status == "resolved" and not (resolution or record.resolution or "").strip():
        raise ValidationError(_("Resolution: say how the problem was solved"), field="resolution")
    record.status = status
    if resolution:
        record.resolution = resolution.strip()
    env.session.flush()
    if status == "resolved":
        add_comment(
            env, record.order, text_of(_("Exception resolved: %(text)s", text=record.resolution))
        )
    return record


def open_exceptions_for_user(env: Env, limit: int = 20) -> list[Any]:
    """Open exceptions assigned to one of the current user's groups, oldest due first."""
    Exception_ = env["sale.order.exception"]
    Group = env["res.group"]
    stmt = (
        select(Exception_)
        .join(Group, Group.id == Exception_.group_id)
        .where(Exception_.status.in_(OPEN))
        .order_by(Exception_.due_date.is_(None), Exception_.due_date, Exception_.id)
        .limit(limit)
    )
    if not env.is_superuser:
        stmt = stmt.where(Group.xmlid.in_(sorted(env.group_xmlids)))
    return list(env.session.scalars(stmt))


def open_exceptions_of_order(env: Env, order_id: int) -> list[Any]:
    Exception_ = env["sale.order.exception"]
    return list(
        env.session.scalars(
            select(Exception_)
            .where(Exception_.order_id == order_id, Exception_.status.in_(OPEN))
            .order_by(Exception_.id)
        )
    )


def render_open_exceptions_widget(env: Env) -> Markup:
    """Dashboard widget: the open exceptions the user's groups are responsible for."""
    rows = open_exceptions_for_user(env)
    if not rows:
        return Markup("<p class='empty'>{}</p>").format(_("No open exceptions."))
    Order = env["sale.order"]
    orders = {
        o.id: o
        for o in env.session.scalars(select(Order).where(Order.id.in_({r.order_id for r in rows})))
    }
    kinds = dict(env["sale.order.exception"].__table__.c.kind.info["selection"])
    items = Markup("").join(
        Markup("<li><a href='/app/sales/orders/{}'>{}</a> · {} · {}{}</li>").format(
            r.order_id,
            orders[r.order_id].name,
            text_of(kinds.get(r.kind, r.kind)),
            escape(r.description),
            Markup(" · <span class='due'>{}</span>").format(r.due_date.isoformat())
            if r.due_date
            else "",
        )
        for r in rows
    )
    return Markup("<ul class='order-exceptions'>{}</ul>").format(items)
