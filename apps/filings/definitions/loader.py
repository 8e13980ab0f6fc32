"""Loading form templates from `data/form_templates/<code>/<version>.yaml`.

`check_template_file()` returns every problem (schema and semantic) with file, path and line;
`load_template()` returns the typed `Template` or raises `TemplateError`.

填写方 overlays for older published versions (`<code>/<version>.filled_by.yaml`)
--------------------------------------------------------------------------------
The first published files of 2025 (and 2020-2022) carry the reviewing authority's part of the
paper form — 区级推荐意见、考核意见、省级推荐/复核意见 with seal and date — as ordinary fields,
so on the filings made with them the applicant could type the district's opinion. Published
files never change (PUBLISHED.sha256), and the corrected forms are new versions (2025.2), but
the filings already made keep their version. Of the remedies, moving those filings to 2025.2
would only reach open drafts (submitted, returned and locked ones stay on 2025), would rewrite
the version a filing was made and printed with, and would not cover a campaign that still names
the 2025 version. So the least surprising remedy is data beside the published file: an overlay
that only says who fills which field of that version, e.g.

    code: sh_municipal_application
    version: "2025"
    source: 沪经信企〔2025〕73号 附件2（推荐意见栏“由区级中小企业主管部门填写”）
    fields:
      district_recommendation: district

Every filing on the version — draft, returned, submitted or locked — then behaves as on 2025.2
for those fields (the applicant is refused, the reviewer fills them through the workflow), and
nothing else about the version changes (labels, requiredness, rules, values already stored).
The overlay is applied to the template's data before it is built, so the same semantic checks
hold (a computed field, declaration or attachment cannot be a reviewer's); it may only name
fields of its version and reviewing parties (never the applicant), and its problems name the
overlay file and line. check_templates validates it, and once its version is published the
overlay is listed in PUBLISHED.sha256 like a template (只增不改: a further correction is a new
version). `Template.sha256` stays the hash of the template file; `Template.overlay_sha256` is
the overlay's.

申报主体 (`applicant`) and its overlays (`<code>/<version>.applicant.yaml`)
-----------------------------------------------------------------------
Who applies with a form — fills it, submits it and answers for it — is the template's
`applicant`: `operator` (the default: municipal application, annual report, self-assessment) or
`county` (the national application and re-review: 工信厅企业函〔2025〕77号 一（一）、二（一）,
县级行政区划中小企业主管部门为申报主体). `filings.services.filing_create` takes a new filing's
applicant from it, whoever asks (新建填报, Word import, the workflow's 开始填报). The published
national files predate the attribute, so, as for 填写方, a small overlay beside each says it
without touching the file:

    code: national_application
    version: "2025.2"
    source: 工信厅企业函〔2025〕77号 一（一）（县级行政区划中小企业主管部门为申报主体）
    applicant: county

It may only name its own version and a known applicant, and not contradict an `applicant` the
template states; check_templates validates it and lists it in PUBLISHED.sha256 with its version.
A new version states `applicant` in its own file. `Template.applicant_overlay_sha256` is its hash.

填报对象 (`subject`) and its overlays (`<code>/<version>.subject.yaml`)
-------------------------------------------------------------------
What a form is about: `cluster` (the default; a filing belongs to one cluster) or `district`
(the Shanghai district summary 区级发展总结报告, 沪经信企〔2025〕73号 附件2: the district
department reports on its clusters as a whole, so the filing belongs to the district, not to one
of its clusters). A district form is the county department's (`applicant: county`); the loader
refuses `subject: district` with another applicant. The published 2025 district summary predates
the attribute and its 申报主体 overlay is published too, so a third overlay says it:

    code: sh_district_summary
    version: "2025"
    source: 沪经信企〔2025〕73号 一、附件2（各区报送本区的总结报告）
    subject: district

Same rules as the 申报主体 overlay (own version, known value, no contradiction, listed in
PUBLISHED.sha256 with its version). `Template.subject_overlay_sha256` is its hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings

from apps.indicators.catalogue import Catalogue, load_catalogue

from .formula import FormulaError, Ref, compile_formula
from .types import (
    APPLICANT,
    APPLICANT_KINDS,
    DEFAULT_APPLICANT,
    DEFAULT_SUBJECT,
    FILLED_BY_PARTIES,
    SUBJECT_KINDS,
    YES_NO,
    Column,
    Field,
    Option,
    Rule,
    Section,
    TargetRow,
    Template,
)
from .yamlmarks import PathT, line_of, load_with_marks, path_text

SCHEMA_PATH = Path(__file__).with_name("schema.json")
_POINTS_RE = re.compile(r"[（(]\s*(\d+)\s*分\s*[）)]")
_NOT_REVIEWER_KINDS = {"computed": "计算栏目", "declaration": "声明", "attachment": "附件"}
SCALAR_REF_KINDS = frozenset({"number", "choice", "text", "narrative", "date", "checkboxes"})


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class TemplateError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class TemplateNotFound(LookupError):
    pass


@dataclass(frozen=True)
class TemplateInfo:
    code: str
    version: str
    title: str
    status: str
    source: str
    file: str
    applicant: str = DEFAULT_APPLICANT  # 申报（填报）主体: a key of APPLICANT_KINDS
    subject: str = DEFAULT_SUBJECT  # 填报对象: a key of SUBJECT_KINDS


def templates_dir() -> Path:
    return Path(getattr(settings, "FORM_TEMPLATES_DIR", Path(settings.BASE_DIR) / "data" / "form_templates"))


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _schema_message(err: jsonschema.ValidationError) -> str:
    v = err.validator
    if v == "required":
        missing = str(err.message).split("'")[1] if "'" in err.message else err.message
        return f"缺少必填属性“{missing}”"
    if v == "additionalProperties":
        extra = str(err.message).split("'")[1::2]
        return f"不认识的属性“{'、'.join(extra)}”"
    if v == "enum" and list(err.absolute_path) == ["applicant"]:
        named = "、".join(f"{k}（{label}）" for k, label in APPLICANT_KINDS.items())
        return f"申报主体“{err.instance}”不在允许范围内，应为：{named}"
    if v == "enum" and list(err.absolute_path) == ["subject"]:
        named = "、".join(f"{k}（{label}）" for k, label in SUBJECT_KINDS.items())
        return f"填报对象“{err.instance}”不在允许范围内，应为：{named}"
    if v == "enum" and err.absolute_path and err.absolute_path[-1] == "filled_by":
        named = "、".join(f"{k}（{label}）" for k, label in FILLED_BY_PARTIES.items())
        return f"填写方“{err.instance}”不在允许范围内，应为：{named}"
    if v == "enum":
        allowed = err.validator_value if isinstance(err.validator_value, list) else []
        return f"取值“{err.instance}”不在允许范围内：{'、'.join(str(x) for x in allowed)}"
    if v == "type":
        kinds = {
            "string": "文本",
            "integer": "整数",
            "array": "列表",
            "object": "映射",
            "boolean": "是/否（true/false）",
        }
        value = err.validator_value
        want = value if isinstance(value, str) else "/".join(str(x) for x in value) if isinstance(value, list) else ""
        return f"类型应为{kinds.get(want, want)}，实际是“{err.instance!r}”"
    if v == "pattern":
        return f"“{err.instance}”格式不对（应为小写字母开头的英文、数字、下划线）"
    if v in ("minItems", "minLength"):
        return (
            "不能为空" if not isinstance(err.instance, list) or not err.instance else f"至少应有{err.validator_value}项"
        )
    if v == "maxItems":
        return f"最多{err.validator_value}项"
    if v in ("minimum", "maximum"):
        return f"数值“{err.instance}”超出允许范围"
    if v == "oneOf":
        return "取值形式不对（应为 yes_no、yes_no_na 或选项列表）"
    return err.message


def _options(raw: Any, na_label: str, default_evidence: bool) -> tuple[Option, ...]:
    if raw == "yes_no":
        return tuple(Option(k, lbl) for k, lbl in YES_NO)
    if raw == "yes_no_na":
        return (*(Option(k, lbl) for k, lbl in YES_NO), Option("na", na_label or "不适用"))
    out = []
    for o in raw or []:
        out.append(
            Option(
                key=o["key"],
                label=o["label"],
                text=bool(o.get("text", False)),
                evidence=bool(o.get("evidence", default_evidence)),
                count_unit=o.get("count_unit", ""),
                count_indicator=o.get("count_indicator", ""),
            )
        )
    return tuple(out)


class _Builder:
    """Builds a Template from validated YAML data and collects semantic problems."""

    def __init__(self, data: dict[str, Any], marks: dict[PathT, int], file: str, catalogue: Catalogue) -> None:
        self.data = data
        self.marks = marks
        self.file = file
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.positions: dict[str, PathT] = {}
        self.all_fields: list[tuple[Field, PathT]] = []

    def problem(self, path: PathT, message: str) -> None:
        self.problems.append(Problem(self.file, path_text(path), line_of(self.marks, path), message))

    # —— units and indicators ——
    def _indicator(self, code: str, unit: str, path: PathT) -> tuple[str, int]:
        """Check an indicator reference; returns (unit, decimals) to use."""
        ind = self.cat.get(code)
        if ind is None:
            self.problem((*path, "indicator"), f"未知指标代码“{code}”（不在指标目录中）")
            return unit, 2
        use_unit = unit or ind.unit
        if use_unit not in self.cat.units:
            self.problem((*path, "unit"), f"未知计量单位“{use_unit}”")
        elif not self.cat.convertible(use_unit, ind.unit):
            self.problem((*path, "unit"), f"单位“{use_unit}”不能换算为指标“{ind.name}”（{code}）的单位“{ind.unit}”")
        return use_unit, ind.decimals

    def build(self) -> Template:
        d = self.data
        data_years = tuple(d.get("data_years") or ())
        target_years = tuple(d.get("target_years") or ())
        allowed_years = set(data_years) | set(target_years)
        allow_none_default = bool(d.get("allow_none", True))
        ref_year = d.get("reference_year")
        if ref_year is not None and data_years and ref_year not in data_years:
            self.problem(("reference_year",), f"填报基准年度 {ref_year} 不在数据年度 {list(data_years)} 内")
        sections: list[Section] = []
        fields: dict[str, Field] = {}
        section_keys: set[str] = set()
        for si, s in enumerate(d.get("sections") or []):
            spath: PathT = ("sections", si)
            if s["key"] in section_keys:
                self.problem((*spath, "key"), f"章节代码“{s['key']}”重复")
            section_keys.add(s["key"])
            built: list[Field] = []
            for fi, f in enumerate(s.get("fields") or []):
                fpath: PathT = (*spath, "fields", fi)
                field = self._field(f, s["key"], fpath, data_years, allowed_years, allow_none_default)
                field = self._party(field, f, s, fpath)
                if field.key in section_keys:
                    self.problem((*fpath, "key"), f"字段代码“{field.key}”与章节代码重复")
                elif field.key in fields:
                    self.problem(
                        (*fpath, "key"),
                        f"字段代码“{field.key}”重复（首次出现在 {path_text(self.positions.get(field.key, ()))}）",
                    )
                else:
                    fields[field.key] = field
                    self.positions[field.key] = fpath
                built.append(field)
                self.all_fields.append((field, fpath))
            points = s.get("points")
            stated = _POINTS_RE.search(s["title"])
            if stated and points is None:
                self.problem(spath, f"章节标题写明“{stated.group(0)}”，请在 points 中登记分值 {stated.group(1)}")
            elif stated and int(stated.group(1)) != points:
                self.problem((*spath, "points"), f"分值 {points} 与章节标题“{s['title']}”不一致")
            sections.append(
                Section(
                    key=s["key"],
                    number=s.get("number", ""),
                    title=s["title"],
                    fields=tuple(built),
                    help=s.get("help", ""),
                    max_chars=s.get("max_chars"),
                    points=points,
                    filled_by=s.get("filled_by", APPLICANT),
                )
            )
        rules: list[Rule] = []
        rule_keys: set[str] = set()
        for ri, r in enumerate(d.get("rules") or []):
            rpath: PathT = ("rules", ri)
            if r["key"] in rule_keys:
                self.problem((*rpath, "key"), f"规则代码“{r['key']}”重复")
            rule_keys.add(r["key"])
            years = tuple(r.get("years") or (data_years if r.get("per_year") else ()))
            for y in years:
                if y not in allowed_years:
                    self.problem((*rpath, "years"), f"年度 {y} 不在模板数据年度 {sorted(allowed_years)} 内")
            for fk in r["fields"]:
                if fk not in fields:
                    self.problem((*rpath, "fields"), f"规则指向未知字段“{fk}”")
            rules.append(
                Rule(
                    key=r["key"],
                    check=r["check"],
                    severity=r["severity"],
                    message=r["message"],
                    fields=tuple(r["fields"]),
                    when=r.get("when", ""),
                    per_year=bool(r.get("per_year", False)),
                    years=years,
                    source=r.get("source", ""),
                )
            )
        template = Template(
            code=d["code"],
            version=str(d["version"]),
            title=d["title"],
            source=d["source"],
            status=d["status"],
            data_years=data_years,
            sections=tuple(sections),
            rules=tuple(rules),
            subtitle=d.get("subtitle", ""),
            authority=d.get("authority", ""),
            filled_by=d.get("filled_by", ""),
            applicant=d.get("applicant", DEFAULT_APPLICANT),
            subject=d.get("subject", DEFAULT_SUBJECT),
            target_years=target_years,
            reference_year=ref_year,
            allow_none=allow_none_default,
            instructions=tuple(d.get("instructions") or ()),
            indicator_notes=tuple(d.get("indicator_notes") or ()),
            _fields=fields,
        )
        self._check_expressions(template)
        return template

    def _field(
        self,
        f: dict[str, Any],
        section_key: str,
        path: PathT,
        data_years: tuple[int, ...],
        allowed_years: set[int],
        allow_none_default: bool,
    ) -> Field:
        kind = f["kind"]
        unit = f.get("unit", "")
        decimals = 2
        if f.get("indicator"):
            unit, decimals = self._indicator(f["indicator"], unit, path)
        elif unit and unit not in self.cat.units:
            self.problem((*path, "unit"), f"未知计量单位“{unit}”")
        default_years = data_years if kind in ("year_series", "standards_matrix") or f.get("per_year") else ()
        years = tuple(f.get("years") or default_years)
        for y in years:
            if y not in allowed_years:
                self.problem((*path, "years"), f"年度 {y} 不在模板数据年度 {sorted(allowed_years)} 内")
        if kind in ("year_series", "standards_matrix") and not years:
            self.problem(path, "年度序列须有年度（模板 data_years 或字段 years）")
        options = _options(f.get("options"), f.get("na_label", ""), bool(f.get("evidence", kind == "checkboxes")))
        seen: set[str] = set()
        for oi, o in enumerate(options):
            if o.key in seen:
                self.problem((*path, "options", oi, "key"), f"选项代码“{o.key}”重复")
            seen.add(o.key)
            if o.count_indicator:
                self._indicator(o.count_indicator, o.count_unit, (*path, "options", oi))
            elif o.count_unit:
                self.problem(
                    (*path, "options", oi), f"选项“{o.label}”带数量（{o.count_unit}），须登记指标代码 count_indicator"
                )
        columns = []
        col_keys: set[str] = set()
        for ci, c in enumerate(f.get("columns") or []):
            if c["key"] in col_keys:
                self.problem((*path, "columns", ci, "key"), f"列代码“{c['key']}”重复")
            col_keys.add(c["key"])
            if c.get("unit") and c["unit"] not in self.cat.units:
                self.problem((*path, "columns", ci, "unit"), f"未知计量单位“{c['unit']}”")
            columns.append(
                Column(
                    key=c["key"],
                    label=c["label"],
                    type=c["type"],
                    group=c.get("group", ""),
                    unit=c.get("unit", ""),
                    signed=bool(c.get("signed", False)),
                    max_chars=c.get("max_chars"),
                    options=_options(c.get("options"), "", False),
                    required=bool(c.get("required", True)),
                    total=bool(c.get("total", False)),
                    help=c.get("help", ""),
                    growth_of=tuple(c.get("growth_of") or ()),
                    max_items=c.get("max_items"),
                )
            )
        by_key = {c.key: c for c in columns}
        for ci, col in enumerate(columns):
            cpath = (*path, "columns", ci)
            if col.type == "choice" and not col.options:
                self.problem(cpath, f"选择列“{col.label}”须有 options")
            if col.max_items is not None and col.type != "text":
                self.problem((*cpath, "max_items"), "max_items 只用于文字列（如“主导产品（不超过3个）”）")
            if col.growth_of:
                if not col.numeric:
                    self.problem((*cpath, "growth_of"), f"增幅列“{col.label}”应为数字列")
                for other in col.growth_of:
                    target = by_key.get(other)
                    if target is None:
                        self.problem((*cpath, "growth_of"), f"增幅列引用了未知列“{other}”")
                    elif not target.numeric:
                        self.problem((*cpath, "growth_of"), f"增幅列引用的“{target.label}”不是数字列")
        rows = []
        row_keys: set[str] = set()
        for ri, r in enumerate(f.get("rows") or []):
            if r["key"] in row_keys:
                self.problem((*path, "rows", ri, "key"), f"行代码“{r['key']}”重复")
            row_keys.add(r["key"])
            r_unit = r.get("unit", "")
            if r.get("indicator"):
                r_unit, _ = self._indicator(r["indicator"], r_unit, (*path, "rows", ri))
            rows.append(
                TargetRow(
                    key=r["key"],
                    direction=r.get("direction", ""),
                    label=r["label"],
                    indicator=r.get("indicator", ""),
                    unit=r_unit,
                    qualitative=bool(r.get("qualitative", False)),
                )
            )
        if f.get("added_row_directions") and not f.get("allow_added_rows"):
            self.problem(
                (*path, "added_row_directions"),
                "只有允许增加行（allow_added_rows: true）的目标表才能列出可增加行的方向",
            )
        not_user_entered = kind == "computed"
        return Field(
            key=f["key"],
            label=f["label"],
            kind=kind,
            section_key=section_key,
            path=path_text(path),
            required=bool(f.get("required", not not_user_entered)),
            allow_none=bool(f.get("allow_none", allow_none_default)) and kind not in ("computed", "declaration"),
            group=f.get("group", ""),
            item=f.get("item", ""),
            help=f.get("help", ""),
            footnote=f.get("footnote", ""),
            note=f.get("note", ""),
            indicator=f.get("indicator", ""),
            unit=unit,
            decimals=decimals,
            signed=bool(f.get("signed", False)),
            years=years,
            max_chars=f.get("max_chars"),
            evidence=bool(f.get("evidence", False)),
            evidence_pages=bool(f.get("evidence_pages", False)),
            options=options,
            visible_when=f.get("visible_when", ""),
            required_when=f.get("required_when", ""),
            formula=f.get("formula", ""),
            inputs=tuple((f.get("inputs") or {}).items()),
            per_year=bool(f.get("per_year", False)),
            columns=tuple(columns),
            rows=tuple(rows),
            min_rows=int(f.get("min_rows", 0)),
            max_rows=f.get("max_rows"),
            allow_added_rows=bool(f.get("allow_added_rows", False)),
            added_row_directions=tuple(f.get("added_row_directions") or ()),
            statement=f.get("statement", ""),
            signers=tuple(f.get("signers") or ()),
        )

    def _party(self, field: Field, raw: dict[str, Any], section: dict[str, Any], path: PathT) -> Field:
        """The field's 填写方: its own `filled_by`, else its section's, else the applicant. A field
        a reviewing authority fills is its opinion, seal or date: nothing the applicant computes
        from or declares, so it cannot be computed, a declaration or an attachment."""
        party = raw.get("filled_by") or section.get("filled_by") or APPLICANT
        if party not in FILLED_BY_PARTIES:  # the schema refuses it first; kept for direct callers
            self.problem((*path, "filled_by"), f"填写方“{party}”不在允许范围内：{'、'.join(FILLED_BY_PARTIES)}")
            return field
        if party != APPLICANT and field.kind in _NOT_REVIEWER_KINDS:
            where = (*path, "filled_by") if "filled_by" in raw else path
            self.problem(
                where,
                f"“{field.label}”是{_NOT_REVIEWER_KINDS[field.kind]}，"
                f"只能由申报（填报）单位填写，不能标为由{FILLED_BY_PARTIES[party]}填写",
            )
            return field
        return replace(field, filled_by=party) if party != field.filled_by else field

    # —— expressions: syntax and references ——
    def _check_ref(self, ref: Ref, template: Template, path: PathT, symbols: frozenset[str]) -> None:
        if ref.name in symbols and not ref.path:
            return
        field = template.fields.get(ref.name)
        if field is None:
            self.problem(path, f"引用了未知字段“{ref.name}”")
            return
        if field.kind in ("year_series", "standards_matrix") or (field.kind == "computed" and field.per_year):
            if not ref.path:
                self.problem(path, f"“{ref.name}”是年度序列，须写明年度，如 {ref.name}[{field.years[-1]}]")
            elif ref.path[0] not in field.years:
                self.problem(path, f"“{ref.name}”没有 {ref.path[0]} 年度（该字段年度：{list(field.years)}）")
        elif field.kind == "count_names" and ref.path not in ((), ("count",)):
            self.problem(path, f"“{ref.name}”只能引用数量：{ref.name}['count']")
        elif field.kind == "row_table" and ref.path:
            numeric = [c.key for c in field.columns if c.numeric]
            if len(ref.path) != 1 or ref.path[0] not in numeric:
                self.problem(
                    path,
                    f"表格“{ref.name}”只能引用行数（{ref.name}）或数字列合计（{ref.name}['列代码']，"
                    f"可用：{'、'.join(numeric) or '无'}）",
                )

    def _check_expr(self, expr: str, template: Template, path: PathT, symbols: frozenset[str] = frozenset()) -> None:
        try:
            compiled = compile_formula(expr)
        except FormulaError as exc:
            self.problem(path, str(exc))
            return
        for ref in compiled.refs:
            self._check_ref(ref, template, path, symbols)

    def _check_expressions(self, template: Template) -> None:
        for field, fpath in self.all_fields:
            for attr in ("visible_when", "required_when"):
                expr = getattr(field, attr)
                if expr:
                    self._check_expr(expr, template, (*fpath, attr))
            if field.kind == "computed":
                symbols = frozenset(name for name, _ in field.inputs)
                years = field.years if field.per_year else (None,)
                for y in years:
                    self._check_expr(_sub_year(field.formula, y), template, (*fpath, "formula"), symbols)
                    for name, expr in field.inputs:
                        self._check_expr(_sub_year(expr, y), template, (*fpath, "inputs", name))
        for ri, rule in enumerate(template.rules):
            years = rule.years if rule.per_year else (None,)
            for y in years:
                for attr in ("check", "when"):
                    expr = getattr(rule, attr)
                    if expr:
                        self._check_expr(_sub_year(expr, y), template, ("rules", ri, attr))


def _sub_year(expr: str, year: int | None) -> str:
    if year is None:
        return expr
    return expr.replace("{y}", str(year)).replace("{y-1}", str(year - 1))


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


OVERLAY_SUFFIX = ".filled_by.yaml"
APPLICANT_OVERLAY_SUFFIX = ".applicant.yaml"
SUBJECT_OVERLAY_SUFFIX = ".subject.yaml"
OVERLAY_SUFFIXES = (OVERLAY_SUFFIX, APPLICANT_OVERLAY_SUFFIX, SUBJECT_OVERLAY_SUFFIX)
_OVERLAY_KEYS = {"code", "version", "source", "fields"}


def overlay_path(template_path: Path) -> Path:
    """`<code>/<version>.filled_by.yaml` beside `<code>/<version>.yaml`."""
    return template_path.with_name(template_path.stem + OVERLAY_SUFFIX)


def applicant_overlay_path(template_path: Path) -> Path:
    """`<code>/<version>.applicant.yaml` beside `<code>/<version>.yaml`."""
    return template_path.with_name(template_path.stem + APPLICANT_OVERLAY_SUFFIX)


def subject_overlay_path(template_path: Path) -> Path:
    """`<code>/<version>.subject.yaml` beside `<code>/<version>.yaml`."""
    return template_path.with_name(template_path.stem + SUBJECT_OVERLAY_SUFFIX)


def _read_overlay(
    data: dict[str, Any], text: str, file: str, *, keys: set[str], what: str, shape: str
) -> tuple[dict[str, Any], Callable[[PathT, str], Problem], list[Problem]]:
    """An overlay file read and checked as a whole: a mapping of exactly `keys`, naming the
    template's own code and version. Returns it, a problem maker for its paths, and its problems
    (the overlay is applied only when there are none)."""
    try:
        raw, marks = load_with_marks(text)
    except Exception as exc:  # yaml.YAMLError and friends
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return (
            {},
            lambda path, message: Problem(file, "(根)", line, message),
            [Problem(file, "(根)", line, f"YAML 语法错误：{exc}")],
        )

    def problem(path: PathT, message: str) -> Problem:
        return Problem(file, path_text(path), line_of(marks, path), message)

    if not isinstance(raw, dict):
        return {}, problem, [problem((), f"{what}补充文件应为映射：{shape}")]
    problems = [problem((k,), f"不认识的属性“{k}”") for k in raw if k not in keys]
    problems += [problem((), f"缺少必填属性“{k}”") for k in sorted(keys) if k not in raw]
    if not problems and (str(raw["code"]), str(raw["version"])) != (str(data.get("code")), str(data.get("version"))):
        problems = [problem(("code",), f"{what}补充文件应对应 {data.get('code')} 的 {data.get('version')} 版本")]
    return raw, problem, problems


def _apply_attribute_overlay(
    data: dict[str, Any], text: str, file: str, *, attr: str, kinds: dict[str, str], what: str
) -> list[Problem]:
    """Set the template data's `attr` (applicant: 申报主体, subject: 填报对象) as its overlay says;
    returns the overlay's problems (then nothing is applied)."""
    keys = {"code", "version", "source", attr}
    raw, problem, problems = _read_overlay(
        data, text, file, keys=keys, what=what, shape=f"code、version、source、{attr}"
    )
    if problems:
        return problems
    value = raw[attr]
    if value not in kinds:
        named = "、".join(f"{k}（{label}）" for k, label in kinds.items())
        return [problem((attr,), f"{what}“{value}”不在允许范围内，应为：{named}")]
    if data.get(attr) not in (None, value):
        return [problem((attr,), f"模板中已写明{what}为 {data[attr]}，补充文件不能另行规定")]
    data[attr] = value
    return []


def _apply_applicant_overlay(data: dict[str, Any], text: str, file: str) -> list[Problem]:
    return _apply_attribute_overlay(data, text, file, attr="applicant", kinds=APPLICANT_KINDS, what="申报主体")


def _apply_subject_overlay(data: dict[str, Any], text: str, file: str) -> list[Problem]:
    return _apply_attribute_overlay(data, text, file, attr="subject", kinds=SUBJECT_KINDS, what="填报对象")


def _apply_overlay(data: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Set `filled_by` on the template data's fields as the overlay says; returns its problems
    (then nothing is applied)."""
    raw, problem, problems = _read_overlay(
        data, text, file, keys=set(_OVERLAY_KEYS), what="填写方", shape="code、version、source、fields"
    )
    if problems:
        return problems
    fields = raw["fields"]
    if not isinstance(fields, dict) or not fields:
        return [problem(("fields",), "fields 应为“字段代码: 填写方”的映射，且不能为空")]
    by_key = {f["key"]: f for s in data.get("sections") or [] for f in s.get("fields") or []}
    parties = {k: v for k, v in FILLED_BY_PARTIES.items() if k != APPLICANT}
    for key, party in fields.items():
        if key not in by_key:
            problems.append(problem(("fields", key), f"模板 {data.get('version')} 版本中没有字段“{key}”"))
        elif party not in parties:
            named = "、".join(f"{k}（{label}）" for k, label in parties.items())
            problems.append(problem(("fields", key), f"填写方“{party}”不在允许范围内，应为：{named}"))
        elif by_key[key].get("filled_by") not in (None, party):
            problems.append(problem(("fields", key), f"字段“{key}”在模板中已标为 {by_key[key]['filled_by']}"))
    if problems:
        return problems
    for key, party in fields.items():
        by_key[key]["filled_by"] = party
    return []


def check_template_text(
    text: str,
    file: str,
    catalogue: Catalogue | None = None,
    overlay: tuple[str, str] | None = None,
    applicant_overlay: tuple[str, str] | None = None,
    subject_overlay: tuple[str, str] | None = None,
) -> tuple[Template | None, list[Problem]]:
    """Validate one template's text; returns the template (when buildable) and all problems.
    `overlay` is (text, file) of its 填写方 overlay, `applicant_overlay` of its 申报主体 overlay,
    `subject_overlay` of its 填报对象 overlay, if any (see the module docstring)."""
    try:
        data, marks = load_with_marks(text)
    except Exception as exc:  # yaml.YAMLError and friends: report, never crash the check
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem(file, "(根)", line, f"YAML 语法错误：{exc}")]
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (line_of(marks, tuple(e.absolute_path)), str(e.path)))
    if errors:
        return None, [
            Problem(file, path_text(tuple(e.absolute_path)), line_of(marks, tuple(e.absolute_path)), _schema_message(e))
            for e in errors
        ]
    if overlay is not None:
        overlay_problems = _apply_overlay(data, *overlay)
        if overlay_problems:
            return None, overlay_problems
    if applicant_overlay is not None:
        overlay_problems = _apply_applicant_overlay(data, *applicant_overlay)
        if overlay_problems:
            return None, overlay_problems
    if subject_overlay is not None:
        overlay_problems = _apply_subject_overlay(data, *subject_overlay)
        if overlay_problems:
            return None, overlay_problems
    if data.get("subject", DEFAULT_SUBJECT) == "district" and data.get("applicant", DEFAULT_APPLICANT) != "county":
        where = (subject_overlay[1], 1) if subject_overlay is not None else (file, line_of(marks, ("subject",)))
        message = "填报对象为区（县）的表单，申报主体应为县级（区级）中小企业主管部门（applicant: county）"
        return None, [Problem(where[0], "subject", where[1], message)]
    builder = _Builder(data, marks, file, catalogue or load_catalogue())
    template = builder.build()
    return template, builder.problems


def check_template_file(path: Path, catalogue: Catalogue | None = None) -> tuple[Template | None, list[Problem]]:
    raw = path.read_bytes()
    file = _relative(path)
    extra = overlay_path(path)
    overlay_raw = extra.read_bytes() if extra.is_file() else None
    overlay = (overlay_raw.decode("utf-8"), _relative(extra)) if overlay_raw is not None else None
    who = applicant_overlay_path(path)
    who_raw = who.read_bytes() if who.is_file() else None
    who_overlay = (who_raw.decode("utf-8"), _relative(who)) if who_raw is not None else None
    what = subject_overlay_path(path)
    what_raw = what.read_bytes() if what.is_file() else None
    what_overlay = (what_raw.decode("utf-8"), _relative(what)) if what_raw is not None else None
    template, problems = check_template_text(raw.decode("utf-8"), file, catalogue, overlay, who_overlay, what_overlay)
    if template is not None:
        if overlay_raw is not None:
            object.__setattr__(template, "overlay_sha256", hashlib.sha256(overlay_raw).hexdigest())
        if who_raw is not None:
            object.__setattr__(template, "applicant_overlay_sha256", hashlib.sha256(who_raw).hexdigest())
        if what_raw is not None:
            object.__setattr__(template, "subject_overlay_sha256", hashlib.sha256(what_raw).hexdigest())
        expected = (path.parent.name, path.stem)
        if (template.code, template.version) != expected:
            problems.append(
                Problem(
                    file, "code", 1, f"文件位置应为 {template.code}/{template.version}.yaml（与 code、version 一致）"
                )
            )
        object.__setattr__(template, "sha256", hashlib.sha256(raw).hexdigest())
        object.__setattr__(template, "file", file)
    return template, problems


def template_files() -> list[Path]:
    return sorted(p for p in templates_dir().glob("*/*.yaml") if not p.name.endswith(OVERLAY_SUFFIXES))


def overlay_files() -> list[Path]:
    """The overlays of older published versions: 填写方 (`<code>/<version>.filled_by.yaml`),
    申报主体 (`<code>/<version>.applicant.yaml`) and 填报对象 (`<code>/<version>.subject.yaml`)."""
    return sorted(p for suffix in OVERLAY_SUFFIXES for p in templates_dir().glob(f"*/*{suffix}"))


def overlay_template_path(overlay: Path) -> Path:
    """The template file an overlay belongs to (`<code>/<version>.yaml`)."""
    suffix = next(s for s in OVERLAY_SUFFIXES if overlay.name.endswith(s))
    return overlay.with_name(overlay.name.removesuffix(suffix) + ".yaml")


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else 0


@lru_cache(maxsize=64)
def _load_cached(
    path_str: str, mtime_ns: int, overlay_mtime_ns: int = 0, applicant_mtime_ns: int = 0, subject_mtime_ns: int = 0
) -> Template:
    template, problems = check_template_file(Path(path_str))
    if problems or template is None:
        raise TemplateError(problems)
    return template


def load_template(code: str, version: str) -> Template:
    """The template `code` in `version` (e.g. "sh_municipal_application", "2025")."""
    path = templates_dir() / code / f"{version}.yaml"
    if not path.is_file():
        raise TemplateNotFound(f"没有表单模板 {code} 的 {version} 版本")
    return _load_cached(
        str(path),
        path.stat().st_mtime_ns,
        _mtime(overlay_path(path)),
        _mtime(applicant_overlay_path(path)),
        _mtime(subject_overlay_path(path)),
    )


def list_templates() -> list[TemplateInfo]:
    """Every template file, by code then version (reads headers only; run check_templates to validate).

    Cached per file by modification time: pages and services call this on every request, and
    parsing the eight full YAML files each time cost about two seconds.
    """
    infos = [
        _template_info(
            str(path),
            path.stat().st_mtime_ns,
            _mtime(applicant_overlay_path(path)),
            _mtime(subject_overlay_path(path)),
        )
        for path in template_files()
    ]
    return sorted(infos, key=lambda i: (i.code, version_key(i.version)))


def version_key(version: str) -> tuple[int, int, str]:
    """Order versions by the last year they name, then by their revision: "2020-2022" < "2025" <
    "2025.2" < "2025.10" < "2026". A corrected form of a year already published is published as
    the next revision "<year>.<n>" (published files never change); filings keep their version."""
    years = re.findall(r"\d{4}", version)
    revision = re.search(r"\.(\d+)$", version)
    return (int(years[-1]) if years else 0, int(revision.group(1)) if revision else 1, version)


def current_templates(applicant: str | None = None) -> list[TemplateInfo]:
    """The newest published version of each form: what a new filing uses unless a campaign names
    another. Older published versions stay loadable for the filings made with them. With
    `applicant`: only the forms whose template names that applicant (申报主体)."""
    latest: dict[str, TemplateInfo] = {}
    for info in list_templates():
        if info.status != "published":
            continue
        if info.code not in latest or version_key(info.version) > version_key(latest[info.code].version):
            latest[info.code] = info
    return sorted((t for t in latest.values() if applicant is None or t.applicant == applicant), key=lambda t: t.code)


@lru_cache(maxsize=128)
def _template_info(
    path_str: str, mtime_ns: int, applicant_mtime_ns: int = 0, subject_mtime_ns: int = 0
) -> TemplateInfo:
    import yaml

    path = Path(path_str)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=loader) or {}  # noqa: S506 — a safe loader, C or Python
    applicant = data.get("applicant")
    who = applicant_overlay_path(path)
    if applicant is None and who.is_file():  # check_templates validates the overlay
        with who.open(encoding="utf-8") as fh:
            applicant = (yaml.load(fh, Loader=loader) or {}).get("applicant")  # noqa: S506
    subject = data.get("subject")
    what = subject_overlay_path(path)
    if subject is None and what.is_file():
        with what.open(encoding="utf-8") as fh:
            subject = (yaml.load(fh, Loader=loader) or {}).get("subject")  # noqa: S506
    return TemplateInfo(
        code=str(data.get("code", path.parent.name)),
        version=str(data.get("version", path.stem)),
        title=str(data.get("title", "")),
        status=str(data.get("status", "")),
        source=str(data.get("source", "")),
        file=_relative(path),
        applicant=str(applicant or DEFAULT_APPLICANT),
        subject=str(subject or DEFAULT_SUBJECT),
    )
