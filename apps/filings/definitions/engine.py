"""Validation, computed fields and indicator extraction over a template and a value dict."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from apps.indicators.catalogue import Catalogue, load_catalogue

from .formula import FormulaError, MissingValue, Ref, evaluate, render, variables
from .types import (
    NONE_MARK,
    STANDARD_CATEGORIES,
    STANDARD_ROLES,
    Column,
    Computed,
    Field,
    Issue,
    Severity,
    Template,
)

EXPLANATIONS_KEY = "_explanations"
_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NAME_SPLIT = re.compile(r"[、，,；;\n]+")
CAT_LABEL = dict(STANDARD_CATEGORIES)
ROLE_LABEL = dict(STANDARD_ROLES)


# —— value helpers ——
def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping | list | tuple):
        return len(value) == 0
    return False


def is_none_mark(value: Any) -> bool:
    return isinstance(value, str) and value.strip() == NONE_MARK


def parse_decimal(raw: Any) -> Decimal | None:
    """Decimal from a stored value, None if blank or not a number (validation reports why)."""
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace(",", "").replace(" ", "")
    if not _NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def fmt(value: Decimal, places: int = 2) -> str:
    q = Decimal(1).scaleb(-places)
    return str(value.quantize(q, rounding=ROUND_HALF_UP))


class _Ctx:
    def __init__(self, template: Template, values: Mapping[str, Any], computed: Mapping[str, Computed]) -> None:
        self.t = template
        self.v = values
        self.c = computed

    def resolve(self, ref: Ref) -> Any:
        field = self.t.fields.get(ref.name)
        if field is None:
            return None
        if field.kind == "computed":
            key = f"{ref.name}[{ref.path[0]}]" if field.per_year and ref.path else ref.name
            comp = self.c.get(key)
            return comp.value if comp else None
        raw = self.v.get(ref.name)
        if field.kind in ("text", "narrative", "date", "choice"):
            return None if is_blank(raw) else str(raw).strip()
        if field.kind == "checkboxes":
            if not isinstance(raw, Mapping):
                return None
            return tuple(raw.get("checked") or ())
        if field.kind == "row_table":
            return _row_table_figure(field, raw, ref)
        node: Any = raw.get("fixed") if field.kind == "target_table" and isinstance(raw, Mapping) else raw
        for part in ref.path:
            if not isinstance(node, Mapping):
                return None
            node = node.get(str(part))
        if field.kind == "count_names" and not ref.path and isinstance(node, Mapping):
            node = node.get("count")
        if isinstance(node, Mapping) or is_blank(node) or is_none_mark(node):
            return None
        number = parse_decimal(node)
        return number if number is not None else None


def filled_rows(raw: Any) -> list[Mapping[str, Any]]:
    """The rows of a row_table value that hold anything (blank rows are ignored)."""
    rows = raw.get("rows") if isinstance(raw, Mapping) else None
    return [r for r in (rows or []) if isinstance(r, Mapping) and not all(is_blank(v) for v in r.values())]


def _row_table_figure(field: Field, raw: Any, ref: Ref) -> Decimal | None:
    """`table` → number of filled rows; `table['col']` → sum of that numeric column.
    None while the table has not been answered at all (neither rows nor “无”)."""
    if not isinstance(raw, Mapping):
        return None
    rows = filled_rows(raw)
    if not ref.path:
        return Decimal(len(rows))
    total = Decimal(0)
    for row in rows:
        cell = row.get(str(ref.path[0]))
        number = parse_decimal(cell)
        if number is not None:
            total += number
    return total


def _condition(expr: str, ctx: _Ctx) -> bool:
    if not expr:
        return True
    try:
        return bool(evaluate(expr, ctx.resolve))
    except (MissingValue, FormulaError):
        return False


def is_visible(field: Field, ctx: _Ctx) -> bool:
    return _condition(field.visible_when, ctx) if field.visible_when else True


def is_required(field: Field, ctx: _Ctx) -> bool:
    if field.required_when:
        return _condition(field.required_when, ctx)
    return field.required


# —— compute ——
def _sub_year(expr: str, year: int | None) -> str:
    if year is None:
        return expr
    return expr.replace("{y}", str(year)).replace("{y-1}", str(year - 1))


def compute(template: Template, values: Mapping[str, Any]) -> dict[str, Computed]:
    """Every computed field: value (None while inputs are blank), formula, inputs, explanation.
    Per-year computed fields are keyed "<key>[<year>]"."""
    out: dict[str, Computed] = {}
    ctx = _Ctx(template, values, out)
    for field in template.fields.values():
        if field.kind != "computed":
            continue
        for year in field.years if field.per_year else (None,):
            key = f"{field.key}[{year}]" if year is not None else field.key
            out[key] = _compute_one(field, year, ctx)
    return out


def _show_ref(ref: Ref, ctx: _Ctx) -> str:
    field = ctx.t.fields.get(ref.name)
    label = field.label if field else ref.name
    suffix = "".join(f"{p}年" if isinstance(p, int) else str(p) for p in ref.path)
    return f"{label}{('（' + suffix + '）') if suffix else ''}"


def _compute_one(field: Field, year: int | None, ctx: _Ctx) -> Computed:
    formula = _sub_year(field.formula, year)
    symbols = {name: _sub_year(expr, year) for name, expr in field.inputs}
    inputs: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    symbol_values: dict[str, Any] = {}
    for name, expr in symbols.items():
        try:
            val = evaluate(expr, ctx.resolve)
        except MissingValue as exc:
            missing.append(_show_ref(exc.ref, ctx))
            val = None
        except FormulaError:
            val = None
        sources = [_show_ref(r, ctx) for r in variables(expr)]
        inputs[name] = {
            "value": val,
            "expression": expr,
            "source": "；".join(sources),
            "fields": [r.name for r in variables(expr)],
        }
        symbol_values[name] = val
    for ref in variables(formula):
        if ref.name in symbols and not ref.path:
            continue
        val = ctx.resolve(ref)
        inputs[str(ref)] = {"value": val, "expression": str(ref), "source": _show_ref(ref, ctx), "fields": [ref.name]}
        if val is None:
            missing.append(_show_ref(ref, ctx))

    def resolve(ref: Ref) -> Any:
        if ref.name in symbol_values and not ref.path:
            return symbol_values[ref.name]
        return ctx.resolve(ref)

    def show_value(ref: Ref) -> str:
        val = resolve(ref)
        return fmt(val) if isinstance(val, Decimal) else "□"

    symbolic = render(formula, lambda r: r.name if r.name in symbols and not r.path else _show_ref(r, ctx))
    value: Decimal | None = None
    error = ""
    if not missing:
        try:
            result = evaluate(formula, resolve)
            value = Decimal(result).quantize(Decimal(1).scaleb(-field.decimals), rounding=ROUND_HALF_UP)
        except MissingValue as exc:
            missing.append(_show_ref(exc.ref, ctx))
        except FormulaError as exc:
            error = str(exc)
    unit = f" {field.unit}" if field.unit else ""
    head = f"{field.label}{f'（{year}年）' if year else ''}"
    explanation = f"{head} = {symbolic}"
    if value is not None:
        explanation += f" = {render(formula, show_value)} = {fmt(value, field.decimals)}{unit}"
    elif missing:
        explanation += f"；尚缺：{'、'.join(dict.fromkeys(missing))}"
    elif error:
        explanation += f"；{error}"
    legend = [f"{name} = {render(expr, lambda r: _show_ref(r, ctx))}" for name, expr in symbols.items()]
    if legend:
        explanation += "（其中 " + "；".join(legend) + "）"
    return Computed(
        key=field.key,
        label=field.label,
        value=value,
        formula=formula,
        inputs=inputs,
        explanation=explanation,
        unit=field.unit,
        year=year,
        missing=tuple(dict.fromkeys(missing)),
    )


# —— validate ——
class _Collector:
    def __init__(self, explanations: Mapping[str, str]) -> None:
        self.issues: list[Issue] = []
        self.explanations = explanations

    def add(self, field: str, severity: Severity, message: str, code: str, **where: Any) -> None:
        explained = severity == "warning" and bool(str(self.explanations.get(code, "")).strip())
        self.issues.append(Issue(field, severity, message, code, explained=explained, **where))


def _check_number(
    raw: Any,
    *,
    label: str,
    decimals: int,
    unit: str,
    signed: bool,
    allow_none: bool,
    out: _Collector,
    field: str,
    code: str,
    **where: Any,
) -> Decimal | None:
    if is_none_mark(raw):
        if not allow_none:
            out.add(field, "error", f"“{label}”应填写数字，不能填“无”", code + ":none", **where)
        return None
    number = parse_decimal(raw)
    if number is None:
        out.add(field, "error", f"“{label}”应填写数字，“{raw}”不是数字", code + ":nan", **where)
        return None
    places = -int(number.as_tuple().exponent) if isinstance(number.as_tuple().exponent, int) else 0
    if decimals == 0 and places > 0 and number != number.to_integral_value():
        out.add(field, "error", f"“{label}”应为整数", code + ":int", **where)
    elif places > decimals and decimals > 0:
        out.add(field, "error", f"“{label}”最多保留{decimals}位小数（填写了{places}位）", code + ":dp", **where)
    if number < 0 and not signed:
        what = "非负整数" if decimals == 0 else "非负数"
        out.add(field, "error", f"“{label}”应为{what}，不能为负数", code + ":neg", **where)
    if unit == "%" and not signed and number > 100:
        out.add(field, "error", f"“{label}”是百分比，应在0–100之间（填写了{number}）", code + ":pct", **where)
    return number


def _check_text(raw: Any, limit: int | None, label: str, out: _Collector, field: str, code: str, **where: Any) -> None:
    if not isinstance(raw, str):
        out.add(field, "error", f"“{label}”应填写文字", code + ":type", **where)
        return
    if limit is not None and len(raw.strip()) > limit:
        out.add(field, "error", f"“{label}”限{limit}字以内（现有{len(raw.strip())}字）", code + ":len", **where)


def _check_date(raw: Any, label: str, out: _Collector, field: str, code: str, **where: Any) -> None:
    try:
        date.fromisoformat(str(raw).strip())
    except ValueError:
        out.add(field, "error", f"“{label}”应为日期（年-月-日），“{raw}”不是有效日期", code + ":date", **where)


def validate(
    template: Template,
    values: Mapping[str, Any],
    *,
    for_submit: bool,
    evidenced: Iterable[str] = (),
    explanations: Mapping[str, str] | None = None,
    party: str | None = "applicant",
) -> list[Issue]:
    """All issues of `values` against `template`. Blank required items and missing evidence
    are reported only `for_submit`; format errors always. A warning is `explained` when
    `explanations` (or values["_explanations"]) has text under its `code`.

    `party` (填写方) is whose submission this is: only the fields that party fills are required
    (the applicant's submission does not require the district's opinion, the district's fill does
    not require the applicant's rows); None requires every field. Format errors count for all."""
    ev = set(evidenced)
    expl = dict(values.get(EXPLANATIONS_KEY) or {}) if isinstance(values.get(EXPLANATIONS_KEY), Mapping) else {}
    expl.update(explanations or {})
    out = _Collector(expl)
    computed = compute(template, values)
    ctx = _Ctx(template, values, computed)
    for section in template.sections:
        total_chars = 0
        for field in section.fields:
            if field.kind == "computed" or not is_visible(field, ctx):
                continue
            raw = values.get(field.key)
            mine = party is None or field.filled_by == party
            required = mine and is_required(field, ctx)
            if field.kind == "narrative" and isinstance(raw, str):
                total_chars += len(raw.strip())
            _validate_field(field, raw, required, for_submit and mine, ev, out)
        if section.max_chars is not None and total_chars > section.max_chars:
            first = next((f.key for f in section.fields if f.kind == "narrative"), section.fields[0].key)
            out.add(
                first,
                "error",
                f"“{section.heading}”全文限{section.max_chars}字以内（现有{total_chars}字）",
                f"{section.key}:len",
            )
    _apply_rules(template, ctx, out)
    return out.issues


def _validate_field(field: Field, raw: Any, required: bool, for_submit: bool, ev: set[str], out: _Collector) -> None:
    k, label = field.key, field.label
    blank = is_blank(raw)
    if blank:
        if required and for_submit and field.kind not in ("year_series", "standards_matrix", "target_table"):
            hint = "；无相关情况请填写“无”" if field.allow_none else ""
            if field.kind == "attachment":
                if k not in ev:
                    out.add(k, "error", f"请上传“{label}”", f"{k}:evidence")
                return
            out.add(k, "error", f"“{label}”为必填项，不能为空{hint}", f"{k}:blank")
            return
        if field.kind not in ("year_series", "standards_matrix", "target_table"):
            return
    if is_none_mark(raw) and field.kind not in ("year_series", "standards_matrix"):
        if not field.allow_none:
            out.add(k, "error", f"“{label}”不能填“无”", f"{k}:none")
        return
    if field.kind in ("text", "narrative"):
        _check_text(raw, field.max_chars, label, out, k, k)
        if field.evidence and for_submit and k not in ev:
            out.add(k, "error", f"“{label}”需提供佐证材料，请上传", f"{k}:evidence")
    elif field.kind == "date":
        _check_date(raw, label, out, k, k)
    elif field.kind == "number":
        number = _check_number(
            raw, label=label, decimals=field.decimals, unit=field.unit, signed=field.signed,
            allow_none=field.allow_none, out=out, field=k, code=k,
        )  # fmt: skip
        if field.evidence and for_submit and number is not None and number > 0 and k not in ev:
            out.add(k, "error", f"“{label}”需提供佐证材料（名单/清单），请上传", f"{k}:evidence")
    elif field.kind == "year_series":
        series = raw if isinstance(raw, Mapping) else {}
        if not blank and not isinstance(raw, Mapping):
            out.add(k, "error", f"“{label}”数据格式不对", f"{k}:type")
        for y in field.years:
            cell = series.get(str(y))
            if is_blank(cell):
                if required and for_submit:
                    hint = "；无相关情况请填写“无”" if field.allow_none else ""
                    out.add(k, "error", f"“{label}”{y}年为必填项，不能为空{hint}", f"{k}:{y}:blank", year=y)
                continue
            _check_number(
                cell, label=f"{label}（{y}年）", decimals=field.decimals, unit=field.unit, signed=field.signed,
                allow_none=field.allow_none, out=out, field=k, code=f"{k}:{y}", year=y,
            )  # fmt: skip
        if field.evidence and for_submit and not blank and k not in ev:
            out.add(k, "error", f"“{label}”需提供佐证材料（名单/清单），请上传", f"{k}:evidence")
    elif field.kind == "choice":
        keys = {o.key: o.label for o in field.options}
        chosen = field.option(str(raw))
        if chosen is None:
            out.add(k, "error", f"“{label}”的选项“{raw}”无效（可选：{'、'.join(keys.values())}）", f"{k}:option")
        elif for_submit and k not in ev and ((field.evidence and raw == "yes") or chosen.evidence):
            out.add(k, "error", f"“{label}”选择“{chosen.label}”需提供佐证材料，请上传", f"{k}:evidence")
    elif field.kind == "checkboxes":
        _validate_checkboxes(field, raw, required, for_submit, ev, out)
    elif field.kind == "count_names":
        _validate_count_names(field, raw, for_submit, ev, out)
    elif field.kind == "standards_matrix":
        _validate_matrix(field, raw, required, for_submit, out)
        if field.evidence and for_submit and _matrix_total(field, raw) > 0 and k not in ev:
            out.add(k, "error", f"“{label}”需提供标准清单及佐证材料，请上传", f"{k}:evidence")
    elif field.kind == "target_table":
        _validate_target_table(field, raw, required, for_submit, out)
    elif field.kind == "row_table":
        _validate_row_table(field, raw, required, for_submit, out)
        if field.evidence and for_submit and filled_rows(raw) and k not in ev:
            out.add(k, "error", f"“{label}”需提供佐证材料，请上传", f"{k}:evidence")
    elif field.kind == "declaration":
        _validate_declaration(field, raw, for_submit, out)
    elif field.kind == "attachment" and for_submit and k not in ev:
        out.add(k, "error", f"请上传“{label}”", f"{k}:evidence")


def _validate_checkboxes(
    field: Field, raw: Any, required: bool, for_submit: bool, ev: set[str], out: _Collector
) -> None:
    k, label = field.key, field.label
    if not isinstance(raw, Mapping):
        out.add(k, "error", f"“{label}”数据格式不对", f"{k}:type")
        return
    checked = list(raw.get("checked") or [])
    if not checked and required and for_submit and not raw.get("none"):
        out.add(k, "error", f"“{label}”请至少勾选一项；无相关情况请选择“无”", f"{k}:blank")
    counts = raw.get("counts") or {}
    for key in checked:
        opt = field.option(str(key))
        if opt is None:
            out.add(k, "error", f"“{label}”没有选项“{key}”", f"{k}:{key}:option", option=str(key))
            continue
        if opt.text and is_blank(raw.get("other_text")):
            out.add(k, "error", f"“{label}”勾选了“{opt.label}”，请填写具体内容", f"{k}:{key}:text", option=opt.key)
        if opt.count_unit:
            cell = counts.get(opt.key) if isinstance(counts, Mapping) else None
            if is_blank(cell):
                if for_submit:
                    out.add(
                        k, "error", f"“{opt.label}”请填写数量（{opt.count_unit}）", f"{k}:{key}:count", option=opt.key
                    )
            else:
                _check_number(
                    cell, label=opt.label, decimals=0 if opt.count_unit != "%" and opt.count_unit != "万元" else 2,
                    unit=opt.count_unit, signed=False, allow_none=False, out=out, field=k,
                    code=f"{k}:{key}", option=opt.key,
                )  # fmt: skip
        if opt.evidence and for_submit and f"{k}.{opt.key}" not in ev:
            out.add(k, "error", f"“{label}”勾选了“{opt.label}”，需上传佐证材料", f"{k}:{key}:evidence", option=opt.key)


def _validate_count_names(field: Field, raw: Any, for_submit: bool, ev: set[str], out: _Collector) -> None:
    k, label = field.key, field.label
    if not isinstance(raw, Mapping):
        out.add(k, "error", f"“{label}”数据格式不对", f"{k}:type")
        return
    count_raw, names = raw.get("count"), raw.get("names")
    if is_blank(count_raw):
        if for_submit:
            out.add(k, "error", f"“{label}”请填写数量；无相关情况请填0", f"{k}:count:blank", column="count")
        return
    count = _check_number(
        count_raw, label=f"{label}（数量）", decimals=0, unit="个", signed=False, allow_none=False,
        out=out, field=k, code=f"{k}:count", column="count",
    )  # fmt: skip
    if count is None or count == 0:
        return
    if is_blank(names) or is_none_mark(names):
        if for_submit:
            out.add(k, "error", f"“{label}”数量为{count}个，请填写名称", f"{k}:names:blank", column="names")
        return
    listed = [n for n in _NAME_SPLIT.split(str(names)) if n.strip()]
    if len(listed) != count:
        out.add(
            k,
            "warning",
            f"“{label}”填写数量{count}个，但列出了{len(listed)}个名称（以顿号、逗号或换行分隔）",
            f"{k}:names:mismatch",
            column="names",
        )
    if field.evidence and for_submit and k not in ev:
        out.add(k, "error", f"“{label}”需提供清单及佐证材料，请上传", f"{k}:evidence")


def _validate_matrix(field: Field, raw: Any, required: bool, for_submit: bool, out: _Collector) -> None:
    k, label = field.key, field.label
    data = raw if isinstance(raw, Mapping) else {}
    for y in field.years:
        year_data = data.get(str(y)) or {}
        for cat, cat_label in STANDARD_CATEGORIES:
            row = year_data.get(cat) or {} if isinstance(year_data, Mapping) else {}
            for role, role_label in STANDARD_ROLES:
                cell = row.get(role) if isinstance(row, Mapping) else None
                where = {"year": y, "row": None, "column": f"{cat}.{role}"}
                name = f"{label}（{y}年 {cat_label} {role_label}）"
                if is_blank(cell):
                    if required and for_submit:
                        out.add(k, "error", f"{name}不能为空；没有请填0", f"{k}:{y}:{cat}:{role}:blank", **where)
                    continue
                _check_number(
                    cell, label=name, decimals=0, unit="项", signed=False, allow_none=False,
                    out=out, field=k, code=f"{k}:{y}:{cat}:{role}", **where,
                )  # fmt: skip


def _matrix_total(field: Field, raw: Any) -> Decimal:
    """Sum of every count in a standards matrix (blank and non-numbers count as 0)."""
    total = Decimal(0)
    data = raw if isinstance(raw, Mapping) else {}
    for y in field.years:
        year_data = data.get(str(y))
        for cat, _ in STANDARD_CATEGORIES:
            row = year_data.get(cat) if isinstance(year_data, Mapping) else None
            for role, _ in STANDARD_ROLES:
                number = parse_decimal(row.get(role)) if isinstance(row, Mapping) else None
                total += number if number is not None and number > 0 else 0
    return total


def _cell(
    col_type: str, unit: str, signed: bool, cell: Any, name: str, out: _Collector, k: str, code: str, **where: Any
) -> None:
    if col_type in ("number", "count", "percent", "year"):
        _check_number(
            cell, label=name, decimals=0 if col_type in ("count", "year") else 2,
            unit="%" if col_type == "percent" else unit, signed=signed, allow_none=True,
            out=out, field=k, code=code, **where,
        )  # fmt: skip
    elif col_type == "date":
        _check_date(cell, name, out, k, code, **where)


def _validate_target_table(field: Field, raw: Any, required: bool, for_submit: bool, out: _Collector) -> None:
    k, label = field.key, field.label
    data = raw if isinstance(raw, Mapping) else {}
    fixed = data.get("fixed") or {}
    for ri, row in enumerate(field.rows):
        cells = fixed.get(row.key) or {} if isinstance(fixed, Mapping) else {}
        for col in field.columns:
            cell = cells.get(col.key) if isinstance(cells, Mapping) else None
            name = f"{label}“{row.direction}—{row.label}”的“{col.label}”"
            where = {"row": ri, "column": col.key}
            if is_blank(cell):
                if required and for_submit and col.required:
                    out.add(
                        k, "error", f"{name}不能为空；无相关情况请填写“无”", f"{k}:{row.key}:{col.key}:blank", **where
                    )
                continue
            if row.qualitative or is_none_mark(cell):
                _check_text(cell, col.max_chars or 500, name, out, k, f"{k}:{row.key}:{col.key}", **where)
            else:
                _check_number(
                    cell, label=name, decimals=2, unit=row.unit, signed=True, allow_none=True,
                    out=out, field=k, code=f"{k}:{row.key}:{col.key}", **where,
                )  # fmt: skip
    added = data.get("added") or []
    if added and not field.allow_added_rows:
        out.add(k, "error", f"“{label}”不允许增加行", f"{k}:added")
        return
    for ai, row in enumerate(added if isinstance(added, list) else []):
        ri = len(field.rows) + ai
        if not isinstance(row, Mapping):
            continue
        for part, part_label in (("direction", "方向"), ("label", "指标")):
            if is_blank(row.get(part)) and for_submit:
                out.add(
                    k,
                    "error",
                    f"{label}新增第{ai + 1}行的“{part_label}”不能为空",
                    f"{k}:added{ai}:{part}",
                    row=ri,
                    column=part,
                )
        direction = str(row.get("direction") or "").strip()
        if direction and field.added_row_directions and direction not in field.added_row_directions:
            out.add(
                k,
                "error",
                f"{label}新增第{ai + 1}行的方向“{direction}”不在原表所列方向内"
                f"（可选：{'、'.join(field.added_row_directions)}）",
                f"{k}:added{ai}:direction:option",
                row=ri,
                column="direction",
            )
        qualitative = bool(row.get("qualitative"))
        for col in field.columns:
            cell = row.get(col.key)
            name = f"{label}新增第{ai + 1}行的“{col.label}”"
            if is_blank(cell):
                if for_submit and col.required:
                    out.add(k, "error", f"{name}不能为空", f"{k}:added{ai}:{col.key}:blank", row=ri, column=col.key)
                continue
            if qualitative or is_none_mark(cell):
                _check_text(
                    cell, col.max_chars or 500, name, out, k, f"{k}:added{ai}:{col.key}", row=ri, column=col.key
                )
            else:
                _check_number(
                    cell, label=name, decimals=2, unit=str(row.get("unit") or ""), signed=True, allow_none=True,
                    out=out, field=k, code=f"{k}:added{ai}:{col.key}", row=ri, column=col.key,
                )  # fmt: skip


def _validate_row_table(field: Field, raw: Any, required: bool, for_submit: bool, out: _Collector) -> None:
    k, label = field.key, field.label
    rows = filled_rows(raw)
    if field.max_rows is not None and len(rows) > field.max_rows:
        out.add(k, "error", f"“{label}”最多{field.max_rows}行（现有{len(rows)}行）", f"{k}:rows:max")
    if for_submit and required and len(rows) < max(field.min_rows, 1) and not raw_none(raw):
        need = max(field.min_rows, 1)
        out.add(k, "error", f"“{label}”至少填写{need}行；无相关情况请选择“无”", f"{k}:rows:min")
    for ri, row in enumerate(rows):
        for col in field.columns:
            cell = row.get(col.key)
            name = f"{label}第{ri + 1}行“{col.group + '—' if col.group else ''}{col.label}”"
            where = {"row": ri, "column": col.key}
            if is_blank(cell):
                if for_submit and col.required:
                    out.add(k, "error", f"{name}不能为空", f"{k}:{ri}:{col.key}:blank", **where)
                continue
            if col.type in ("text",):
                _check_text(cell, col.max_chars, name, out, k, f"{k}:{ri}:{col.key}", **where)
                items = [n for n in _NAME_SPLIT.split(str(cell)) if n.strip()]
                if col.max_items is not None and len(items) > col.max_items:
                    out.add(
                        k,
                        "error",
                        f"{name}不超过{col.max_items}个（填写了{len(items)}个，以顿号、逗号或分号分隔）",
                        f"{k}:{ri}:{col.key}:items",
                        **where,
                    )
            elif col.type == "choice":
                keys = {o.key for o in col.options}
                if str(cell) not in keys:
                    out.add(k, "error", f"{name}的选项“{cell}”无效", f"{k}:{ri}:{col.key}:option", **where)
            else:
                _cell(col.type, col.unit, col.signed, cell, name, out, k, f"{k}:{ri}:{col.key}", **where)
        for col in field.columns:
            if col.growth_of:
                _check_row_growth(field, col, row, ri, out)


def _check_row_growth(field: Field, col: Column, row: Mapping[str, Any], ri: int, out: _Collector) -> None:
    """A typed 增幅 cell must agree with (later ÷ earlier − 1) × 100 of its row (±0.01)."""
    earlier_key, later_key = col.growth_of
    growth, earlier, later = (parse_decimal(row.get(c)) for c in (col.key, earlier_key, later_key))
    if growth is None or earlier is None or later is None or earlier == 0:
        return
    expected = (later / earlier - 1) * 100
    if abs(growth - expected) > Decimal("0.01"):
        cols = {c.key: c for c in field.columns}
        first, second = (cols[c] for c in (earlier_key, later_key))
        out.add(
            field.key,
            "warning",
            f"“{field.label}”第{ri + 1}行“{col.label}”{growth}与"
            f"（{second.group}{second.label} ÷ {first.group}{first.label} − 1）× 100 = {fmt(expected)} 不一致，"
            "请核对或说明",
            f"{field.key}:{ri}:{col.key}:growth",
            row=ri,
            column=col.key,
        )


def raw_none(raw: Any) -> bool:
    return isinstance(raw, Mapping) and bool(raw.get("none"))


def _validate_declaration(field: Field, raw: Any, for_submit: bool, out: _Collector) -> None:
    k, label = field.key, field.label
    data = raw if isinstance(raw, Mapping) else {}
    if not for_submit:
        if not is_blank(data.get("date")):
            _check_date(data.get("date"), f"{label}日期", out, k, f"{k}:date")
        return
    if data.get("agreed") is not True:
        out.add(k, "error", f"请阅读并确认“{label}”", f"{k}:agreed")
    signatures = data.get("signatures") or {}
    for i, signer in enumerate(field.signers):
        if is_blank(signatures.get(str(i)) if isinstance(signatures, Mapping) else None):
            out.add(k, "error", f"“{label}”缺少{signer}", f"{k}:signer{i}", row=i)
    if is_blank(data.get("date")):
        out.add(k, "error", f"“{label}”请填写日期", f"{k}:date")
    else:
        _check_date(data.get("date"), f"{label}日期", out, k, f"{k}:date")


def _apply_rules(template: Template, ctx: _Ctx, out: _Collector) -> None:
    for rule in template.rules:
        for year in rule.years if rule.per_year else (None,):
            focus = template.fields.get(rule.fields[0])
            if focus is not None and not is_visible(focus, ctx):
                continue
            if rule.when and not _condition(_sub_year(rule.when, year), ctx):
                continue
            try:
                ok = evaluate(_sub_year(rule.check, year), ctx.resolve)
            except (MissingValue, FormulaError):
                continue  # blanks are reported by the required checks
            if not ok:
                code = f"rule:{rule.key}" + (f":{year}" if year is not None else "")
                message = rule.message.replace("{y}", str(year)) if year is not None else rule.message
                out.add(rule.fields[0], rule.severity, message, code, year=year)


def submission_blocked(issues: Iterable[Issue]) -> bool:
    return any(i.blocking for i in issues)


# —— indicator values ——
def indicator_values(
    template: Template, values: Mapping[str, Any], catalogue: Catalogue | None = None
) -> list[tuple[str, int, Decimal]]:
    """(indicator code, year, value in the catalogue unit) for every numeric item filled in.
    Single values without a year count for the template's reference year."""
    cat = catalogue or load_catalogue()
    computed = compute(template, values)
    out: list[tuple[str, int, Decimal]] = []
    ref_year = template.reference_year or (template.data_years[-1] if template.data_years else None)

    def add(code: str, unit: str, year: int | None, raw: Any) -> None:
        ind = cat.get(code)
        if ind is None or year is None:
            return
        number = raw if isinstance(raw, Decimal) else parse_decimal(raw)
        if number is None:
            return
        out.append((code, year, cat.convert(number, unit or ind.unit, ind.unit)))

    ctx = _Ctx(template, values, computed)
    for field in template.fields.values():
        if not is_visible(field, ctx):
            continue
        raw = values.get(field.key)
        if field.kind == "number" and field.indicator:
            add(field.indicator, field.unit, ref_year, raw)
        elif field.kind == "year_series" and isinstance(raw, Mapping):
            for y in field.years:
                add(field.indicator, field.unit, y, raw.get(str(y)))
        elif field.kind == "count_names" and isinstance(raw, Mapping):
            add(field.indicator, field.unit, ref_year, raw.get("count"))
        elif field.kind == "standards_matrix" and isinstance(raw, Mapping):
            for y in field.years:
                year_data = raw.get(str(y)) or {}
                for c, _ in STANDARD_CATEGORIES:
                    for r, _ in STANDARD_ROLES:
                        cell = (year_data.get(c) or {}).get(r) if isinstance(year_data, Mapping) else None
                        add(f"standards_{c}_{r}", "项", y, cell)
        elif field.kind == "checkboxes" and isinstance(raw, Mapping):
            counts = raw.get("counts") or {}
            for key in raw.get("checked") or []:
                opt = field.option(str(key))
                if opt is not None and opt.count_indicator:
                    add(opt.count_indicator, opt.count_unit, ref_year, counts.get(opt.key))
        elif field.kind == "computed" and field.indicator:
            years: tuple[int | None, ...] = field.years if field.per_year else (None,)
            for cy in years:
                comp = computed.get(f"{field.key}[{cy}]" if cy is not None else field.key)
                if comp is not None and comp.value is not None:
                    add(field.indicator, field.unit, cy if cy is not None else ref_year, comp.value)
    return out
