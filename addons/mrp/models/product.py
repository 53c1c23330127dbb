"""Manufacturing fields on ``product.product``: how the product is supplied."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, extend, info

SUPPLY_ROUTES = [
    ("buy", _("Buy")),
    ("make", _("Manufacture")),
]


@extend("product.product")
class ProductMrp:
    supply_route: Mapped[str] = mapped_column(
        String(8),
        default="buy",
        info=info(
            _("Supply route"),
            _(
                "Manufacture: reorder rules and sales shortages raise a production order "
                "from the product's bill of materials instead of a purchase requisition"
            ),
            selection=SUPPLY_ROUTES,
        ),
    )
