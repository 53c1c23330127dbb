"""Model rules users meet: clear, field-named errors, and who may change what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from addons.base.services import partners, products
from kernel.errors import AccessDenied, ValidationError
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


def _product(env: Any, **values: Any) -> Any:
    values.setdefault("name", "Widget")
    values.setdefault("uom_id", env.ref("base.uom_unit").id)
    product = env["product.product"](**values)
    env.session.add(product)
    env.session.flush()
    return product


def _error(instance: Instance, fn: Any, *, lang: str = "en") -> ValidationError:
    with pytest.raises(ValidationError) as err, instance.unit(None, su=True, lang=lang) as env:
        fn(env)
    return err.value


def test_main_company_follows_instance_settings(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        company = env.ref("base.main_company")
        assert company.name == env.setting("company_name")
        assert company.currency.code == "CNY"
        assert company.country.code == "CN"


def test_instance_settings_and_upgrade_keep_the_company(make_instance: MakeInstance) -> None:
    from addons.base.services.company import apply_instance_settings
    from kernel import lifecycle

    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        Setting = env["ir.setting"]
        for row in env.session.scalars(
            select(Setting).where(Setting.key.in_(["company_name", "currency"]))
        ):
            row.value = "深圳算盘科技有限公司" if row.key == "company_name" else "usd"
        apply_instance_settings(env)
    with instance.unit(None, su=True) as env:
        company = env.ref("base.main_company")
        assert (company.name, company.currency.code) == ("深圳算盘科技有限公司", "USD")
        company.name = "Renamed by the user"
    lifecycle.upgrade(instance, ["base"])
    with instance.unit(None, su=True) as env:
        assert env.ref("base.main_company").name == "Renamed by the user"


def test_partner_email_and_credit_limit(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    err = _error(instance, lambda env: partners.create(env, name="ACME", email="not-an-email"))
    assert err.fields.keys() == {"email"} and "not-an-email" in str(err)
    err = _error(
        instance, lambda env: partners.create(env, name="ACME", credit_limit=Decimal("-1"))
    )
    assert err.fields.keys() == {"credit_limit"}
    err = _error(instance, lambda env: partners.create(env, name=" "))
    assert err.fields.keys() == {"name"}


def test_error_messages_are_translated(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    err = _error(instance, lambda env: partners.create(env, name="甲", email="x@"), lang="zh_CN")
    from kernel.i18n import use_locale

    with use_locale("zh_CN"):
        assert "电子邮件" in str(err)


def test_company_with_contacts_and_several_delivery_addresses(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        acme = partners.create(env, name="上海某某贸易有限公司", is_company=True, is_customer=True)
        partners.add_contact(env, acme, name="张三", email="zhang@example.cn")
        partners.add_delivery_address(env, acme, street="浦东新区 1 号", city="上海")
        partners.add_delivery_address(env, acme, street="天河区 2 号", city="广州")
        env.session.refresh(acme)
        assert [c.name for c in acme.contacts] == ["张三"]
        assert [a.city for a in partners.delivery_addresses(env, acme)] == ["上海", "广州"]
        assert acme.contacts[0].commercial_partner is acme
        lone = partners.create(env, name="Lone Ltd", is_company=True)
        assert partners.delivery_addresses(env, lone) == [lone]
        person = partners.create(env, name="李四", is_company=False)
        with pytest.raises(ValidationError) as err:
            partners.add_contact(env, person, name="王五")
        assert "parent_id" in err.value.fields


def test_contact_rules(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        company = partners.create(env, name="Acme")
        contact = partners.create(env, name="Ann", parent_id=company.id)
        address = partners.create(env, name="Dock 1", parent=company, type="delivery")
        assert company.is_company and not contact.is_company and not address.is_company
        assert contact.display_name(env) == "Acme, Ann" and company.display_name(env) == "Acme"

    def company_under_company(env: Any) -> None:
        parent = partners.create(env, name="Parent Co")
        partners.create(env, name="Child Co", parent_id=parent.id, is_company=True)

    assert "is_company" in _error(instance, company_under_company).fields

    def orphan_address(env: Any) -> None:
        partners.create(env, name="Dock 3", type="delivery", is_company=False)

    assert "parent_id" in _error(instance, orphan_address).fields


def test_partner_reference_is_unique(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        partners.create(env, name="A", ref="C001")
        partners.create(env, name="B", ref="")  # empty references do not clash
        partners.create(env, name="C", ref="")
    err = _error(instance, lambda env: partners.create(env, name="D", ref="C001"))
    assert err.fields.keys() == {"ref"} and "C001" in str(err)


def test_product_rules(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        _product(env, default_code="P-1", barcode="6901234567892")
        _product(env, name="No code")
        _product(env, name="Also no code", default_code="", barcode="")
    assert "default_code" in _error(instance, lambda env: _product(env, default_code="P-1")).fields
    assert "barcode" in _error(instance, lambda env: _product(env, barcode="6901234567892")).fields
    err = _error(instance, lambda env: _product(env, list_price=Decimal("-5")))
    assert err.fields.keys() == {"list_price"}
    err = _error(instance, lambda env: _product(env, standard_price=Decimal("-0.01")))
    assert err.fields.keys() == {"standard_price"}
    assert "type" in _error(instance, lambda env: _product(env, type="gadget")).fields
    with pytest.raises(ValidationError) as too_precise, instance.unit(None, su=True) as env:
        _product(env, list_price=Decimal("1.00001"))
    assert too_precise.value.fields.keys() == {"list_price"}


def test_same_reference_twice_in_one_flush(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])

    def twice(env: Any) -> None:
        uom_id = env.ref("base.uom_unit").id
        Product = env["product.product"]
        env.session.add_all(
            [
                Product(name="a", default_code="X", uom_id=uom_id),
                Product(name="b", default_code="X", uom_id=uom_id),
            ]
        )
        env.session.flush()

    assert "default_code" in _error(instance, twice).fields


def test_service_products_are_not_storable(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        service = _product(
            env, name="Installation", type="service", uom_id=env.ref("base.uom_hour").id
        )
        goods = _product(env, name="Chair")
        assert not service.is_storable and goods.is_storable
        assert goods.type == "stockable"  # the default


def test_product_display_name_in_the_users_language(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        _product(env, name="Green tea", name_zh="绿茶", default_code="TEA-01")
        _product(env, name="Mug")
    with instance.unit(None, su=True, lang="zh_CN") as env:
        tea = products.by_code(env, "TEA-01")
        assert products.display_name(env, tea) == "[TEA-01] 绿茶"
        mug = env.session.scalar(
            select(env["product.product"]).where(env["product.product"].name == "Mug")
        )
        assert products.display_name(env, mug) == "Mug"
    with instance.unit(None, su=True, lang="en") as env:
        assert products.display_name(env, products.by_code(env, "TEA-01")) == "[TEA-01] Green tea"


def test_ean13_check_digit() -> None:
    assert products.ean13_check_digit("690123456789") == "2"
    assert products.is_valid_ean13("6901234567892")
    assert not products.is_valid_ean13("6901234567893")
    assert not products.is_valid_ean13("690123456789")


def test_users_edit_partners_but_only_managers_edit_taxes(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    clerk = make_user(instance, "clerk", ["base.group_user"])
    boss = make_user(instance, "boss", ["base.group_manager"])
    outsider = make_user(instance, "outsider", [])
    with instance.unit(clerk) as env:
        partners.create(env, name="Clerk's customer", is_customer=True)
        _product(env, name="Clerk's product")
        assert env.ref("base.vat_13_sale").amount == Decimal("13")
    with pytest.raises(AccessDenied), instance.unit(clerk) as env:
        env.session.add(env["res.tax"](name="VAT 5%", amount=Decimal(5)))
        env.session.flush()
    with pytest.raises(AccessDenied), instance.unit(clerk) as env:
        env.session.delete(products.search(env, "Clerk")[0])
        env.session.flush()
    with instance.unit(boss) as env:
        env.session.add(env["res.tax"](name="VAT 5%", amount=Decimal(5)))
        env.session.delete(products.search(env, "Clerk")[0])
    with pytest.raises(AccessDenied), instance.unit(outsider) as env:
        partners.search(env)


def test_tax_and_currency_rules(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])

    def bad_tax(env: Any) -> None:
        env.session.add(env["res.tax"](name="x", amount=Decimal(120)))
        env.session.flush()

    assert "amount" in _error(instance, bad_tax).fields

    def bad_currency(env: Any) -> None:
        env.session.add(env["res.currency"](code="RMB1", name="x"))
        env.session.flush()

    assert "code" in _error(instance, bad_currency).fields

    def bad_rate(env: Any) -> None:
        import datetime as dt

        env.session.add(
            env["res.currency.rate"](
                currency_id=env.ref("base.usd").id, date=dt.date(2030, 1, 1), rate=Decimal(0)
            )
        )
        env.session.flush()

    assert "rate" in _error(instance, bad_rate).fields


def test_taxes_and_payment_terms_read_in_chinese(make_instance) -> None:
    """Order and invoice screens name the tax and the terms in the reader's language."""
    from kernel.web.introspect import display_name

    instance = make_instance(["base"])
    with instance.unit(None, su=True, lang="zh_CN") as env:
        assert display_name(env.ref("base.vat_13_sale"), env) == "增值税 13%"
        assert display_name(env.ref("base.term_30"), env) == "30 天"
    with instance.unit(None, su=True) as env:
        assert display_name(env.ref("base.vat_13_sale"), env) == "VAT 13%"
