"""Manufacturing: bills of materials, production orders through stock, and the make route."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.mrp import hooks
    from addons.mrp.models.bom import Bom, BomLine
    from addons.mrp.models.product import ProductMrp
    from addons.mrp.models.production import Production, ProductionComponent
    from addons.mrp.workflow import PRODUCTION_WORKFLOW

    parts.model(ProductMrp, Bom, BomLine, Production, ProductionComponent)
    parts.workflow(PRODUCTION_WORKFLOW)
    parts.plugin(hooks)
