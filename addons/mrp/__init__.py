"""Manufacturing: bills of materials, production orders through stock, and the make route."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.mrp import hooks, hookspecs, sale_hooks
    from addons.mrp.models.bom import Bom, BomByproduct, BomLine
    from addons.mrp.models.genealogy import LotGenealogy
    from addons.mrp.models.operation import BomOperation, OperationLoad, ProductionOperation
    from addons.mrp.models.product import ProductMrp
    from addons.mrp.models.production import Production, ProductionComponent
    from addons.mrp.models.quality import (
        BomQuality,
        ProductionQuality,
        QualityCheck,
        QualityPoint,
    )
    from addons.mrp.models.workcenter import Calendar, CalendarHoliday, Workcenter
    from addons.mrp.operation_workflow import OPERATION_WORKFLOW
    from addons.mrp.workflow import PRODUCTION_WORKFLOW
    from kernel.i18n import _
    from kernel.workflow import MilestoneDef, WorkflowExtension

    parts.model(ProductMrp, Bom, BomLine, BomByproduct, Production, ProductionComponent)
    parts.model(QualityPoint, BomQuality, QualityCheck, ProductionQuality, LotGenealogy)
    parts.workflow(PRODUCTION_WORKFLOW)
    parts.model(Calendar, CalendarHoliday, Workcenter, BomOperation, ProductionOperation)
    parts.model(OperationLoad)
    parts.workflow(OPERATION_WORKFLOW)
    parts.hookspec(hookspecs)
    parts.plugin(hooks)
    # an order whose shortage is being made expects it produced (see sale_hooks)
    parts.plugin(sale_hooks, when=("sales_order",))
    parts.extend_workflow(
        WorkflowExtension(
            "sale.order",
            milestones=[MilestoneDef("produced", _("Produced"), "execution", sequence=6)],
        ),
        when=("sales_order",),
    )
