"""``stock.location``: a place goods can be — shelves, or virtual partners of moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, func, inspect, update
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, object_session, relationship

from addons.stock.models.selections import LOCATION_ROLES, LOCATION_USAGES
from kernel import _, info, many2one, model
from kernel.errors import ValidationError


@model("stock.location", _("Location"), rec_name="full_name", order="full_name", cached=True)
class Location:
    """A node of the location tree.

    ``usage`` says what the location is: ``internal`` ones hold the company's stock
    (quants there count as on hand and may not go negative unless allowed); the
    virtual ones (vendor, customer, inventory loss, production, transit) are the
    other side of the double entry, so every move has a source and a destination.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    full_name: Mapped[str] = mapped_column(
        String(512), default="", index=True, info=info(_("Full name"), readonly=True)
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_location.id"), index=True, nullable=True, info=info(_("Parent"))
    )
    usage: Mapped[str] = mapped_column(
        String(16), default="internal", info=info(_("Type"), selection=LOCATION_USAGES)
    )
    role: Mapped[str] = mapped_column(
        String(16),
        default="",
        info=info(_("Role in warehouse"), selection=LOCATION_ROLES, readonly=True),
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), index=True, nullable=True, info=info(_("Warehouse"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), index=True, nullable=True, info=info(_("Company"))
    )
    allow_negative: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        info=info(_("Allow negative stock"), _("moves may take more than is on hand here")),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def parent(cls: Any) -> Mapped[Any]:
        # Self-referential: without remote_side SQLAlchemy would read parent_id → id as
        # one-to-many (the children) and warn when a location has several.
        return relationship(
            "Location",
            foreign_keys=lambda: [cls.parent_id],
            remote_side=lambda: [cls.id],
        )

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")

    @property
    def is_internal(self) -> bool:
        return self.usage == "internal"

    def __validate__(self) -> None:
        """Keep ``full_name`` (``WH/Stock``), the name every screen shows, in step with the tree.

        Locations made on the generic form name only themselves; a renamed or moved
        location renames the ones below it too (one UPDATE).
        """
        state = inspect(self)
        moved = any(state.attrs[key].history.has_changes() for key in ("name", "parent_id"))
        if self.full_name and state.persistent and not moved:
            return
        session = object_session(self)
        parent = self.parent
        if parent is None and self.parent_id is not None and session is not None:
            parent = session.get(type(self), self.parent_id)
        ancestor = parent
        while ancestor is not None:
            if ancestor is self or (self.id is not None and ancestor.id == self.id):
                raise ValidationError(
                    _("Parent: a location cannot be inside itself"), field="parent_id"
                )
            ancestor = ancestor.parent
        name = (self.name or "").strip()
        full_name = f"{parent.full_name or parent.name}/{name}" if parent is not None else name
        old = self.full_name
        self.full_name = full_name
        if state.persistent and old and old != full_name and session is not None:
            cls = type(self)
            session.execute(
                update(cls)
                .where(cls.full_name.startswith(old + "/", autoescape=True))
                .values(full_name=full_name + func.substr(cls.full_name, len(old) + 1))
                .execution_options(synchronize_session=False)
            )
