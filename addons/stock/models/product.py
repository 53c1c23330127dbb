"""Stock fields on ``product.product``: tracking by lot/serial and the cost method."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from addons.stock.models.selections import COST_METHODS, TRACKING
from kernel import _, extend, info


@extend("product.product")
class ProductStock:
    tracking: Mapped[str] = mapped_column(
        String(8),
        default="none",
        info=info(_("Tracking"), selection=TRACKING),
    )
    cost_method: Mapped[str] = mapped_column(
        String(8),
        default="standard",
        info=info(
            _("Cost method"),
            _("average: the cost is updated by every receipt; standard: it is set by hand"),
            selection=COST_METHODS,
        ),
    )
