"""From raw sheet rows to validated firm-year rows (pure: no database writes).

`validate_sheet` turns a `RawSheet` into a `ParseResult`: every row's values typed, the size
class computed with its reason, per-row warnings, and errors named by row and column in
Chinese (第12行「统一社会信用代码」校验位错误). The service layer shows it as the preview, writes
the valid rows as a pending list and makes it current when confirmed (store.py).

Up to 200,000 rows pass through here, so the work per row is kept small: the sheet's columns
are planned once (which cell goes where, through which parser), rows are taken in blocks of
PROGRESS_EVERY and each block is parsed column by column (`columns.fast_column`: a column whose
cells are all of the common kind — floats in range, clean text, known dropdown words — is
converted by C-level passes; any other is parsed cell by cell) and assembled into `ROW_FIELDS`
values column by column (`_assemble_columns`). A clean block — every credit code clean, valid
and new (`credit_code.all_valid_clean`), every cell read, every required cell filled — has its
qualifications and size classes worked out column by column too, and its columns go to the
writer as they are. Any other block is checked row by row (credit code, duplicates, required
cells, qualifications, size class, warnings); the rare paths (formula cells, faulty cells,
qualification years without a level) redo their row cell by cell, exactly as a row on its own,
so the messages name every fault of the row in column order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, islice, repeat
from operator import eq, gt, itemgetter
from typing import Any

from . import credit_code
from .columns import COLUMN_BY_KEY, COLUMNS, QUAL_KINDS, REQUIRED_KEYS, CellError, clean_text, fast_column, fast_parser
from .models import QualificationKind
from .reader import RawSheet, col_letter
from .sme_size import Industry, SizeClass, classify_size

MAX_SHOWN_ERRORS = 500
PREVIEW_ROWS = 10
# Rows per block: small enough that the writers' last block after the validation ends is short,
# large enough that per-block round trips stay few (5,000 measured best at 100,000 rows).
PROGRESS_EVERY = 5_000

# Qualifications reserved to SMEs (a large firm holding one is suspicious).
SME_ONLY_KINDS = (QualificationKind.SPECIALISED, QualificationKind.INNOVATIVE_SME, QualificationKind.LITTLE_GIANT)
ASSET_INDUSTRIES = (Industry.CONSTRUCTION, Industry.REAL_ESTATE, Industry.LEASING_BUSINESS)

# The FirmYear fields a list row fills, in the order of `ParsedRow.data` (and of store.ROW_COLUMNS).
ROW_FIELDS: tuple[str, ...] = (
    "name",
    "location_district",
    "location_town",
    "location_park",
    "industry",
    "employees",
    "revenue",
    "total_assets",
    "output_value",
    "rd_expense",
    "rd_staff",
    "invention_patents",
    "pct_applications",
    "above_scale",
    "listing_status",
    "cloud",
    "industrial_internet",
    "digital_rd_tools",
    "export_amount",
    "fdi_amount",
    "leading_industry_related",
    "main_products",
    "contact_name",
    "contact_phone",
)
FIELD_INDEX = {f: i for i, f in enumerate(ROW_FIELDS)}

Qualification = tuple[str, str, int | None]  # (kind, level, year of recognition)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def text(self) -> str:
        where = f"「{self.column}」" if self.column else ""
        return f"第{self.row}行{where}{self.message}"


@dataclass(slots=True)
class ParsedRow:
    """One valid row: the firm's credit code, its `ROW_FIELDS` values, qualifications and size
    class (its reason is built from the same values when shown: `FirmYear.size_reason`)."""

    row: int
    code: str
    data: list[Any]
    qualifications: list[Qualification]
    size: str
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> Any:
        return self.data[FIELD_INDEX[name]]

    @property
    def values(self) -> dict[str, Any]:
        return dict(zip(ROW_FIELDS, self.data, strict=True))


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


_REV, _RD = FIELD_INDEX["revenue"], FIELD_INDEX["rd_expense"]
_EMP, _RD_STAFF, _PATENTS = FIELD_INDEX["employees"], FIELD_INDEX["rd_staff"], FIELD_INDEX["invention_patents"]
_KIND_LABELS = {k.value: k.label for k in QualificationKind}


def _row_warnings(data: list[Any], quals: list[Qualification], size: str, year: int) -> list[str]:
    """Implausible values that do not block the import (shown to operator and reviewers)."""
    w: list[str] = []
    rev, rd = data[_REV], data[_RD]
    if rev is not None and rd is not None and rd > rev:
        w.append(f"研发费用（{rd}万元）高于营业收入（{rev}万元）")
    emp, rd_staff = data[_EMP], data[_RD_STAFF]
    if emp == 0:
        if data[_PATENTS]:
            w.append("从业人员为0，但填有有效发明专利")
        if rd_staff:
            w.append("从业人员为0，但填有研发人员")
    elif emp is not None and rd_staff is not None and rd_staff > emp:
        w.append(f"研发人员（{rd_staff}人）多于从业人员（{emp}人）")
    for kind, _level, qyear in quals:
        if qyear is not None and qyear > year:
            w.append(f"{_KIND_LABELS[kind]}认定年份（{qyear}）晚于数据年度（{year}）")
        if size == SizeClass.LARGE and kind in SME_ONLY_KINDS:
            w.append(f"测算为大型企业，但填有{_KIND_LABELS[kind]}资质，请核对规模或资质")
    return w


_NO_AMOUNT = Decimal("-1")  # below every amount (amounts and counts are never negative)
_NO_LIMIT = Decimal("Infinity")


def _may_warn(columns: Sequence[Sequence[Any]], quals: Sequence[list[Qualification]]) -> set[int]:
    """Positions of a block's rows that `_row_warnings` may warn about, found column by column
    (C-level passes): R&D expense above revenue, no employees, R&D staff above employees, or any
    qualification (its year or the firm's size may be implausible). The other rows have none."""

    def filled(column: Sequence[Any], blank: Decimal) -> Sequence[Any]:
        return [blank if v is None else v for v in column] if None in column else column

    n = len(quals)
    rev, rd = filled(columns[_REV], _NO_LIMIT), filled(columns[_RD], _NO_AMOUNT)
    emp, rd_staff = columns[_EMP], filled(columns[_RD_STAFF], _NO_AMOUNT)
    maybe = set(compress(range(n), map(gt, rd, rev)))
    maybe.update(compress(range(n), map(eq, emp, repeat(0))))
    maybe.update(compress(range(n), map(gt, rd_staff, filled(emp, _NO_LIMIT))))
    maybe.update(compress(range(n), quals))
    return maybe


# The per-row working list has one slot per column key; the first slots are ROW_FIELDS in their
# order (main_products' slot stays empty), so a row's values are a slice plus a few defaults.
_KEYS = [*ROW_FIELDS, *(c.key for c in COLUMNS if c.key not in FIELD_INDEX)]
_SLOT = {k: i for i, k in enumerate(_KEYS)}
_WIDTH = len(ROW_FIELDS)
_BLANK_TEXT = tuple(
    FIELD_INDEX[f]
    for f in ROW_FIELDS
    if f in ("name", "location_district", "location_town", "location_park", "industry") or f.startswith("contact_")
)
_FLAGS = tuple(FIELD_INDEX[f] for f in ("above_scale", "cloud", "industrial_internet", "digital_rd_tools"))
_RELATED, _LISTING = FIELD_INDEX["leading_industry_related"], FIELD_INDEX["listing_status"]
_PRODUCTS, _PRODUCT_SLOTS = FIELD_INDEX["main_products"], tuple(_SLOT[f"product_{i}"] for i in (1, 2, 3))
if set(_KEYS) != {c.key for c in COLUMNS} | set(ROW_FIELDS) or len(_KEYS) != len(set(_KEYS)):
    raise RuntimeError("ROW_FIELDS and COLUMNS disagree")


def _picker(indexes: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """`itemgetter(*indexes)` that always returns a tuple (also for zero or one index)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    if len(indexes) == 1:
        i = indexes[0]
        return lambda seq: (seq[i],)
    return lambda seq: ()


def _assemble(vals: Sequence[Any]) -> list[Any]:
    """Working values → ROW_FIELDS values with the list's defaults: blank text is "", blank flags
    are “否”, blank 主导产业相关 is “是”, blank 上市情况 is 未上市, products are a list."""
    data = list(vals[:_WIDTH])
    for i in _BLANK_TEXT:
        if data[i] is None:
            data[i] = ""
    for i in _FLAGS:
        data[i] = bool(data[i])
    if data[_RELATED] is None:
        data[_RELATED] = True
    if not data[_LISTING]:
        data[_LISTING] = "none"
    p1, p2, p3 = (vals[i] for i in _PRODUCT_SLOTS)
    data[_PRODUCTS] = [p for p in (p1, p2, p3) if p] if (p1 or p2 or p3) else []
    return data


def _assemble_columns(by_slot: Sequence[Iterable[Any]], n: int) -> list[list[Any]]:
    """`_assemble` for a block of n rows at once: its `ROW_FIELDS` values column by column
    (absent columns repeat None in `by_slot`; every column returned is a list of n values)."""
    data: list[Any] = list(by_slot[:_WIDTH])
    for i, col in enumerate(data):
        if isinstance(col, repeat):
            data[i] = [None] * n
    for i in _BLANK_TEXT:
        col = data[i]
        if None in col:
            data[i] = ["" if v is None else v for v in col]
    for i in _FLAGS:
        data[i] = list(map(bool, data[i]))
    data[_RELATED] = [True if v is None else v for v in data[_RELATED]]
    data[_LISTING] = [v or "none" for v in data[_LISTING]]
    products = [by_slot[i] for i in _PRODUCT_SLOTS]
    if all(isinstance(col, repeat) for col in products):
        data[_PRODUCTS] = [[] for _ in range(n)]
    else:
        data[_PRODUCTS] = [[p for p in trio if p] for trio in zip(*products, strict=False)]
    return data


def validate_sheet(
    sheet: RawSheet,
    year: int,
    progress: Callable[[int, int | None], None] | None = None,
    on_block: Callable[[list[ParsedRow], bool, list[list[Any]] | None], None] | None = None,
) -> ParseResult:
    """Validate and classify every row of `sheet` (consuming its lazy rows once).

    `progress(rows_done, rows_expected)` is called every PROGRESS_EVERY rows when given;
    `on_block(valid_rows, errors_so_far, columns)` after each block of rows (the caller may
    write them while the next block is validated); `columns` are the rows' `ROW_FIELDS` values
    column by column when every row of the block was valid (else None).
    """
    columns = sheet.columns
    by_key = {key: idx for idx, key in columns.items()}
    missing = [COLUMN_BY_KEY[k].header for k in REQUIRED_KEYS if k not in by_key]
    detected = [
        (col_letter(idx), sheet.headers[idx], COLUMN_BY_KEY[key].header) for idx, key in sorted(columns.items())
    ]
    # The plan: (cell index, working slot, parser, header) for every mapped column but the code.
    plan = [
        (idx, _SLOT[key], fast_parser(COLUMN_BY_KEY[key]), COLUMN_BY_KEY[key].header)
        for idx, key in sorted(columns.items())
        if COLUMN_BY_KEY[key].kind != "code"
    ]
    preview_plan = sorted(columns)
    required = [(_SLOT[k], COLUMN_BY_KEY[k].header) for k in REQUIRED_KEYS if k != "credit_code" and k in by_key]
    qual_plan = [
        (kind, _SLOT[f"q_{kind}"], _SLOT[f"qy_{kind}"], f"q_{kind}" in by_key, QualificationKind(kind).label)
        for kind in QUAL_KINDS
        if f"q_{kind}" in by_key or f"qy_{kind}" in by_key
    ]
    s_industry, s_employees = _SLOT["industry"], _SLOT["employees"]
    s_revenue, s_assets = _SLOT["revenue"], _SLOT["total_assets"]
    industry_present = "industry" in by_key
    formulas = sheet.formula_cells
    code_idx = by_key.get("credit_code")
    validate_code, clean_code = credit_code.validate, credit_code.is_valid_clean
    all_codes_valid = credit_code.all_valid_clean
    width = len(_KEYS)
    # Rows are taken in blocks; each block is parsed column by column (`fast_column`: C-level
    # passes where a column holds only the common kind of cell), then the row checks below run
    # per row. A row with a faulty cell or a formula is redone cell by cell to collect every error.
    column_plan = [
        (idx, _SLOT[key], fast_column(COLUMN_BY_KEY[key]))
        for idx, key in sorted(columns.items())
        if COLUMN_BY_KEY[key].kind != "code"
    ]
    need = max([*(idx for idx, _slot, _parse, _header in plan), code_idx if code_idx is not None else -1]) + 1
    formula_rows = {r for r, _c in formulas}
    pick_required = _picker([slot for slot, _header in required])
    pick_quals = _picker([slot for plan_ in qual_plan for slot in plan_[1:3]])

    def cell_by_cell(rownum: int, cells: Sequence[Any]) -> tuple[list[Any], list[RowError]]:
        vals: list[Any] = [None] * width
        found: list[RowError] = []
        for idx, slot, parse, header in plan:
            if (rownum, idx) in formulas:
                found.append(RowError(rownum, header, "是公式，请复制后“粘贴为数值”再导入"))
                continue
            try:
                vals[slot] = parse(cells[idx])
            except CellError as exc:
                found.append(RowError(rownum, header, str(exc)))
        return vals, found

    def block_values(rownums: Sequence[int], block: Sequence[Sequence[Any]]) -> tuple[list[Any], set[int]]:
        """The block's working values column by column (by slot; an absent column's slot
        repeats None) and the positions of rows to redo cell by cell."""
        by_slot: list[Any] = [repeat(None)] * width
        redo: set[int] = set()
        cells_by_column = list(zip(*block, strict=False))  # rows may be longer than `need`
        for idx, slot, parse_column in column_plan:
            by_slot[slot], failed = parse_column(cells_by_column[idx])
            redo.update(failed)
        if formula_rows:
            redo.update(i for i, r in enumerate(rownums) if r in formula_rows)
        return by_slot, redo

    def row_values(by_slot: Sequence[Any], n: int) -> list[Any]:
        """Every row's working values (by slot), for the checks row by row."""
        if not column_plan:
            return [(None,) * width] * n
        return list(zip(*by_slot, strict=False))  # zip stops at the present columns (n rows)

    def block_is_clean(by_slot: Sequence[Any]) -> bool:
        """No row of the block can fail a row check: every required cell filled, no recognition
        year without its level, an amount of assets wherever the industry is classed by them."""
        for slot, _header in required:
            column = by_slot[slot]
            if isinstance(column, repeat):
                return False
            # By the values' types: `None in column` would compare every amount with None.
            types = set(map(type, column))
            if type(None) in types or (str in types and "" in column):
                return False
        for _kind, s_level, s_year, level_present, _label in qual_plan:
            years = by_slot[s_year]
            if (
                level_present
                and not isinstance(years, repeat)
                and any(y is not None and not lv for lv, y in zip(by_slot[s_level], years, strict=False))
            ):
                return False
        if industry_present:
            industries, assets = by_slot[s_industry], by_slot[s_assets]
            if any(ind in ASSET_INDUSTRIES for ind in industries) and any(
                ind in ASSET_INDUSTRIES and a is None for ind, a in zip(industries, assets, strict=False)
            ):
                return False
        return True

    qual_slots = [(kind, s_level, s_year) for kind, s_level, s_year, _present, _label in qual_plan]

    def clean_block(
        rownums: Sequence[int],
        codes: list[str],
        by_slot: Sequence[Any],
        data: list[list[Any]],
        data_columns: list[list[Any]],
        n: int,
    ) -> None:
        """A clean block's rows (see `block_is_clean`), built column by column without the
        per-row checks: qualifications only where a level is given (most firms hold none)."""
        quals: list[list[Qualification]] = [[] for _ in range(n)]
        for kind, s_level, s_year in qual_slots:
            levels = by_slot[s_level]
            if isinstance(levels, repeat):
                continue
            years = by_slot[s_year]
            if isinstance(years, repeat):
                years = [None] * n
            for i in compress(range(n), levels):
                quals[i].append((kind, levels[i], years[i]))
        industries = by_slot[s_industry]
        industries = repeat("") if isinstance(industries, repeat) else [v or "" for v in industries]
        cells = (by_slot[s_employees], by_slot[s_revenue], by_slot[s_assets])
        sizes = list(islice(map(classify_size, industries, *cells), n))
        maybe = _may_warn(data_columns, quals)
        warnings = [_row_warnings(data[i], quals[i], sizes[i], year) if i in maybe else [] for i in range(n)]
        parsed.extend(map(ParsedRow, rownums, codes, data, quals, sizes, warnings))

    errors: list[RowError] = []
    failing: dict[int, list[Any]] = {}
    parsed: list[ParsedRow] = []
    preview: list[list[str]] = []
    seen_codes: dict[str, int] = {}
    done = 0
    for rownums, block in sheet.blocks(PROGRESS_EVERY):
        if progress is not None and done:
            progress(done, sheet.row_estimate)
        done += len(block)
        if min(map(len, block)) < need:
            block = [c if len(c) >= need else [*c, *([None] * (need - len(c)))] for c in block]
        for cells in block[: PREVIEW_ROWS - len(preview)]:
            preview.append([clean_text(cells[idx]) if idx < len(cells) else "" for idx in preview_plan])
        n = len(block)
        by_slot, redo = block_values(rownums, block)
        data_columns = _assemble_columns(by_slot, n)
        block_data = list(map(list, zip(*data_columns, strict=True)))
        first_new = len(parsed)
        # The usual block: every code clean and valid, none repeated here or before, none a formula.
        codes: list[Any] = [c[code_idx] for c in block] if code_idx is not None else []
        codes_ok = (
            bool(codes)
            and not (formulas and any((r, code_idx) in formulas for r in rownums))
            and all_codes_valid(codes)
            and len(set(codes)) == len(codes)
            and seen_codes.keys().isdisjoint(codes)
        )
        if codes_ok:
            seen_codes.update(zip(codes, rownums, strict=True))
        if codes_ok and not redo and block_is_clean(by_slot):
            clean_block(rownums, codes, by_slot, block_data, data_columns, n)
            if on_block is not None:
                on_block(parsed[first_new:], bool(errors), data_columns)
            continue
        block_vals = row_values(by_slot, n)
        for i, rownum in enumerate(rownums):
            cells = block[i]
            row_errors: list[RowError] | None = None
            vals: Sequence[Any]
            if i in redo:
                vals, row_errors = cell_by_cell(rownum, cells)
                row_errors = row_errors or None
            else:
                vals = block_vals[i]
            code = ""
            if codes_ok:
                code = codes[i]
            elif code_idx is not None and not (formulas and (rownum, code_idx) in formulas):
                raw_code = cells[code_idx]
                if isinstance(raw_code, str) and clean_code(raw_code) and raw_code not in seen_codes:
                    code = raw_code
                    seen_codes[code] = rownum
                elif isinstance(raw_code, float | int) and not isinstance(raw_code, bool):
                    row_errors = row_errors or []
                    row_errors.append(
                        RowError(
                            rownum, "统一社会信用代码", "被存成了数字（可能已丢失位数），请将该列设为文本格式后重新填写"
                        )
                    )
                else:
                    check = validate_code(raw_code)
                    code = check.code
                    if check.error:
                        row_errors = row_errors or []
                        row_errors.append(RowError(rownum, "统一社会信用代码", check.error))
                    elif code in seen_codes:
                        row_errors = row_errors or []
                        row_errors.append(
                            RowError(
                                rownum, "统一社会信用代码", f"与第{seen_codes[code]}行重复（同一企业只能列报一次）"
                            )
                        )
                    else:
                        seen_codes[code] = rownum
            given = pick_required(vals)
            if None in given or "" in given:
                for slot, header in required:
                    v = vals[slot]
                    if (v is None or v == "") and not (row_errors and any(e.column == header for e in row_errors)):
                        row_errors = row_errors or []
                        row_errors.append(RowError(rownum, header, "未填写（没有请填“0”或“无”）"))
            quals: list[Qualification] = []
            if any(pick_quals(vals)):  # most firms hold no qualification
                for kind, s_level, s_year, level_present, label in qual_plan:
                    level, qyear = vals[s_level], vals[s_year]
                    if level:
                        quals.append((kind, level, qyear))
                    elif qyear is not None and level_present:
                        row_errors = row_errors or []
                        row_errors.append(
                            RowError(rownum, f"{label}认定年份", f"填写了认定年份，但「{label}」未填写级别")
                        )
            industry = vals[s_industry]
            if industry in ASSET_INDUSTRIES and vals[s_assets] is None and industry_present:
                row_errors = row_errors or []
                row_errors.append(RowError(rownum, "资产总额", "该行业按资产总额划型，必须填写"))
            if row_errors:
                errors.extend(row_errors)
                failing[rownum] = cells
                continue
            data = _assemble(vals) if i in redo else block_data[i]
            size = classify_size(industry or "", vals[s_employees], vals[s_revenue], vals[s_assets])
            parsed.append(ParsedRow(rownum, code, data, quals, size, _row_warnings(data, quals, size, year)))
        if on_block is not None:
            on_block(parsed[first_new:], bool(errors), None)
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


def qualification_key(quals: Iterable[Qualification]) -> frozenset[Qualification]:
    """Qualifications compared as a set (their order in a row means nothing)."""
    return frozenset(quals)


FIELD_KEYS = [c.key for c in COLUMNS if c.kind != "code" and not c.qualification and not c.key.startswith("product_")]
