"""Master data every business addon shares: companies, currencies, units of measure,
countries, payment terms, taxes, partners and products, plus the one rounding and
tax engine (``addons.base.services``) all documents compute with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts
    from kernel.env import Env


def register(parts: AddonParts) -> None:
    from addons.base import hooks
    from addons.base.models.company import Company
    from addons.base.models.country import Country, Region
    from addons.base.models.currency import Currency, CurrencyRate
    from addons.base.models.partner import Partner
    from addons.base.models.partner_group import CustomerGroup
    from addons.base.models.partner_tag import PartnerTag, PartnerTagRel
    from addons.base.models.payment_term import PaymentTerm
    from addons.base.models.product import Product
    from addons.base.models.product_category import ProductCategory
    from addons.base.models.tax import Tax
    from addons.base.models.uom import Uom, UomCategory

    parts.model(
        Currency,
        CurrencyRate,
        Country,
        Region,
        Company,
        UomCategory,
        Uom,
        PaymentTerm,
        Tax,
        CustomerGroup,
        PartnerTag,
        Partner,
        PartnerTagRel,
        ProductCategory,
        Product,
    )
    parts.plugin(hooks)


def post_install(env: Env) -> None:
    """Name the main company and pick its currency from the settings chosen at setup."""
    from addons.base.services.company import apply_instance_settings

    apply_instance_settings(env)
