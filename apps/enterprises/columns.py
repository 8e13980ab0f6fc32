"""The columns of an enterprise list (企业清单), in the forms' words, and how each cell is read.

One definition drives the template (headers, dropdowns, instructions), the import (header
synonyms, cell parsers, Chinese errors) and the exports, so they cannot drift apart.

Cell parsers are tolerant of what real spreadsheets contain: full-width digits and spaces,
thousands separators, numbers stored as text, “无”, date serial numbers; they raise
`CellError` with a Chinese message (without the row/column, which the importer adds).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from itertools import repeat
from operator import eq, mul, truediv
from typing import Any

from .models import QUALIFICATION_LEVELS, ListingStatus, QualificationKind, QualificationLevel
from .sme_size import RULES, Industry


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names the fault."""


NOTHING = frozenset({"无", "没有", "-", "—", "——", "/", "／", "不适用", "N/A", "NA", "无。"})
TRUE_WORDS = frozenset({"是", "有", "√", "✓", "✔", "Y", "YES", "TRUE", "1", "已上云", "已应用", "相关"})
FALSE_WORDS = frozenset({"否", "无", "没有", "×", "✗", "N", "NO", "FALSE", "0", "不相关", "未上云", "未应用"})
TWO_PLACES = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999")  # fits max_digits=16, decimal_places=2


def clean_text(value: Any) -> str:
    """Cell → text: NFKC (full-width → half-width), trimmed, inner runs of spaces collapsed.

    Whole floats from Excel (phone numbers typed as numbers) lose their “.0”.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_decimal(value: Any) -> Decimal | None:
    """A non-negative amount with 2 decimals; “无” → 0; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text in NOTHING:
            return Decimal("0.00")
        text = re.sub(r"[\s,，']", "", text)
        text = re.sub(r"(万元|万|元|人|个|家|项)$", "", text)
        if text.startswith("="):
            raise CellError("是公式，请粘贴为数值后再导入")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise CellError(f"“{str(value).strip()[:20]}”不是数字") from None
    if not d.is_finite():
        raise CellError("不是有效数字")
    if d < 0:
        raise CellError("不能为负数")
    if d > MAX_AMOUNT:
        raise CellError("数值过大，请核对单位（万元）")
    return d.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def parse_int(value: Any) -> int | None:
    d = parse_decimal(value)
    if d is None:
        return None
    if d != d.to_integral_value():
        raise CellError("应为整数")
    if d > 10**9:
        raise CellError("数值过大")
    return int(d)


def parse_bool(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = clean_text(value).upper()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"“{clean_text(value)[:20]}”应填“是”或“否”")


EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_year(value: Any) -> int | None:
    """A year: 2023, “2023年”, a date cell, or a date serial number (e.g. 45047 → 2023)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 1900 <= number <= 2100 and number.is_integer():
            return int(number)
        if 2 <= number < 80000:  # an Excel date serial number
            return (EXCEL_EPOCH + dt.timedelta(days=int(number))).year
        raise CellError("不是有效年份")
    text = clean_text(value)
    if text in NOTHING:
        return None
    match = re.match(r"^(\d{4})(?:年|[-./]\d{1,2}(?:[-./]\d{1,2})?|\d{4})?(?:月.*)?$", text)
    if match and 1900 <= int(match.group(1)) <= 2100:
        return int(match.group(1))
    if text.isdigit() and 2 <= int(text) < 80000:
        return (EXCEL_EPOCH + dt.timedelta(days=int(text))).year
    raise CellError(f"“{text[:20]}”不是有效年份")


def _lookup(words: dict[str, str], what: str) -> Callable[[Any], str | None]:
    normalised = {unicodedata.normalize("NFKC", k).replace(" ", ""): v for k, v in words.items()}

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return None
        text = clean_text(value).replace(" ", "")
        found = normalised.get(text)
        if found is None:
            raise CellError(f"“{text[:20]}”不是可选的{what}")
        return found

    return parse


INDUSTRY_WORDS: dict[str, str] = {RULES[i].label: i.value for i in Industry}
INDUSTRY_WORDS.update(
    {
        "农林牧渔业": Industry.AGRICULTURE,
        "制造业": Industry.INDUSTRY,
        "采矿业": Industry.INDUSTRY,
        "电力、热力、燃气及水生产和供应业": Industry.INDUSTRY,
        "软件和信息技术服务": Industry.SOFTWARE_IT,
        "信息技术服务业": Industry.SOFTWARE_IT,
        "房地产开发": Industry.REAL_ESTATE,
        "租赁和商务服务": Industry.LEASING_BUSINESS,
        "其他": Industry.OTHER,
    }
)
parse_industry = _lookup(INDUSTRY_WORDS, "划型行业")

LISTING_WORDS = {label: value for value, label in ListingStatus.choices}
LISTING_WORDS.update({"否": ListingStatus.NONE, "无": ListingStatus.NONE, "已上市": ListingStatus.LISTED})
LISTING_WORDS.update({"新三板挂牌": ListingStatus.QUOTED, "辅导期": ListingStatus.TUTORING})
parse_listing = _lookup(LISTING_WORDS, "上市情况")

LEVEL_LABELS = dict(QualificationLevel.choices)


def level_parser(kind: str) -> Callable[[Any], str | None]:
    """A qualification cell: its level (e.g. “市级”), “是” for the default level, “无”/“否” for none."""
    allowed = QUALIFICATION_LEVELS[kind]
    words = {LEVEL_LABELS[lv]: lv for lv in allowed}
    label = QualificationKind(kind).label

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return None
        text = clean_text(value).replace(" ", "")
        if text in ("无", "否", "没有", "-", "—", "N", "0"):
            return None
        if text in ("是", "有", "√", "Y", "1"):
            return allowed[0]
        if text in words:
            return words[text]
        options = "、".join(LEVEL_LABELS[lv] for lv in allowed)
        raise CellError(f"“{text[:20]}”不是{label}的级别（可填：{options}，或“是”“无”）")

    return parse


def level_options(kind: str) -> list[str]:
    allowed = QUALIFICATION_LEVELS[kind]
    if allowed == (QualificationLevel.NONE,):
        return ["是", "无"]
    return [LEVEL_LABELS[lv] for lv in allowed] + ["无"]


@dataclass(frozen=True)
class Column:
    """One column of the list: key (model field or pseudo-field), header, synonyms, parser."""

    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    synonyms: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # dropdown in the template
    kind: str = "text"  # text | code | number | int | bool | choice | year
    width: int = 14
    note: str = ""
    qualification: str = ""  # QualificationKind for level/year columns
    extra: dict[str, Any] = field(default_factory=dict)


class _Text:
    """A free-text cell of at most `max_len` characters (cleaned; “无” → empty)."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len

    def __call__(self, value: Any) -> str:
        text = clean_text(value)
        if text.startswith("=") and len(text) > 1:
            raise CellError("是公式，请粘贴为数值后再导入")
        if text in ("无", "-", "—"):
            return ""
        if len(text) > self.max_len:
            raise CellError(f"超过{self.max_len}字")
        return text


def _text(max_len: int) -> Callable[[Any], str]:
    return _Text(max_len)


def _code(value: Any) -> Any:
    return value  # validated by the importer with credit_code.validate (needs the raw type)


YES_NO = ("是", "否")

COLUMNS: list[Column] = [
    Column(
        "credit_code",
        "统一社会信用代码",
        _code,
        True,
        ("社会信用代码", "信用代码", "统一社会信用代码证号", "企业信用代码"),
        kind="code",
        width=22,
        note="18位，按文本填写，系统自动转为大写并校验校验位",
    ),
    Column("name", "企业名称", _text(200), True, ("企业全称", "单位名称", "公司名称", "名称"), width=30),
    Column("location_district", "所在区（县）", _text(60), synonyms=("所在区", "所属区", "所在区县", "区县"), width=12),
    Column("location_town", "所在街镇", _text(60), synonyms=("街镇", "所在街道", "乡镇", "所在镇"), width=12),
    Column("location_park", "所在园区", _text(120), synonyms=("园区", "所属园区"), width=16),
    Column(
        "industry",
        "划型行业",
        parse_industry,
        True,
        ("所属行业", "行业类别", "行业"),
        tuple(RULES[i].label for i in Industry),
        "choice",
        18,
        "按《中小企业划型标准规定》的16个行业选择",
    ),
    Column(
        "employees",
        "从业人员期末人数",
        parse_int,
        True,
        ("从业人员", "从业人员数", "从业人员数量", "从业人员期末数", "职工人数", "员工人数"),
        kind="int",
        note="年末在岗职工、劳务派遣人员及其他从业人员之和（人）",
    ),
    Column(
        "revenue",
        "营业收入",
        parse_decimal,
        True,
        ("主营业务收入", "营业总收入", "营收", "年营业收入"),
        kind="number",
        note="万元，以年度会计报表期末数为准",
    ),
    Column(
        "total_assets",
        "资产总额",
        parse_decimal,
        synonyms=("总资产", "资产合计"),
        kind="number",
        note="万元；建筑业、房地产开发经营、租赁和商务服务业划型必填",
    ),
    Column(
        "output_value",
        "产值/营业收入",
        parse_decimal,
        synonyms=("产值", "工业总产值", "总产值", "年产值", "产值（营业收入）"),
        kind="number",
        note="万元；计入集群总产值",
    ),
    Column(
        "rd_expense",
        "研发费用",
        parse_decimal,
        synonyms=("研发经费", "研究开发费用", "R&D经费", "研发投入", "研发费用总额"),
        kind="number",
        note="万元，按财税〔2015〕119号归集",
    ),
    Column(
        "rd_staff", "研发人员数量", parse_int, synonyms=("研发人员", "研发人员数", "R&D人员"), kind="int", note="人"
    ),
    Column(
        "invention_patents",
        "有效发明专利拥有量",
        parse_int,
        synonyms=("有效发明专利", "有效发明专利数", "有效发明专利数量", "发明专利拥有量"),
        kind="int",
        note="个，含国防专利、植物新品种、集成电路布图设计专有权等",
    ),
    Column(
        "pct_applications",
        "PCT国际专利申请量",
        parse_int,
        synonyms=("PCT专利申请量", "PCT申请量", "PCT国际专利申请"),
        kind="int",
        note="个",
    ),
    Column(
        "above_scale",
        "是否规上企业",
        parse_bool,
        synonyms=("规上企业", "是否规模以上企业", "规模以上企业", "规上"),
        options=YES_NO,
        kind="bool",
    ),
    Column(
        "listing_status",
        "上市情况",
        parse_listing,
        synonyms=("上市状态", "是否上市", "上市挂牌情况"),
        options=tuple(label for _, label in ListingStatus.choices),
        kind="choice",
    ),
]

for _kind in QualificationKind:
    COLUMNS.append(
        Column(
            f"q_{_kind.value}",
            _kind.label,
            level_parser(_kind.value),
            synonyms=(f"{_kind.label}级别", f"是否{_kind.label}"),
            options=tuple(level_options(_kind.value)),
            kind="choice",
            width=16,
            qualification=_kind.value,
            note="填级别；无则填“无”或留空",
        )
    )
    COLUMNS.append(
        Column(
            f"qy_{_kind.value}",
            f"{_kind.label}认定年份",
            parse_year,
            synonyms=(f"{_kind.label}年份", f"{_kind.label}认定时间"),
            kind="year",
            width=10,
            qualification=_kind.value,
        )
    )

COLUMNS += [
    Column("cloud", "是否上云", parse_bool, synonyms=("上云", "企业上云", "是否上云企业"), options=YES_NO, kind="bool"),
    Column(
        "industrial_internet",
        "是否应用工业互联网平台",
        parse_bool,
        synonyms=("是否接入工业互联网平台", "工业互联网平台应用", "应用工业互联网平台"),
        options=YES_NO,
        kind="bool",
    ),
    Column(
        "digital_rd_tools",
        "是否应用数字化研发工具",
        parse_bool,
        synonyms=("数字化研发工具", "应用数字化研发工具"),
        options=YES_NO,
        kind="bool",
    ),
    Column(
        "export_amount",
        "主导产品出口贸易额",
        parse_decimal,
        synonyms=("出口额", "出口贸易额", "出口总额", "主导产品出口额"),
        kind="number",
        note="万元；外币按当年统计公报汇率折算",
    ),
    Column(
        "fdi_amount",
        "外商直接投资额",
        parse_decimal,
        synonyms=("外商投资额", "实际利用外资", "FDI"),
        kind="number",
        note="万元；外币按当年统计公报汇率折算",
    ),
    Column(
        "leading_industry_related",
        "是否与主导产业相关",
        parse_bool,
        synonyms=("主导产业相关", "与主导产业相关", "是否属于主导产业"),
        options=YES_NO,
        kind="bool",
        note="留空视为“是”",
    ),
    Column("product_1", "主导产品1", _text(100), synonyms=("主导产品", "主要产品", "主导产品一"), width=16),
    Column("product_2", "主导产品2", _text(100), synonyms=("主导产品二",), width=16),
    Column("product_3", "主导产品3", _text(100), synonyms=("主导产品三",), width=16),
    Column("contact_name", "联系人", _text(60), synonyms=("企业联系人",), width=10),
    Column("contact_phone", "联系电话", _text(40), synonyms=("电话", "联系方式", "手机"), width=14),
]

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = [c.key for c in COLUMNS if c.required]
QUAL_KINDS = [k.value for k in QualificationKind]


def normalise_header(text: Any) -> str:
    """Header cell → comparable key: NFKC, no spaces, no required marks, no unit in brackets."""
    h = unicodedata.normalize("NFKC", clean_text(text))
    h = re.sub(r"\s+", "", h).strip("*＊※")
    h = re.sub(r"\((万元|亿元|元|人|个|家|项|%|年|级别)\)$", "", h)
    h = re.sub(r"^\d+[.、]", "", h)
    return h.replace("“", "").replace("”", "").replace('"', "")


HEADER_INDEX: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.synonyms):
        HEADER_INDEX.setdefault(normalise_header(_h), _c.key)
IGNORED_HEADERS = frozenset({"序号", "编号", "备注", "说明", "错误说明"})


# —— fast paths ——
# An import reads up to 200,000 rows of ~50 columns, so each cell's common case is handled
# without the general parser: a float from calamine, an empty cell, a clean string, a repeated
# dropdown word. Every fast path returns exactly what `Column.parse` returns for that input
# (tests/unit/enterprises/test_columns.py compares them on generated cells); everything else
# falls through to `Column.parse`, which also produces every error message.

Parser = Callable[[Any], Any]
_CACHE_LIMIT = 2000


def _empty_result(parse: Parser) -> Any:
    return parse("")


def _fast_decimal(parse: Parser) -> Parser:
    empty = _empty_result(parse)

    def fast(value: Any) -> Any:
        cls = value.__class__
        if cls is float:
            if 0.0 <= value < 1e13:
                return Decimal(repr(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        elif cls is int:
            if 0 <= value < 10**13:
                return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        elif value is None or (cls is str and not value):
            return empty
        return parse(value)

    return fast


def _fast_int(parse: Parser) -> Parser:
    empty = _empty_result(parse)

    def fast(value: Any) -> Any:
        cls = value.__class__
        if cls is float:
            if 0.0 <= value <= 1e9 and value.is_integer():
                return int(value)
        elif cls is int:
            if 0 <= value <= 10**9:
                return value
        elif value is None or (cls is str and not value):
            return empty
        return parse(value)

    return fast


def _fast_year(parse: Parser) -> Parser:
    empty = _empty_result(parse)

    def fast(value: Any) -> Any:
        cls = value.__class__
        if cls is float or cls is int:
            if 1900 <= value <= 2100 and float(value).is_integer():
                return int(value)
        elif value is None or (cls is str and not value):
            return empty
        return parse(value)

    return fast


class _Words:
    """Dropdown-like cells (是/否, levels, industries): the same few strings again and again."""

    def __init__(self, parse: Parser) -> None:
        self.parse = parse
        self.cache: dict[str, Any] = {}
        self.empty = _empty_result(parse)

    def __call__(self, value: Any) -> Any:
        if value.__class__ is str:
            try:
                return self.cache[value]
            except KeyError:
                result = self.parse(value)  # raises CellError for a bad word: never cached
                if len(self.cache) < _CACHE_LIMIT:
                    self.cache[value] = result
                return result
        if value is None:
            return self.empty
        return self.parse(value)


def _fast_words(parse: Parser) -> Parser:
    return _Words(parse)


_TEXT_NOTHING = frozenset({"无", "-", "—"})


def _fast_text(parse: Parser, max_len: int) -> Parser:
    """Text already clean: printable (so its only whitespace is U+0020), NFKC-normal, no runs of
    spaces, nothing to strip, not a formula, not “无”, not too long — it is its own result."""
    empty = _empty_result(parse)
    is_normalized = unicodedata.is_normalized

    def fast(value: Any) -> Any:
        if value.__class__ is str:
            if (
                len(value) <= max_len
                and value.isprintable()
                and "  " not in value
                and value[:1] not in (" ", "=")
                and value[-1:] != " "
                and value not in _TEXT_NOTHING
                and is_normalized("NFKC", value)
            ):
                return value
        elif value is None:
            return empty
        return parse(value)

    return fast


def fast_parser(column: Column) -> Parser:
    """`column.parse` with the common cases short-cut (same results, same errors)."""
    if column.kind == "number":
        return _fast_decimal(column.parse)
    if column.kind == "int":
        return _fast_int(column.parse)
    if column.kind == "year":
        return _fast_year(column.parse)
    if column.kind in ("bool", "choice"):
        return _fast_words(column.parse)
    if column.kind == "text" and isinstance(column.parse, _Text):
        return _fast_text(column.parse, column.parse.max_len)
    return column.parse


# —— whole columns ——
# The importer parses a block of rows column by column. A column whose cells are all of the
# common kind (every amount a float in range, every text already clean, every dropdown word
# seen before) is converted by C-level passes (`map`, `join`, `min`/`max`) with the very
# results the cell parsers give; any other column is parsed cell by cell with `fast_parser`.

ColumnParser = Callable[[Sequence[Any]], tuple[list[Any], list[int]]]
_MISS = object()


def _floats_within(cells: Sequence[Any], low: float, high: float, *, high_included: bool) -> bool:
    """Every cell a finite float with low <= cell < high (or <= high)."""
    if not cells or set(map(type, cells)) != {float}:
        return False
    if not math.isfinite(sum(cells)):  # a NaN or an infinity anywhere makes the sum one
        return False
    top = max(cells)
    return min(cells) >= low and (top <= high if high_included else top < high)


def _whole_cents(cells: Sequence[float]) -> list[int] | None:
    """Every amount (a float, 0 <= x < 1e13) in whole cents — as written with at most two
    decimals, the usual case — or None. Then `Decimal(c).scaleb(-2)` is exactly what
    `Decimal(repr(x)).quantize(0.01)` gives, at half the cost: below 1e13 the doubles are closer
    together than a cent, so x is the double nearest c/100 only if repr(x) is c/100. A negative
    zero (whose repr keeps its sign) takes the general path."""
    cents = list(map(round, map(mul, cells, repeat(100.0))))
    if not all(map(eq, map(truediv, cents, repeat(100)), cells)):
        return None
    if 0.0 in cells and any(math.copysign(1.0, x) < 0 for x in cells if x == 0.0):
        return None
    return cents


def _clean_texts(cells: Sequence[Any], max_len: int) -> bool:
    """Every cell a string that `_fast_text` returns unchanged (checked on the joined column:
    the newline joining them is neither printable nor a space, and composes with nothing)."""
    if not cells or set(map(type, cells)) != {str}:
        return False
    if max(map(len, cells)) > max_len or not _TEXT_NOTHING.isdisjoint(cells):
        return False
    joined = "\n".join(cells)
    if not "".join(cells).isprintable() or "  " in joined:
        return False
    wrapped = f"\n{joined}\n"
    if "\n " in wrapped or "\n=" in wrapped or " \n" in wrapped:
        return False
    return unicodedata.is_normalized("NFKC", joined)


def fast_column(column: Column) -> ColumnParser:
    """A parser of a block of cells of `column`: (values, positions of cells that raised CellError).

    A failed cell's value is None; the importer re-reads its row cell by cell for the messages.
    """
    fast = fast_parser(column)

    def cell_by_cell(cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
        try:
            return list(map(fast, cells)), []
        except CellError:
            pass
        values: list[Any] = []
        failed: list[int] = []
        for i, value in enumerate(cells):
            try:
                values.append(fast(value))
            except CellError:
                values.append(None)
                failed.append(i)
        return values, failed

    if column.kind == "number":

        def numbers(cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
            if _floats_within(cells, 0.0, 1e13, high_included=False):  # `_fast_decimal`'s float case
                cents = _whole_cents(cells)
                if cents is not None:
                    return list(map(Decimal.scaleb, map(Decimal, cents), repeat(-2))), []
                with localcontext() as ctx:
                    ctx.rounding = ROUND_HALF_UP
                    return list(map(Decimal.quantize, map(Decimal, map(repr, cells)), repeat(TWO_PLACES))), []
            return cell_by_cell(cells)

        return numbers
    if column.kind == "int":

        def ints(cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
            if _floats_within(cells, 0.0, 1e9, high_included=True) and all(map(float.is_integer, cells)):
                return list(map(int, cells)), []  # `_fast_int`'s float case
            return cell_by_cell(cells)

        return ints
    if isinstance(fast, _Words):
        words = fast

        def lookup(cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
            values = list(map(words.cache.get, cells, repeat(_MISS)))
            if _MISS not in values:
                return values, []
            failed: list[int] = []
            for i, value in enumerate(values):
                if value is _MISS:
                    try:
                        values[i] = words(cells[i])
                    except CellError:
                        values[i] = None
                        failed.append(i)
            return values, failed

        return lookup
    if column.kind == "text" and isinstance(column.parse, _Text):
        max_len = column.parse.max_len

        def texts(cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
            if _clean_texts(cells, max_len):
                return list(cells), []
            return cell_by_cell(cells)

        return texts
    return cell_by_cell
