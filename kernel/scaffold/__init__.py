"""``suanpan addons new NAME``: write a working addon a developer can grow from.

The files are templates in ``templates/`` (``string.Template``, ``$name`` style, so
Python braces need no escaping). The generated addon shows each contract once:
a model of its own, an extension of base's ``res.partner``, hook implementations
(views and menus), a menu hung under base's built-in "Master Data" menu, groups
and access rights, a zh_CN catalog already filled for every generated string, a
first Alembic revision on its own branch, and tests (the kernel's conformance
checks plus one behaviour test) that pass as generated.
"""

from __future__ import annotations

import keyword
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from string import Template

from kernel.errors import UserError
from kernel.i18n import _

TEMPLATES = Path(__file__).with_name("templates")
NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

# Folder layout: template file -> path in the addon ("$name" is replaced).
ADDON_FILES = {
    "manifest.toml.tmpl": "manifest.toml",
    "init.py.tmpl": "__init__.py",
    "models_init.py.tmpl": "models/__init__.py",
    "models_record.py.tmpl": "models/record.py",
    "models_partner.py.tmpl": "models/partner.py",
    "hooks.py.tmpl": "hooks.py",
    "views.py.tmpl": "views.py",
    "security.toml.tmpl": "data/security.toml",
    "migration.py.tmpl": "migrations/${revision}_initial.py",
    "tests_init.py.tmpl": "tests/__init__.py",
    "test_addon.py.tmpl": "tests/test_${name}.py",
}
PIP_FILES = {"pyproject.toml.tmpl": "pyproject.toml", "readme.md.tmpl": "README.md"}


@dataclass(frozen=True)
class Spec:
    name: str
    title: str
    title_zh: str
    pip: bool

    @property
    def package(self) -> str:
        return f"suanpan_{self.name}" if self.pip else self.name

    @property
    def model(self) -> str:
        return f"{self.name}.record"


def check_name(name: str, taken: set[str]) -> None:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise UserError(
            _(
                "%(name)s is not a valid addon name: use lower-case letters, digits and _, "
                "starting with a letter",
                name=name,
            ),
            field="name",
        )
    if name in taken:
        raise UserError(_("an addon named %(name)s already exists", name=name), field="name")


def create(spec: Spec, where: Path) -> Path:
    """Write the addon under ``where``; returns the folder holding ``manifest.toml``."""
    root = where / (f"suanpan-{spec.name.replace('_', '-')}" if spec.pip else spec.name)
    if root.exists():
        raise UserError(_("%(path)s already exists", path=str(root)), field="name")
    addon = root / spec.package if spec.pip else root
    values = {
        "name": spec.name,
        "title": spec.title,
        "title_zh": spec.title_zh,
        "package": spec.package,
        "model": spec.model,
        "table": spec.model.replace(".", "_"),
        "url": spec.name.replace("_", "-"),
        "revision": uuid.uuid4().hex[:12],
        "dist": f"suanpan-{spec.name.replace('_', '-')}",
        "testpath": f"{spec.package}/tests" if spec.pip else "tests",
    }
    for template, target in ADDON_FILES.items():
        _write(addon / Template(target).substitute(values), template, values)
    if spec.pip:
        for template, target in PIP_FILES.items():
            _write(root / target, template, values)
    write_catalog(addon, spec)
    return addon


def _write(path: Path, template: str, values: dict[str, str]) -> None:
    text = Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# Chinese for every string the templates contain; the title comes from the developer.
TRANSLATIONS = {
    "Name": "名称",
    "Customer": "客户",
    "Date": "日期",
    "Amount": "金额",
    "Notes": "备注",
    "Active": "有效",
    "Details": "详细信息",
    "User": "用户",
    "Manager": "经理",
    "the amount cannot be negative": "金额不能为负数",
    "Records": "记录",
}


def write_catalog(addon: Path, spec: Spec) -> None:
    """The addon's zh_CN catalog, extracted from the files just written and filled in."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from kernel.i18n.catalogs import extract_folder

    catalog = Catalog(locale="zh_CN", project="suanpan", domain="messages")
    catalog.update(extract_folder(addon), no_fuzzy_matching=True)
    known = {
        **TRANSLATIONS,
        spec.title: spec.title_zh,
        f"{spec.title} records": f"{spec.title_zh}记录",
        f"{spec.title} record": f"{spec.title_zh}记录",
        f"{spec.title}: records": f"{spec.title_zh}：记录",
        f"Records of {spec.title}": f"{spec.title_zh}记录",
        f"{spec.title} records of this customer": f"该客户的{spec.title_zh}记录数",
    }
    for message in catalog:
        if message.id and isinstance(message.id, str):
            message.string = known.get(message.id, "")
    path = addon / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)
