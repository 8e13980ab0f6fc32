"""From raw sheet rows to validated firm-year rows (pure: no database writes).

`validate_sheet` turns a `RawSheet` into a `ParseResult`: every row's values typed, the size
class computed with its reason, per-row warnings, and errors named by row and column in
Chinese (第12行「统一社会信用代码」校验位错误). The service layer shows it as the preview and
commits it all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import credit_code
from .columns import COLUMN_BY_KEY, COLUMNS, QUAL_KINDS, REQUIRED_KEYS, CellError, clean_text
from .models import QualificationKind
from .reader import RawSheet, col_letter
from .sme_size import Industry, SizeClass, classify

MAX_SHOWN_ERRORS = 500
PREVIEW_ROWS = 10

# Qualifications reserved to SMEs (a large firm holding one is suspicious).
SME_ONLY_KINDS = (QualificationKind.SPECIALISED, QualificationKind.INNOVATIVE_SME, QualificationKind.LITTLE_GIANT)
ASSET_INDUSTRIES = (Industry.CONSTRUCTION, Industry.REAL_ESTATE, Industry.LEASING_BUSINESS)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def text(self) -> str:
        where = f"「{self.column}」" if self.column else ""
        return f"第{self.row}行{where}{self.message}"


@dataclass
class ParsedRow:
    row: int
    code: str
    values: dict[str, Any]
    qualifications: list[tuple[str, str, int | None]]
    size: str
    size_reason: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    sheet_name: str
    header_row: int
    detected: list[tuple[str, str, str]]  # (column letter, header as written, field label)
    unknown_headers: list[str]
    missing_columns: list[str]
    rows: list[ParsedRow]
    errors: list[RowError]
    failing_rows: dict[int, list[Any]]  # row number → raw cells, for the error file
    raw_header: dict[int, str]
    preview: list[list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_columns and bool(self.rows)

    def error_texts(self, limit: int = MAX_SHOWN_ERRORS) -> list[str]:
        return [e.text() for e in self.errors[:limit]]


def _row_warnings(values: dict[str, Any], quals: list[tuple[str, str, int | None]], size: str, year: int) -> list[str]:
    """Implausible values that do not block the import (shown to operator and reviewers)."""
    w: list[str] = []
    rev, rd = values.get("revenue"), values.get("rd_expense")
    if rev is not None and rd is not None and rd > rev:
        w.append(f"研发费用（{rd}万元）高于营业收入（{rev}万元）")
    emp = values.get("employees")
    if emp == 0:
        if values.get("invention_patents"):
            w.append("从业人员为0，但填有有效发明专利")
        if values.get("rd_staff"):
            w.append("从业人员为0，但填有研发人员")
    elif emp is not None and values.get("rd_staff") is not None and values["rd_staff"] > emp:
        w.append(f"研发人员（{values['rd_staff']}人）多于从业人员（{emp}人）")
    for kind, _level, qyear in quals:
        if qyear is not None and qyear > year:
            w.append(f"{QualificationKind(kind).label}认定年份（{qyear}）晚于数据年度（{year}）")
        if size == SizeClass.LARGE and kind in SME_ONLY_KINDS:
            w.append(f"测算为大型企业，但填有{QualificationKind(kind).label}资质，请核对规模或资质")
    return w


def validate_sheet(sheet: RawSheet, year: int) -> ParseResult:
    columns = sheet.columns
    by_key = {key: idx for idx, key in columns.items()}
    missing = [COLUMN_BY_KEY[k].header for k in REQUIRED_KEYS if k not in by_key]
    detected = [
        (col_letter(idx), sheet.headers[idx], COLUMN_BY_KEY[key].header) for idx, key in sorted(columns.items())
    ]
    errors: list[RowError] = []
    failing: dict[int, list[Any]] = {}
    parsed: list[ParsedRow] = []
    preview: list[list[str]] = []
    seen_codes: dict[str, int] = {}
    plan = [(idx, COLUMN_BY_KEY[key]) for idx, key in sorted(columns.items())]
    formulas = sheet.formula_cells
    code_idx = by_key.get("credit_code")
    for rownum, cells in sheet.rows:
        if len(preview) < PREVIEW_ROWS:
            preview.append([clean_text(cells[idx]) if idx < len(cells) else "" for idx, _ in plan])
        row_errors: list[RowError] = []
        values: dict[str, Any] = {}
        for idx, col in plan:
            raw = cells[idx] if idx < len(cells) else None
            if formulas and (rownum, idx) in formulas:
                row_errors.append(RowError(rownum, col.header, "是公式，请复制后“粘贴为数值”再导入"))
                continue
            if col.kind == "code":
                continue
            try:
                values[col.key] = col.parse(raw)
            except CellError as exc:
                row_errors.append(RowError(rownum, col.header, str(exc)))
        code = ""
        if code_idx is not None and (rownum, code_idx) not in formulas:
            raw_code = cells[code_idx] if code_idx < len(cells) else None
            if isinstance(raw_code, float | int) and not isinstance(raw_code, bool):
                row_errors.append(
                    RowError(
                        rownum, "统一社会信用代码", "被存成了数字（可能已丢失位数），请将该列设为文本格式后重新填写"
                    )
                )
            else:
                check = credit_code.validate(raw_code)
                code = check.code
                if not check.ok:
                    row_errors.append(RowError(rownum, "统一社会信用代码", check.error))
                elif code in seen_codes:
                    row_errors.append(
                        RowError(rownum, "统一社会信用代码", f"与第{seen_codes[code]}行重复（同一企业只能列报一次）")
                    )
                else:
                    seen_codes[code] = rownum
        for key in REQUIRED_KEYS:
            header = COLUMN_BY_KEY[key].header
            blank = key != "credit_code" and key in by_key and values.get(key) in (None, "")
            if blank and not any(e.column == header for e in row_errors):
                row_errors.append(RowError(rownum, header, "未填写（没有请填“0”或“无”）"))
        quals: list[tuple[str, str, int | None]] = []
        for kind in QUAL_KINDS:
            level = values.pop(f"q_{kind}", None)
            qyear = values.pop(f"qy_{kind}", None)
            if level:
                quals.append((kind, level, qyear))
            elif qyear is not None and f"q_{kind}" in by_key:
                label = QualificationKind(kind).label
                row_errors.append(RowError(rownum, f"{label}认定年份", f"填写了认定年份，但「{label}」未填写级别"))
        industry = values.get("industry")
        if industry in ASSET_INDUSTRIES and values.get("total_assets") is None and "industry" in values:
            row_errors.append(RowError(rownum, "资产总额", "该行业按资产总额划型，必须填写"))
        if row_errors:
            errors.extend(row_errors)
            failing[rownum] = cells
            continue
        products = [values.pop(f"product_{i}", "") or "" for i in (1, 2, 3)]
        values["main_products"] = [p for p in products if p]
        for key in ("above_scale", "cloud", "industrial_internet", "digital_rd_tools"):
            values[key] = bool(values.get(key))
        if values.get("leading_industry_related") is None:
            values["leading_industry_related"] = True
        values["listing_status"] = values.get("listing_status") or "none"
        for key in ("location_district", "location_town", "location_park", "contact_name", "contact_phone"):
            values[key] = values.get(key) or ""
        result = classify(
            industry or "",
            staff=values.get("employees"),
            revenue=values.get("revenue"),
            assets=values.get("total_assets"),
        )
        row = ParsedRow(rownum, code, values, quals, result.size.value, result.reason)
        row.warnings = _row_warnings(values, quals, row.size, year)
        parsed.append(row)
    return ParseResult(
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        detected=detected,
        unknown_headers=sheet.unknown_headers,
        missing_columns=missing,
        rows=parsed,
        errors=errors,
        failing_rows=failing,
        raw_header=sheet.headers,
        preview=preview,
    )


FIELD_KEYS = [c.key for c in COLUMNS if c.kind != "code" and not c.qualification and not c.key.startswith("product_")]
