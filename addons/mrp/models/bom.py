"""Bills of materials: what goes into a product, per quantity made.

A bill lists components with their quantity in any unit of the component's
kind (grams of a product counted in kilograms), and a scrap percentage that
adds what is lost in the making. A component that has a bill of its own is a
sub-assembly: a *kit* bill (``phantom``) is exploded into its components on the
production order, a normal one is made by its own production order when short.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, Quantity, _, info, many2one, model, one2many

BOM_TYPES = [
    ("normal", _("Manufacture this product")),
    ("phantom", _("Kit (exploded into its components)")),
]


@model("mrp.bom", _("Bill of materials"), rec_name="code", order="product_id,sequence,id")
class Bom:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), default="", info=info(_("Reference")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    quantity: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(1),
        info=info(_("Quantity made"), _("the component quantities are for this many")),
    )
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"), info=info(_("Unit"), computed=True)
    )
    type: Mapped[str] = mapped_column(
        String(8), default="normal", info=info(_("Bill type"), selection=BOM_TYPES)
    )
    sequence: Mapped[int] = mapped_column(
        Integer, default=10, info=info(_("Sequence"), _("the first active bill is used"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))
    date_start: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Valid from"), _("empty: since always"))
    )
    date_end: Mapped[dt.date | None] = mapped_column(
        Date,
        nullable=True,
        info=info(_("Valid until"), _("empty: no end; a new version starts the day after")),
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, index=True, info=info(_("Company"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "BomLine",
            "bom_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="bom",
        )

    @declared_attr
    def byproducts(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "BomByproduct",
            "bom_id",
            order_by="id",
            cascade="all, delete-orphan",
            back_populates="bom",
        )

    @declared_attr
    def operations(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "BomOperation",
            "bom_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="bom",
        )

    def display_name(self, env: Any = None) -> str:
        product = self.product.display_name(env) if self.product is not None else ""
        return f"{self.code} — {product}" if self.code else product

    def __on_create__(self, env: Any) -> None:
        """A bill entered on a form or over the API counts in the product's unit unless told."""
        from addons.mrp.services.boms import fill_bom

        fill_bom(env, self)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        if changed & {"product_id", "uom_id", "quantity", "date_start", "date_end"}:
            from addons.mrp.services.boms import fill_bom

            fill_bom(env, self)


@model("mrp.bom.line", _("Bill of materials line"), order="bom_id,sequence,id")
class BomLine:
    id: Mapped[int] = mapped_column(primary_key=True)
    bom_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_bom.id", ondelete="CASCADE"), index=True, info=info(_("Bill of materials"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Component"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"),
        info=info(
            _("Unit"),
            _("any unit of the component's kind; the component's own when empty"),
            computed=True,
        ),
    )
    scrap_percent: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(0),
        info=info(_("Scrap %"), _("extra consumed for what is lost in the making")),
    )

    @declared_attr
    def bom(cls) -> Mapped[Any]:
        return many2one(cls, "Bom", "bom_id", back_populates="lines")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    def __on_create__(self, env: Any) -> None:
        """A line added to an existing bill; a new bill's own hook checks its lines."""
        from addons.mrp.services.boms import fill_line

        if self.bom is not None and self.bom.id is None:
            return
        fill_line(env, self)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        if changed & {"product_id", "uom_id", "quantity", "scrap_percent"}:
            from addons.mrp.services.boms import fill_line

            fill_line(env, self)


@model("mrp.bom.byproduct", _("By-product"), order="bom_id,id")
class BomByproduct:
    """Something else the making yields (offcuts, sawdust), brought into stock with the product."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bom_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_bom.id", ondelete="CASCADE"), index=True, info=info(_("Bill of materials"))
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("By-product"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"), info=info(_("Unit"), computed=True)
    )
    cost_share: Mapped[Decimal] = mapped_column(
        Exact(2),
        default=Decimal(0),
        info=info(_("Cost share %"), _("part of the material cost the by-product carries")),
    )

    @declared_attr
    def bom(cls) -> Mapped[Any]:
        return many2one(cls, "Bom", "bom_id", back_populates="byproducts")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    def __on_create__(self, env: Any) -> None:
        from addons.mrp.services.boms import fill_byproduct

        if self.bom is not None and self.bom.id is None:
            return
        fill_byproduct(env, self)
