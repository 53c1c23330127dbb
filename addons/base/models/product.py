"""``product.product``: what is bought, stocked and sold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, column, select, table
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, object_session

from addons.base.models.checks import check_not_negative, require
from kernel import Money, Quantity, _, info, many2one, model
from kernel.errors import ValidationError

PRODUCT_TYPES = [
    ("stockable", _("Stockable product")),
    ("consumable", _("Consumable")),
    ("service", _("Service")),
]

DEFAULT_UOM = ("base", "uom_unit")
"""A new product counts in units (pieces) unless told otherwise."""
_MODEL_DATA = table("ir_model_data", column("addon"), column("name"), column("res_id"))
_DEFAULT_UOM_ID = select(_MODEL_DATA.c.res_id).where(
    _MODEL_DATA.c.addon == DEFAULT_UOM[0], _MODEL_DATA.c.name == DEFAULT_UOM[1]
)


def _default_uom_id(context: Any) -> int | None:
    """Column default for rows inserted without the ORM's ``__defaults__`` (bulk inserts)."""
    return context.connection.scalar(_DEFAULT_UOM_ID) if context is not None else None


@model("product.product", _("Product"), rec_name="name", order="default_code,name")
class Product:
    id: Mapped[int] = mapped_column(primary_key=True)
    default_code: Mapped[str | None] = mapped_column(
        String(64), unique=True, nullable=True, info=info(_("Internal reference"))
    )
    name: Mapped[str] = mapped_column(String(256), index=True, info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(256), default="", info=info(_("Chinese name")))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_category.id"), index=True, nullable=True, info=info(_("Category"))
    )
    type: Mapped[str] = mapped_column(
        String(16),
        default="stockable",
        info=info(_("Product type"), selection=PRODUCT_TYPES),
    )
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"),
        index=True,
        default=_default_uom_id,
        info=info(
            _("Unit of measure"), _("Unit (pieces) when left empty"), default_ref="base.uom_unit"
        ),
    )
    list_price: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Sales price"), widget="monetary")
    )
    standard_price: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Cost"), widget="monetary")
    )
    sale_tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, info=info(_("Sales tax"))
    )
    purchase_tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, info=info(_("Purchase tax"))
    )
    barcode: Mapped[str | None] = mapped_column(
        String(64), unique=True, nullable=True, info=info(_("Barcode"))
    )
    weight: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Weight (kg)"))
    )
    volume: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Volume (m³)"))
    )
    specification: Mapped[str] = mapped_column(
        String(256), default="", info=info(_("Specification"))
    )
    description: Mapped[str] = mapped_column(Text, default="", info=info(_("Description")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))
    sale_ok: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Can be sold")))
    purchase_ok: Mapped[bool] = mapped_column(
        Boolean, default=True, info=info(_("Can be purchased"))
    )

    @declared_attr
    def category(cls) -> Mapped[Any]:
        return many2one(cls, "ProductCategory", "category_id")

    @declared_attr
    def uom(cls) -> Mapped[Any]:
        return many2one(cls, "Uom", "uom_id")

    @declared_attr
    def sale_tax(cls) -> Mapped[Any]:
        return many2one(cls, "Tax", "sale_tax_id")

    @declared_attr
    def purchase_tax(cls) -> Mapped[Any]:
        return many2one(cls, "Tax", "purchase_tax_id")

    @property
    def is_storable(self) -> bool:
        return self.type == "stockable"

    def display_name(self, env: Any = None) -> str:
        """``[REF] Name``, with the Chinese name for users reading Chinese."""
        lang = getattr(env, "lang", None)
        if lang is None:
            from kernel.i18n import get_locale

            lang = get_locale()
        name = self.name_zh if lang == "zh_CN" and self.name_zh else self.name
        return f"[{self.default_code}] {name}" if self.default_code else name

    def __defaults__(self) -> None:
        """A product created without a unit counts in units (``base.uom_unit``)."""
        if self.uom_id is not None or self.uom is not None:
            return
        session = object_session(self)
        if session is not None:
            self.uom_id = session.scalar(_DEFAULT_UOM_ID)

    def __validate__(self) -> None:
        require(self, "name", _("Name"))
        check_not_negative(self, "list_price", _("Sales price"))
        check_not_negative(self, "standard_price", _("Cost"))
        check_not_negative(self, "weight", _("Weight (kg)"))
        check_not_negative(self, "volume", _("Volume (m³)"))
        if self.type not in {key for key, _label in PRODUCT_TYPES}:
            raise ValidationError(
                _("Product type: %(value)s is not a known type", value=self.type), field="type"
            )
        if self.uom_id is None and getattr(self, "uom", None) is None:
            raise ValidationError(_("Unit of measure: a value is required"), field="uom_id")

    @classmethod
    def __validate_batch__(cls, session: Session, products: list[Any]) -> None:
        """Internal references and barcodes are unique when set; name the clashing value."""
        model_cls = type(products[0])
        for field, label in (("default_code", _("Internal reference")), ("barcode", _("Barcode"))):
            seen: dict[str, Any] = {}
            for product in products:
                value = getattr(product, field)
                if value is not None and not value.strip():
                    setattr(product, field, None)
                    continue
                if value:
                    if value in seen and seen[value] is not product:
                        raise _duplicate(field, label, value)
                    seen[value] = product
            if not seen:
                continue
            column = getattr(model_cls, field)
            for pid, value in session.execute(
                select(model_cls.id, column).where(column.in_(list(seen)))
            ):
                if seen[value].id != pid:
                    raise _duplicate(field, label, value)


def _duplicate(field: str, label: Any, value: str) -> ValidationError:
    return ValidationError(
        _("%(field)s: %(value)s is already used by another product", field=label, value=value),
        field=field,
    )
