"""The stock services API: business functions taking ``env`` first.

* :func:`receive` / :func:`scrap` — quick, immediately done moves;
* :func:`reserve_order` — reserve a sales order's goods and create its delivery;
* :func:`validate_picking` — process a transfer, all or ``{move_id: qty}``, with backorder;
* :func:`availability` — on hand / reserved / available / incoming / outgoing / forecast;
* :func:`release_waiting` — complete waiting reservations once goods arrived;
* :func:`run_reorder_rules` — raise replenishment for products under their minimum.
"""

from addons.stock.services.availability import availability
from addons.stock.services.pickings import (
    cancel_picking,
    confirm_picking,
    create_picking,
    validate_picking,
)
from addons.stock.services.receive import receive, scrap
from addons.stock.services.reorder import run_reorder_rules
from addons.stock.services.reservation import release_waiting
from addons.stock.services.sale import reserve_order

__all__ = [
    "availability",
    "cancel_picking",
    "confirm_picking",
    "create_picking",
    "receive",
    "release_waiting",
    "reserve_order",
    "run_reorder_rules",
    "scrap",
    "validate_picking",
]
