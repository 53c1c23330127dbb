"""``product.category``: a tree of product categories (服装 / 男装)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from kernel import _, info, model
from kernel.errors import ValidationError


@model("product.category", _("Product category"), rec_name="name", order="name")
class ProductCategory:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(128), default="", info=info(_("Chinese name")))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_category.id"),
        index=True,
        nullable=True,
        info=info(_("Parent category")),
    )

    @declared_attr
    def parent(cls: Any) -> Mapped[Any]:
        return relationship(
            "ProductCategory",
            foreign_keys=lambda: [cls.parent_id],
            remote_side=lambda: [cls.id],
        )

    def display_name(self, env: Any) -> str:
        """The full path (``Apparel / Men``), in Chinese for Chinese readers."""
        names = []
        node: Any = self
        seen: set[int] = set()
        while node is not None and id(node) not in seen:
            seen.add(id(node))
            zh = env is not None and env.lang == "zh_CN" and node.name_zh
            names.append(node.name_zh if zh else node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def __validate__(self) -> None:
        node: Any = self.parent
        while node is not None:
            if node is self:
                raise ValidationError(
                    _("Parent category: %(name)s cannot be its own parent", name=self.name),
                    field="parent_id",
                )
            node = node.parent
