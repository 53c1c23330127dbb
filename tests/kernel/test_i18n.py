"""Languages: Accept-Language negotiation, lazy labels, and a complete kernel catalog."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from babel.messages.pofile import read_po

from kernel.i18n import (
    LazyString,
    _,
    get_locale,
    gettext,
    negotiate_accept_language,
    normalize_locale,
    text_of,
    use_locale,
)
from kernel.i18n.catalogs import missing_translations, po_path
from kernel.instance import Instance
from kernel.testing import make_user

PLACEHOLDER = re.compile(r"%\(\w+\)s")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("zh-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh-hans", "zh_CN"),
        ("en-US", "en"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("en;q=0.4, zh-CN;q=0.9", "zh_CN"),
        ("fr-FR, de;q=0.9, zh;q=0.5, en;q=0.3", "zh_CN"),
        ("fr-FR, de;q=0.9", "en"),
        ("zh;q=0, en;q=0.1", "en"),
        ("zh;q=0", "en"),
        ("zh;q=abc, en", "en"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_accept_language_negotiation(header: str | None, locale: str) -> None:
    assert negotiate_accept_language(header) == locale


@pytest.mark.parametrize(
    ("value", "locale"),
    [("zh_CN", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("en_GB", "en"), ("ja", "en"), (None, "en")],
)
def test_normalize_locale(value: str | None, locale: str) -> None:
    assert normalize_locale(value) == locale


def test_zh_cn_lookup_really_returns_chinese() -> None:
    assert gettext("User", locale="zh_CN") == "用户"
    assert gettext("User", locale="en") == "User"
    with use_locale("zh-CN"):
        assert get_locale() == "zh_CN"
        assert str(_("the database is busy with a conflicting change; please retry")) == (
            "数据库正在处理冲突的修改，请重试"
        )
        assert str(_("unknown addon %(name)s", name="salse")) == "未知插件 salse"


def test_lazy_strings_render_in_the_reader_language() -> None:
    label = _("Group")
    assert isinstance(label, LazyString)
    with use_locale("en"):
        assert str(label) == "Group"
    with use_locale("zh_CN"):
        assert str(label) == "用户组"
        assert text_of(label) == "用户组"
        nested = _("%(field)s is required", field=_("Password"))
        assert str(nested) == "密码为必填项"
    assert str(nested) == "Password is required"
    assert label == _("Group") and hash(label) == hash(_("Group"))


def test_locale_is_per_thread_of_work() -> None:
    seen: dict[str, str] = {}

    def other() -> None:
        seen["other"] = str(_("User"))

    with use_locale("zh_CN"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        seen["here"] = str(_("User"))
    assert seen == {"other": "User", "here": "用户"}


def test_unit_of_work_uses_the_user_language(library: Instance) -> None:
    uid = make_user(library, "meimei", [], lang="zh_CN")
    with library.unit(uid) as env:
        assert env.lang == "zh_CN" and get_locale() == "zh_CN"
        assert str(env["lib.book"].__label__) == "图书"
    with library.unit(uid, lang="en"):
        assert get_locale() == "en"
    assert get_locale() == "en"


def test_kernel_catalog_is_complete() -> None:
    assert missing_translations("kernel", "zh_CN") == []


def test_kernel_translations_keep_placeholders_and_are_chinese() -> None:
    with po_path("kernel", "zh_CN").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    checked = 0
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(message.string)
        ), message.id
        words = re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", message.id))
        if words:
            assert HAN.search(message.string), f"not Chinese: {message.id!r} → {message.string!r}"
        checked += 1
    assert checked > 100


def test_a_message_is_translated_by_its_own_addons_catalog_first(make_instance: Any) -> None:
    """One English word, two Chinese ones: the addon that marked it decides, not load order."""
    from kernel import i18n

    instance = make_instance(["sales_order", "accounting"])
    assert instance.registry is not None  # the addons' catalogs are registered
    import addons.accounting.models.fiscal_year as fiscal_year
    import addons.sales_order.models.selections as selections

    order_closed = dict(selections.ORDER_STATES)["closed"]
    year_closed = dict(fiscal_year.FISCAL_YEAR_STATES)["closed"]
    with i18n.use_locale("zh_CN"):
        assert (str(order_closed), str(year_closed)) == ("已关闭", "已结账")
        assert str(order_closed.with_params()) == "已关闭"  # a copy keeps its addon
    with i18n.use_locale("en"):
        assert str(order_closed) == str(year_closed) == "Closed"
