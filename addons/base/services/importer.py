"""Importing partners and products from CSV and Excel (XLSX) files.

Why it works this way:

* **Headers, not positions.** A column is recognised by its header: the field's
  technical name, its English label or its Chinese label (``名称``, ``内部参考``),
  so people can export from their old system, rename nothing, and import.
* **Preview first.** :func:`preview` parses every row and reports each problem
  with its row number (as the spreadsheet shows it), its column and a translated
  reason, without writing anything.
* **All or nothing.** :func:`import_rows` writes nothing when any row is wrong,
  unless ``skip_invalid=True``: then the valid rows are written and the report
  lists the skipped ones. It writes inside the caller's unit of work, so the
  whole import is one transaction.
* **Upsert.** Rows whose partner reference / internal reference already exists
  update that record instead of creating a duplicate.
* **Bounded queries.** Lookups (countries, units, categories, existing records)
  are loaded once per import, never per row.
* **Exact numbers.** Spreadsheet numbers arrive as binary floats; they become
  ``Decimal(str(x))`` — the shortest decimal that prints the same — never
  ``Decimal(x)``, which would carry the float's binary noise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from sqlalchemy import select

from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import LazyString, _, gettext
from kernel.models.events import apply_scalar_defaults

PREVIEW_ROWS = 20
MAX_ROWS = 50_000
TRUE_WORDS = {"1", "true", "yes", "y", "x", "是", "对", "真", "√"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "不", "假", ""}


# --- Results ---------------------------------------------------------------------------


@dataclass
class RowError:
    """One problem: the row number as the spreadsheet shows it, the column header, why."""

    row: int
    column: str
    reason: str | LazyString

    def __str__(self) -> str:
        return str(
            _(
                "row %(row)s, column %(column)s: %(reason)s",
                row=self.row,
                column=self.column,
                reason=self.reason,
            )
        )


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    cells: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    existing: Any = None
    parent_ref: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    """What an import would do: recognised columns, first rows, every problem."""

    kind: str
    columns: list[tuple[str, str | LazyString]]  # (header in the file, field label)
    fields: list[str]  # the field of each column, in the same order
    ignored: list[str]
    rows: list[ParsedRow]
    errors: list[RowError]
    total: int
    to_create: int
    to_update: int

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0


@dataclass
class ImportReport:
    """What an import did (or, when ``applied`` is false, why it did nothing)."""

    applied: bool
    created: int = 0
    updated: int = 0
    skipped: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({e.row for e in self.skipped})


# --- Column specifications ---------------------------------------------------------------


@dataclass
class Column:
    """An importable field: how to recognise its header and turn a cell into a value."""

    field: str
    label: LazyString
    parse: Callable[[Any, Lookups], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Lookups:
    """Reference data loaded once per import, keyed by every name a user may type."""

    env: Env
    tables: dict[str, dict[str, int]] = field(default_factory=dict)

    def table(self, model: str, keys: Iterable[str]) -> dict[str, int]:
        if model not in self.tables:
            cls = self.env[model]
            found: dict[str, int] = {}
            columns = [getattr(cls, k) for k in keys]
            for row in self.env.session.execute(select(cls.id, *columns)):
                for value in row[1:]:
                    if value:
                        found.setdefault(_norm(str(value)), row[0])
            self.tables[model] = found
        return self.tables[model]

    def find(self, model: str, keys: Iterable[str], value: Any, label: LazyString) -> int | None:
        text = _text(value)
        if not text:
            return None
        found = self.table(model, keys).get(_norm(text))
        if found is None:
            raise ValueError(_("%(value)s is not a known %(what)s", value=text, what=label))
        return found


CHUNK = 900  # stays under every driver's limit of bound parameters per statement


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("*", "").split())


def _text(value: Any) -> str:
    """A cell as text; whole-number floats (barcodes typed into Excel) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def parse_text(value: Any, _lookups: Lookups) -> str:
    return _text(value)


def parse_optional_text(value: Any, _lookups: Lookups) -> str | None:
    return _text(value) or None


def parse_decimal(value: Any, _lookups: Lookups) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(value)s is not a number", value=str(value)))
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(value)s is not a number", value=str(value))) from None


def parse_bool(value: Any, _lookups: Lookups) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return None
    text = _norm(_text(value))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("%(value)s is not yes or no", value=str(value)))


def selection(choices: list[tuple[str, Any]]) -> Callable[[Any, Lookups], str | None]:
    """Accept a key (``service``) or its label in English or Chinese (``服务``)."""

    def parse(value: Any, _lookups: Lookups) -> str | None:
        text = _norm(_text(value))
        if not text:
            return None
        for key, label in choices:
            message = label.message if isinstance(label, LazyString) else str(label)
            if text in {key, _norm(message), _norm(gettext(message, "zh_CN"))}:
                return key
        allowed = ", ".join(key for key, _label in choices)
        raise ValueError(
            _("%(value)s is not one of %(allowed)s", value=_text(value), allowed=allowed)
        )

    return parse


def ref_to(
    model: str, keys: tuple[str, ...], what: LazyString
) -> Callable[[Any, Lookups], int | None]:
    def parse(value: Any, lookups: Lookups) -> int | None:
        return lookups.find(model, keys, value, what)

    return parse


def _partner_columns() -> list[Column]:
    from addons.base.models.partner import PARTNER_LANGS, PARTNER_TYPES

    return [
        Column(
            "ref",
            _("Reference"),
            parse_optional_text,
            ("code", "partner ref", "客户编码", "编码", "编号"),
        ),
        Column(
            "name",
            _("Name"),
            parse_text,
            ("company", "公司名称", "客户名称", "名称"),
            required=True,
        ),
        Column("is_company", _("Is a company"), parse_bool, ("公司",)),
        Column("parent_ref", _("Parent reference"), parse_optional_text, ("parent", "上级编码")),
        Column("type", _("Address type"), selection(PARTNER_TYPES), ("地址类型",)),
        Column("email", _("E-mail"), parse_text, ("email", "邮箱")),
        Column("phone", _("Phone"), parse_text, ("tel", "telephone", "电话")),
        Column("mobile", _("Mobile"), parse_text, ("手机",)),
        Column("street", _("Street"), parse_text, ("address", "地址", "街道")),
        Column("street2", _("Street 2"), parse_text),
        Column("city", _("City"), parse_text, ("城市",)),
        Column("zip", _("ZIP code"), parse_text, ("postcode", "邮编")),
        Column(
            "state_id",
            _("Region"),
            ref_to("res.country.state", ("code", "name", "name_zh"), _("Region")),
            ("state", "province", "省份", "省"),
        ),
        Column(
            "country_id",
            _("Country"),
            ref_to("res.country", ("code", "name", "name_zh"), _("Country")),
            ("country", "国家"),
        ),
        Column("tax_id", _("Tax ID"), parse_text, ("vat", "税号", "统一社会信用代码")),
        Column("lang", _("Language"), selection(PARTNER_LANGS), ("语言",)),
        Column("is_customer", _("Customer"), parse_bool, ("客户",)),
        Column("is_supplier", _("Supplier"), parse_bool, ("供应商",)),
        Column("credit_limit", _("Credit limit"), parse_decimal, ("信用额度",)),
        Column(
            "payment_term_id",
            _("Payment terms"),
            ref_to("res.payment.term", ("name",), _("Payment terms")),
            ("付款条件",),
        ),
        Column(
            "customer_group_id",
            _("Customer group"),
            ref_to("res.partner.group", ("name", "code"), _("Customer group")),
            ("group", "客户分组", "客户组"),
        ),
        Column(
            "salesperson_id",
            _("Salesperson"),
            ref_to("res.user", ("login", "name"), _("Salesperson")),
            ("sales rep", "业务员", "销售员"),
        ),
        Column("notes", _("Notes"), parse_text, ("备注",)),
    ]


def _product_columns() -> list[Column]:
    from addons.base.models.product import PRODUCT_TYPES

    return [
        Column(
            "default_code",
            _("Internal reference"),
            parse_optional_text,
            ("code", "sku", "ref", "编码", "货号", "产品编码"),
        ),
        Column(
            "name", _("Name"), parse_text, ("product", "english name", "产品名称"), required=True
        ),
        Column("name_zh", _("Chinese name"), parse_text, ("中文名称", "中文名")),
        Column(
            "category_id",
            _("Category"),
            ref_to("product.category", ("name", "name_zh"), _("Category")),
            ("类别", "分类", "产品类别"),
        ),
        Column("type", _("Product type"), selection(PRODUCT_TYPES), ("类型",)),
        Column(
            "uom_id",
            _("Unit of measure"),
            ref_to("uom.uom", ("name", "name_zh"), _("Unit of measure")),
            ("uom", "unit", "单位"),
        ),
        Column("list_price", _("Sales price"), parse_decimal, ("price", "售价", "单价", "销售价")),
        Column("standard_price", _("Cost"), parse_decimal, ("cost", "成本", "成本价")),
        Column(
            "sale_tax_id",
            _("Sales tax"),
            ref_to("res.tax", ("name",), _("Tax")),
            ("销项税",),
        ),
        Column(
            "purchase_tax_id",
            _("Purchase tax"),
            ref_to("res.tax", ("name",), _("Tax")),
            ("进项税",),
        ),
        Column("barcode", _("Barcode"), parse_optional_text, ("ean", "ean13", "条码", "条形码")),
        Column("weight", _("Weight (kg)"), parse_decimal, ("weight", "重量")),
        Column("volume", _("Volume (m³)"), parse_decimal, ("volume", "体积")),
        Column("specification", _("Specification"), parse_text, ("规格", "规格型号")),
        Column("description", _("Description"), parse_text, ("描述", "说明")),
        Column("sale_ok", _("Can be sold"), parse_bool, ("可销售",)),
        Column("purchase_ok", _("Can be purchased"), parse_bool, ("可采购",)),
    ]


@dataclass
class Kind:
    name: str
    model: str
    key: str  # the upsert key
    columns: Callable[[], list[Column]]


KINDS = {
    "partner": Kind("partner", "res.partner", "ref", _partner_columns),
    "product": Kind("product", "product.product", "default_code", _product_columns),
}


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError(
            _("Import: %(kind)s cannot be imported (partner or product)", kind=name), field="kind"
        ) from None


# --- Reading files ------------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> list[list[Any]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8, or GB18030 from Chinese Excel)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
            rows = workbook.get_sheet_by_index(0).to_python()
        except Exception as exc:  # calamine raises its own error types
            raise ValidationError(
                _(
                    "File: %(name)s is not a readable spreadsheet (%(reason)s)",
                    name=filename,
                    reason=str(exc),
                ),
                field="file",
            ) from exc
        return [list(r) for r in rows]
    if suffix not in ("", ".csv", ".txt"):
        raise ValidationError(
            _("File: %(name)s is neither CSV nor XLSX", name=filename), field="file"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValidationError(_("File: unknown text encoding"), field="file")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


# --- Parsing ------------------------------------------------------------------------------


def _match_headers(
    headers: list[Any], columns: list[Column]
) -> tuple[dict[int, Column], list[str]]:
    names: dict[str, Column] = {}
    for column in columns:
        message = column.label.message
        for alias in (column.field, message, gettext(message, "zh_CN"), *column.aliases):
            names.setdefault(_norm(alias), column)
    mapping: dict[int, Column] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for index, header in enumerate(headers):
        text = _text(header)
        found = names.get(_norm(text))
        if found is None or found.field in taken:
            if text:
                ignored.append(text)
            continue
        mapping[index] = found
        taken.add(found.field)
    return mapping, ignored


def parse(env: Env, kind_name: str, table: list[list[Any]]) -> tuple[ImportPreview, Kind]:
    """Every row parsed and checked; nothing written."""
    kind = kind_of(kind_name)
    columns = kind.columns()
    if not table or not any(_text(c) for c in table[0]):
        raise ValidationError(_("File: the first row must hold the column headers"), field="file")
    headers = table[0]
    mapping, ignored = _match_headers(headers, columns)
    fields = {c.field for c in mapping.values()}
    missing = [c for c in columns if c.required and c.field not in fields]
    if missing:
        raise ValidationError(
            _(
                "File: required column %(columns)s is missing",
                columns=", ".join(str(c.label) for c in missing),
            ),
            field="file",
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(
            _("File: at most %(max)s rows can be imported at once", max=MAX_ROWS), field="file"
        )
    lookups = Lookups(env)
    header_of = {c.field: _text(headers[i]) for i, c in mapping.items()}
    rows: list[ParsedRow] = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(_text(c) for c in raw):
            continue
        parsed = ParsedRow(row=number, values={}, cells={})
        for index, column in mapping.items():
            cell = raw[index] if index < len(raw) else None
            parsed.cells[column.field] = _text(cell)
            try:
                value = column.parse(cell, lookups)
            except ValueError as exc:
                message = exc.args[0] if exc.args else str(exc)
                parsed.errors.append(RowError(number, header_of[column.field], message))
                continue
            if column.required and not value:
                parsed.errors.append(
                    RowError(number, header_of[column.field], _("a value is required"))
                )
                continue
            if value is None or value == "":
                continue  # an empty cell keeps the default or the stored value
            parsed.values[column.field] = value
        if kind.name == "partner":
            parsed.parent_ref = parsed.values.pop("parent_ref", None)
        rows.append(parsed)
    _attach_existing(env, kind, rows)
    _check_rows(env, kind, rows, header_of)
    errors = [e for r in rows for e in r.errors]
    preview = ImportPreview(
        kind=kind.name,
        columns=[(_text(headers[i]), c.label) for i, c in sorted(mapping.items())],
        fields=[c.field for _i, c in sorted(mapping.items())],
        ignored=ignored,
        rows=rows,
        errors=errors,
        total=len(rows),
        to_create=sum(1 for r in rows if r.ok and r.existing is None),
        to_update=sum(1 for r in rows if r.ok and r.existing is not None),
    )
    return preview, kind


def _attach_existing(env: Env, kind: Kind, rows: list[ParsedRow]) -> None:
    """Find the records rows will update, in one query."""
    keys = {r.values[kind.key] for r in rows if r.values.get(kind.key)}
    if not keys:
        return
    cls = env[kind.model]
    column = getattr(cls, kind.key)
    existing = {
        getattr(rec, kind.key): rec
        for chunk in _chunks(keys)
        for rec in env.session.scalars(select(cls).where(column.in_(chunk)))
    }
    for row in rows:
        key = row.values.get(kind.key)
        if key:
            row.existing = existing.get(key)


def _unique_checks(kind: Kind) -> list[tuple[str, LazyString]]:
    if kind.name == "product":
        return [("default_code", _("Internal reference")), ("barcode", _("Barcode"))]
    return [("ref", _("Reference"))]


def _check_rows(env: Env, kind: Kind, rows: list[ParsedRow], header_of: dict[str, str]) -> None:
    """Model rules on each row, uniqueness within the file and against the database."""
    cls = env[kind.model]
    for field_name, _label in _unique_checks(kind):
        first_row: dict[str, int] = {}
        for row in rows:
            value = row.values.get(field_name)
            if not value:
                continue
            if value in first_row:
                row.errors.append(
                    RowError(
                        row.row,
                        header_of.get(field_name, field_name),
                        _(
                            "%(value)s is already used in row %(other)s",
                            value=value,
                            other=first_row[value],
                        ),
                    )
                )
            else:
                first_row[value] = row.row
        if field_name == kind.key or not first_row:
            continue
        column = getattr(cls, field_name)
        owners: dict[Any, Any] = {}
        for chunk in _chunks(first_row):
            query = select(column, getattr(cls, kind.key)).where(column.in_(chunk))
            owners.update((value, owner) for value, owner in env.session.execute(query))
        for row in rows:
            value = row.values.get(field_name)
            if value in owners and owners[value] != row.values.get(kind.key):
                row.errors.append(
                    RowError(
                        row.row,
                        header_of.get(field_name, field_name),
                        _(
                            "%(value)s is already used by %(other)s",
                            value=value,
                            other=owners[value] or "?",
                        ),
                    )
                )
    if kind.name == "partner":
        _check_parents(env, rows, header_of)
    for row in rows:
        if row.errors:
            continue
        _validate_with_model(env, kind, row, header_of)


def _partners_by_ref(env: Env, refs: AbstractSet[str | None]) -> dict[str, Any]:
    Partner = env["res.partner"]
    found: dict[str, Any] = {}
    for chunk in _chunks(r for r in refs if r):
        for partner in env.session.scalars(select(Partner).where(Partner.ref.in_(chunk))):
            found[partner.ref] = partner
    return found


def _check_parents(env: Env, rows: list[ParsedRow], header_of: dict[str, str]) -> None:
    """A contact's parent reference names a company in the file or in the database."""
    in_file = {r.values.get("ref"): r for r in rows if r.values.get("ref")}
    wanted = {r.parent_ref for r in rows if r.parent_ref and r.parent_ref not in in_file}
    stored = _partners_by_ref(env, wanted)
    column = header_of.get("parent_ref", "parent_ref")
    for row in rows:
        if not row.parent_ref:
            continue
        parent_row = in_file.get(row.parent_ref)
        if parent_row is not None:
            is_company = parent_row.values.get("is_company", True)
            if parent_row.row >= row.row:
                row.errors.append(
                    RowError(
                        row.row,
                        column,
                        _("the company %(ref)s must come before its contacts", ref=row.parent_ref),
                    )
                )
                continue
        elif row.parent_ref in stored:
            is_company = stored[row.parent_ref].is_company
        else:
            row.errors.append(
                RowError(
                    row.row,
                    column,
                    _("%(ref)s is not a known partner reference", ref=row.parent_ref),
                )
            )
            continue
        if not is_company:
            row.errors.append(
                RowError(
                    row.row,
                    column,
                    _("%(ref)s is a person, contacts belong to a company", ref=row.parent_ref),
                )
            )
            continue
        row.values.setdefault("is_company", False)


def _validate_with_model(env: Env, kind: Kind, row: ParsedRow, header_of: dict[str, str]) -> None:
    """Run the model's own rules on a detached copy, so the preview and the write agree."""
    cls = env[kind.model]
    values = dict(row.values)
    if row.existing is not None:
        base = {c.key: getattr(row.existing, c.key) for c in cls.__table__.columns if c.key != "id"}
        values = {**base, **values}
    if kind.name == "partner" and row.parent_ref:
        values["parent_id"] = -1  # stands for the parent in the file; checked above
    elif kind.name == "product" and "uom_id" not in values and row.existing is None:
        values["uom_id"] = -1  # stands for the default unit, filled in when written
    try:
        probe = cls()
        for key, value in values.items():
            setattr(probe, key, value)
        apply_scalar_defaults(probe)
        probe.__validate__()
    except ValidationError as exc:
        field_name = next(iter(exc.fields), "")
        column = header_of.get(field_name) or _field_label(cls, field_name)
        row.errors.append(RowError(row.row, column, exc.message))


def _field_label(cls: Any, field_name: str) -> str:
    column = cls.__table__.columns.get(field_name)
    if column is None:
        return field_name
    return str(column.info.get("label") or field_name)


def _default_uom(env: Env) -> int:
    return int(env.ref("base.uom_unit").id)


# --- Public entry points -------------------------------------------------------------------


def preview(
    env: Env, kind: str, filename: str, content: bytes, *, limit: int = PREVIEW_ROWS
) -> ImportPreview:
    """Parse and check the file; the first ``limit`` rows and every problem, nothing written."""
    result, _kind = parse(env, kind, read_table(filename, content))
    result.rows = result.rows[:limit]
    return result


def import_file(
    env: Env, kind: str, filename: str, content: bytes, *, skip_invalid: bool = False
) -> ImportReport:
    return import_rows(env, kind, read_table(filename, content), skip_invalid=skip_invalid)


def import_rows(
    env: Env, kind_name: str, table: list[list[Any]], *, skip_invalid: bool = False
) -> ImportReport:
    """Create or update one record per valid row, in the caller's transaction.

    With errors and ``skip_invalid=False`` nothing is written and the report
    carries the errors; with ``skip_invalid=True`` the invalid rows are skipped
    and listed in ``report.skipped``.
    """
    result, kind = parse(env, kind_name, table)
    if result.errors and not skip_invalid:
        return ImportReport(applied=False, errors=result.errors)
    cls = env[kind.model]
    report = ImportReport(applied=True, skipped=result.errors)
    created_by_ref: dict[str, Any] = {}
    parent_refs = {r.parent_ref for r in result.rows if r.ok and r.parent_ref}
    stored_parents = _partners_by_ref(env, parent_refs)
    new_records = []
    default_uom = _default_uom(env) if kind.name == "product" else None
    for row in result.rows:
        if not row.ok:
            continue
        parent = None
        if row.parent_ref:
            parent = created_by_ref.get(row.parent_ref) or stored_parents.get(row.parent_ref)
            if parent is None:  # its company's row was skipped
                report.skipped.append(
                    RowError(
                        row.row,
                        "parent_ref",
                        _("the company %(ref)s was not imported", ref=row.parent_ref),
                    )
                )
                continue
        values = dict(row.values)
        if row.existing is not None:
            record = row.existing
            for key, value in values.items():
                setattr(record, key, value)
            report.updated += 1
        else:
            if kind.name == "product":
                values.setdefault("uom_id", default_uom)
            record = cls(**values)
            new_records.append(record)
            report.created += 1
        if parent is not None:
            record.parent = parent
        upsert_key = values.get(kind.key)
        if upsert_key:
            created_by_ref[upsert_key] = record
    env.session.add_all(new_records)
    env.session.flush()
    return report
