"""A vendor bill's purchase lines: the quantities behind its amounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Mapped, declared_attr

from kernel import extend, one2many


@extend("account.move")
class MovePurchaseLines:
    @declared_attr
    def purchase_lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "PurchaseBillLine",
            "move_id",
            order_by="id",
            cascade="all, delete-orphan",
            back_populates="move",
        )
