"""List and form screens of master data, and the "Master Data" menu.

Partners get customer/supplier filters (one screen, two menu entries); a
partner's contacts and delivery addresses are edited inline as lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel.i18n import _
from kernel.web.views import Filter, FormView, Lines, ListView, Section, View


def _customers(env: Any, Model: Any) -> Any:
    return Model.is_customer.is_(True)


def _suppliers(env: Any, Model: Any) -> Any:
    return Model.is_supplier.is_(True)


def _companies(env: Any, Model: Any) -> Any:
    return Model.parent_id.is_(None)


def _archived(env: Any, Model: Any) -> Any:
    return Model.active.is_(False)


def _services(env: Any, Model: Any) -> Any:
    return Model.type == "service"


def _stockable(env: Any, Model: Any) -> Any:
    return Model.type == "stockable"


PARTNER_VIEW = View(
    model="res.partner",
    url="partners",
    title=_("Partners"),
    list=ListView(
        columns=["ref", "name", "city", "phone", "email", "customer_group_id", "salesperson_id"],
        search=["name", "ref", "phone", "email", "city"],
        filters=[
            Filter("customers", _("Customers"), _customers, defaults={"is_customer": True}),
            Filter("suppliers", _("Suppliers"), _suppliers, defaults={"is_supplier": True}),
            Filter("companies", _("Companies only"), _companies),
            Filter("archived", _("Archived"), _archived),
        ],
        group_by=["customer_group_id", "country_id", "salesperson_id"],
        sums=["credit_limit"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "is_company", "parent_id", "type", "ref", "tax_id"]),
            Section(
                _("Address"),
                ["street", "street2", "city", "zip", "state_id", "country_id"],
            ),
            Section(_("Contact"), ["phone", "mobile", "email", "lang"]),
            Section(
                _("Sales and purchases"),
                [
                    "is_customer",
                    "is_supplier",
                    "customer_group_id",
                    "salesperson_id",
                    "payment_term_id",
                    "credit_limit",
                ],
            ),
            Section(_("Notes"), ["notes", "active"]),
        ],
        lines=[
            Lines(
                "children",
                ["type", "name", "phone", "mobile", "email", "street", "city"],
                label=_("Contacts and addresses"),
            )
        ],
    ),
)

PRODUCT_VIEW = View(
    model="product.product",
    url="products",
    title=_("Products"),
    list=ListView(
        columns=[
            "default_code",
            "name",
            "name_zh",
            "category_id",
            "type",
            "uom_id",
            "list_price",
            "standard_price",
        ],
        search=["default_code", "name", "name_zh", "barcode"],
        filters=[
            Filter("stockable", _("Stockable products"), _stockable),
            Filter("services", _("Services"), _services),
            Filter("archived", _("Archived"), _archived),
        ],
        group_by=["category_id", "type"],
    ),
    form=FormView(
        sections=[
            Section(
                None,
                ["default_code", "name", "name_zh", "category_id", "type", "uom_id", "barcode"],
            ),
            Section(
                _("Prices and taxes"),
                ["list_price", "standard_price", "sale_tax_id", "purchase_tax_id"],
            ),
            Section(
                _("Logistics"), ["weight", "volume", "specification", "sale_ok", "purchase_ok"]
            ),
            Section(_("Description"), ["description", "active"]),
        ]
    ),
)

CATEGORY_VIEW = View(
    model="product.category",
    url="product-categories",
    title=_("Product categories"),
    list=ListView(columns=["name", "name_zh", "parent_id"], search=["name", "name_zh"]),
    form=FormView(sections=[Section(None, ["name", "name_zh", "parent_id"])]),
)

CURRENCY_VIEW = View(
    model="res.currency",
    url="currencies",
    title=_("Currencies"),
    list=ListView(
        columns=["code", "name", "symbol", "decimals", "active"], search=["code", "name"]
    ),
    form=FormView(
        sections=[Section(None, ["code", "name", "symbol", "decimals", "active"])],
        lines=[Lines("rates", ["date", "rate"], label=_("Exchange rates"))],
    ),
)

UOM_VIEW = View(
    model="uom.uom",
    url="units",
    title=_("Units of measure"),
    list=ListView(
        columns=["name", "name_zh", "category_id", "factor", "rounding", "active"],
        search=["name", "name_zh"],
        group_by=["category_id"],
    ),
    form=FormView(
        sections=[Section(None, ["name", "name_zh", "category_id", "factor", "rounding", "active"])]
    ),
)

UOM_CATEGORY_VIEW = View(
    model="uom.category",
    url="unit-categories",
    title=_("Unit categories"),
    list=ListView(columns=["name", "name_zh"], search=["name", "name_zh"]),
    form=FormView(sections=[Section(None, ["name", "name_zh"])]),
)

TAX_VIEW = View(
    model="res.tax",
    url="taxes",
    title=_("Taxes"),
    list=ListView(
        columns=["name", "amount", "price_include", "scope", "active"],
        search=["name", "name_zh"],
        group_by=["scope"],
    ),
    form=FormView(
        sections=[Section(None, ["name", "name_zh", "amount", "price_include", "scope", "active"])]
    ),
)

TERM_VIEW = View(
    model="res.payment.term",
    url="payment-terms",
    title=_("Payment terms"),
    list=ListView(columns=["name", "days", "end_of_month", "active"]),
    form=FormView(sections=[Section(None, ["name", "name_zh", "days", "end_of_month", "active"])]),
)

COMPANY_VIEW = View(
    model="res.company",
    url="companies",
    title=_("Companies"),
    list=ListView(columns=["name", "currency_id", "city", "tax_id", "phone"]),
    form=FormView(
        sections=[
            Section(None, ["name", "currency_id", "tax_id"]),
            Section(_("Address"), ["street", "city", "zip", "country_id"]),
            Section(_("Contact"), ["phone", "email"]),
        ]
    ),
)

COUNTRY_VIEW = View(
    model="res.country",
    url="countries",
    title=_("Countries"),
    list=ListView(columns=["code", "name", "name_zh"], search=["code", "name", "name_zh"]),
    form=FormView(
        sections=[Section(None, ["code", "name", "name_zh"])],
        lines=[Lines("regions", ["code", "name", "name_zh"], label=_("Regions"))],
    ),
)

GROUP_VIEW = View(
    model="res.partner.group",
    url="customer-groups",
    title=_("Customer groups"),
    list=ListView(columns=["code", "name"], search=["code", "name"]),
    form=FormView(sections=[Section(None, ["code", "name"])]),
)

TAG_VIEW = View(
    model="res.partner.tag",
    url="partner-tags",
    title=_("Partner tags"),
    list=ListView(columns=["name"]),
    form=FormView(sections=[Section(None, ["name"])]),
)

VIEWS: list[View] = [
    PARTNER_VIEW,
    PRODUCT_VIEW,
    CATEGORY_VIEW,
    CURRENCY_VIEW,
    UOM_VIEW,
    UOM_CATEGORY_VIEW,
    TAX_VIEW,
    TERM_VIEW,
    COMPANY_VIEW,
    COUNTRY_VIEW,
    GROUP_VIEW,
    TAG_VIEW,
]


def register_menus(register: Callable[..., None]) -> None:
    """The "Master Data" top menu: partners and products first, configuration below."""
    group = "base.group_user"
    register("base", _("Master Data"), None, sequence=90, group=group)
    entries: list[tuple[str, Any, str, int, str]] = [
        ("base.customers", _("Customers"), "/app/partners?f=customers", 10, group),
        ("base.suppliers", _("Suppliers"), "/app/partners?f=suppliers", 20, group),
        ("base.products", _("Products"), "/app/products", 30, group),
        ("base.product_categories", _("Product categories"), "/app/product-categories", 40, group),
        ("base.import", _("Import partners and products"), "/base/import", 50, group),
    ]
    for key, label, url, sequence, grp in entries:
        register(key, label, url, parent="base", sequence=sequence, group=grp)
    register("base.config", _("Configuration"), None, parent="base", sequence=90, group=group)
    config: list[tuple[str, Any, str]] = [
        ("base.companies", _("Companies"), "/app/companies"),
        ("base.currencies", _("Currencies"), "/app/currencies"),
        ("base.units", _("Units of measure"), "/app/units"),
        ("base.unit_categories", _("Unit categories"), "/app/unit-categories"),
        ("base.taxes", _("Taxes"), "/app/taxes"),
        ("base.payment_terms", _("Payment terms"), "/app/payment-terms"),
        ("base.countries", _("Countries"), "/app/countries"),
        ("base.customer_groups", _("Customer groups"), "/app/customer-groups"),
        ("base.partner_tags", _("Partner tags"), "/app/partner-tags"),
    ]
    for index, (key, label, url) in enumerate(config):
        register(key, label, url, parent="base.config", sequence=10 + index, group=group)
