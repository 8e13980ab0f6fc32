"""A filled form as an assessment dossier (评估资料, docs/dossier.md) and the operator's self-check.

The assessment engine (apps.assessment) reads a dossier, never a form. This adapter builds one
from a filing:
- `indicators`: the filing's `FilingValue` rows (catalogue code, year, value in the catalogue
  unit — the same rows reviewers query), each with its source field named in `sources`;
- `answers`: 是/否/不涉及 and ticked checkbox lists, mapped to the engine's question codes;
- `targets`: the 发展目标 table (baseline and yearly targets by catalogue code);
- `cluster`, `reference_year`.
Which field answers which question, which rule sets a form is checked against and how its
target table reads are data: `data/dossier_maps/<template code>/<version>.yaml` (a form without
such a file has no self-check).

`self_check(filing)` runs those rule sets on the filing's current data; the edit page shows the
results before submission (提交前自查). `register()` makes the latest submitted filing of a
cluster the assessment app's dossier source (apps.assessment.sources).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from .definitions import Field, Template, is_blank, parse_decimal
from .models import Filing, FilingStatus

FORMAT = "clusterhub.dossier/1"
_YEAR_SUFFIX = re.compile(r"(\d{4})$")


class DossierMapError(ValueError):
    """The mapping file is wrong; the message names the file and the entry (Chinese)."""


@dataclass(frozen=True)
class AnswerMap:
    code: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class DossierMap:
    """How one template version reads as a dossier (see the module docstring)."""

    template: str
    version: str
    rulesets: tuple[str, ...]
    answers: tuple[AnswerMap, ...]
    targets_field: str = ""
    baseline_year: int | None = None
    final_year: int | None = None
    target_rows: dict[str, str] = field(default_factory=dict)
    file: str = ""


def maps_dir() -> Path:
    return Path(getattr(settings, "DOSSIER_MAPS_DIR", Path(settings.BASE_DIR) / "data" / "dossier_maps"))


def _read(path: Path) -> DossierMap:
    where = str(path.relative_to(settings.BASE_DIR)) if path.is_relative_to(settings.BASE_DIR) else str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DossierMapError(f"{where}：不是有效的 YAML（{exc}）") from exc
    if not isinstance(raw, Mapping):
        raise DossierMapError(f"{where}：应为映射")
    answers = []
    for code, spec in (raw.get("answers") or {}).items():
        if not isinstance(spec, Mapping) or not (spec.get("field") or spec.get("fields")):
            raise DossierMapError(f"{where}：answers.{code} 应写明 field 或 fields")
        keys = (spec["field"],) if spec.get("field") else tuple(spec["fields"])
        answers.append(AnswerMap(str(code), tuple(str(k) for k in keys)))
    targets = raw.get("targets") or {}
    return DossierMap(
        template=str(raw.get("template", "")),
        version=str(raw.get("version", "")),
        rulesets=tuple(str(r) for r in raw.get("rulesets") or ()),
        answers=tuple(answers),
        targets_field=str(targets.get("field", "")),
        baseline_year=int(targets["baseline_year"]) if targets.get("baseline_year") else None,
        final_year=int(targets["final_year"]) if targets.get("final_year") else None,
        target_rows={str(k): str(v) for k, v in (targets.get("rows") or {}).items()},
        file=where,
    )


@lru_cache(maxsize=64)
def _cached(path_str: str, mtime_ns: int) -> DossierMap:
    return _read(Path(path_str))


def dossier_map(code: str, version: str) -> DossierMap | None:
    """The mapping of a template version, or None when the form has no self-check."""
    path = maps_dir() / code / f"{version}.yaml"
    if not path.exists():
        return None
    return _cached(str(path), path.stat().st_mtime_ns)


def check_map(mapping: DossierMap, template: Template) -> list[str]:
    """Problems of a mapping against its template and the rule sets (Chinese, empty when fine)."""
    from apps.assessment.rulesets import RuleSetError, get_ruleset

    problems = []
    if (mapping.template, mapping.version) != (template.code, template.version):
        problems.append(f"{mapping.file}：对应的模板应为 {template.code} {template.version}")
    for a in mapping.answers:
        for key in a.fields:
            if key not in template.fields:
                problems.append(f"{mapping.file}：answers.{a.code} 引用的栏目“{key}”不在模板中")
    if mapping.targets_field:
        f = template.fields.get(mapping.targets_field)
        if f is None or f.kind != "target_table":
            problems.append(f"{mapping.file}：targets.field “{mapping.targets_field}”不是模板中的目标表")
        else:
            for row in mapping.target_rows:
                if not any(r.key == row for r in f.rows):
                    problems.append(f"{mapping.file}：targets.rows 中的行“{row}”不在目标表中")
    for rid in mapping.rulesets:
        try:
            get_ruleset(rid)
        except (RuleSetError, LookupError, KeyError) as exc:
            problems.append(f"{mapping.file}：规则集“{rid}”无法读取（{exc}）")
    return problems


# —— building the dossier ——————————————————————————————————————————————————————————————


def _section_of(template: Template) -> dict[str, str]:
    return {f.key: s.heading for s in template.sections for f in s.fields}


def _option_text(f: Field, key: str, other_text: str) -> str:
    opt = f.option(key)
    label = opt.label if opt else key
    if opt is not None and opt.text and other_text:
        return f"{label}：{other_text}"
    return label


def _answer(f: Field, value: Any) -> str | list[str] | None:
    """The engine's reading of one field: option text, list of ticked options, or text."""
    if f.kind == "choice":
        if is_blank(value):
            return None
        opt = f.option(str(value))
        return opt.label if opt else str(value)
    if f.kind == "checkboxes":
        if not isinstance(value, Mapping) or not (value.get("checked") or value.get("none")):
            return None
        other = str(value.get("other_text") or "")
        return [_option_text(f, str(k), other) for k in value.get("checked") or []]
    if f.kind in ("text", "narrative"):
        return None if is_blank(value) else str(value).strip()
    if f.kind == "target_table" and isinstance(value, Mapping):
        parts = []
        fixed = value.get("fixed") or {}
        last = f.columns[-1].key if f.columns else ""
        for row in f.rows:
            cell = (fixed.get(row.key) or {}).get(last) if isinstance(fixed, Mapping) else None
            if not is_blank(cell):
                parts.append(f"{row.direction}—{row.label}：{cell}")
        for row in value.get("added") or []:
            if isinstance(row, Mapping) and not is_blank(row.get(last)):
                parts.append(f"{row.get('direction', '')}—{row.get('label', '')}：{row.get(last)}")
        return "；".join(parts) or None
    return None


def _joined(template: Template, keys: tuple[str, ...], data: Mapping[str, Any]) -> str | list[str] | None:
    if len(keys) == 1:
        return _answer(template.field(keys[0]), data.get(keys[0]))
    parts = []
    for key in keys:
        f = template.field(key)
        ans = _answer(f, data.get(key))
        if isinstance(ans, list):
            ans = "、".join(ans)
        if ans:
            parts.append(f"{f.label}：{ans}")
    return "\n".join(parts) or None


def _targets(template: Template, mapping: DossierMap, data: Mapping[str, Any]) -> dict[str, Any] | None:
    if not mapping.targets_field or mapping.targets_field not in template.fields:
        return None
    f = template.field(mapping.targets_field)
    value = data.get(f.key)
    fixed = value.get("fixed") if isinstance(value, Mapping) else None
    if not isinstance(fixed, Mapping):
        return None
    from apps.indicators.catalogue import load_catalogue

    catalogue = load_catalogue()
    values: dict[str, dict[str, str]] = {}
    for row in f.rows:
        code = row.indicator or mapping.target_rows.get(row.key, "")
        ind = catalogue.get(code) if code else None
        if ind is None or row.qualitative:
            continue
        cells = fixed.get(row.key) or {}
        for col in f.columns:
            m = _YEAR_SUFFIX.search(col.key)
            number = parse_decimal(cells.get(col.key)) if isinstance(cells, Mapping) else None
            if m is None or number is None:
                continue
            unit = row.unit or ind.unit
            if catalogue.convertible(unit, ind.unit):
                number = catalogue.convert(number, unit, ind.unit)
            values.setdefault(code, {})[m.group(1)] = format(number, "f")
    out: dict[str, Any] = {"values": values}
    if mapping.baseline_year:
        out["baseline_year"] = mapping.baseline_year
    if mapping.final_year:
        out["final_year"] = mapping.final_year
    return out


def filing_dossier(
    filing: Filing,
    *,
    template: Template | None = None,
    mapping: DossierMap | None = None,
    values: list[tuple[str, int, Decimal, str]] | None = None,
) -> dict[str, Any]:
    """The filing as a `clusterhub.dossier/1` dict (numbers as strings).

    `values` are (code, year, value, field key) rows; by default the filing's FilingValue rows.
    """
    from .services import template_of

    template = template or template_of(filing)
    mapping = mapping if mapping is not None else dossier_map(template.code, template.version)
    if values is None:
        values = list(filing.values.values_list("indicator_code", "year", "value", "field_key"))
    data = filing.data or {}
    sections = _section_of(template)
    indicators: dict[str, dict[str, str]] = {}
    sources: dict[str, str] = {}
    for code, year, value, field_key in values:
        indicators.setdefault(code, {})[str(year)] = format(Decimal(value).normalize(), "f")
        if field_key and field_key in template.fields and code not in sources:
            sources[code] = f"{template.title} {sections.get(field_key, '')} · {template.field(field_key).label}"
    answers: dict[str, Any] = {}
    for a in mapping.answers if mapping else ():
        if all(k in template.fields for k in a.fields):
            ans = _joined(template, a.fields, data)
            if ans is not None:
                answers[a.code] = ans
    cluster = filing.cluster
    title = filing.template_title or template.title
    dossier: dict[str, Any] = {
        "format": FORMAT,
        "cluster": {  # a district-level form (区级表单) names its district
            "name": filing.subject_name,
            "district": getattr(filing.subject_district, "name", ""),
            "leading_industry": getattr(cluster, "leading_industry", "") if cluster is not None else "",
            "filing": f"{filing.reporting_year}年度《{title}》（第 {filing.revision} 版）",
        },
        "indicators": indicators,
        "sources": sources,
        "answers": answers,
    }
    ref = template.reference_year or (template.data_years[-1] if template.data_years else None)
    if ref is not None:
        dossier["reference_year"] = ref
    targets = _targets(template, mapping, data) if mapping else None
    if targets:
        dossier["targets"] = targets
    return dossier


# —— self-check (提交前自查) ————————————————————————————————————————————————————————————


@dataclass
class SelfCheck:
    """The results of every rule set of the form's mapping on the filing's current data."""

    results: list[Any]  # apps.assessment.engine.AssessmentResult
    dossier: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def attention(self) -> int:
        """Rules that are not plainly met (不符合, 资料不全, 提示, 需人工判断)."""
        return sum(1 for res in self.results for r in res.results if r.status != "pass")


def self_check(filing: Filing, *, template: Template | None = None) -> SelfCheck | None:
    """Run the form's rule sets on the filing; None when the form has no mapping file."""
    from apps.assessment.dossier import DossierError
    from apps.assessment.engine import assess
    from apps.assessment.rulesets import RuleSetError

    from .services import template_of

    template = template or template_of(filing)
    mapping = dossier_map(template.code, template.version)
    if mapping is None or not mapping.rulesets:
        return None
    dossier = filing_dossier(filing, template=template, mapping=mapping)
    results, problems = [], []
    for rid in mapping.rulesets:
        try:
            results.append(assess(rid, dossier))
        except (RuleSetError, DossierError, LookupError) as exc:
            problems.append(f"规则集“{rid}”未能运行：{exc}")
    return SelfCheck(results, dossier, problems)


# —— the assessment app's dossier source ——————————————————————————————————————————————————


def latest_submitted_source(cluster: Any) -> Any:
    """The cluster's latest submitted or locked filing that has a mapping, as a SourcedDossier."""
    from apps.assessment.dossier import Dossier
    from apps.assessment.sources import SourcedDossier

    for filing in Filing.objects.filter(
        cluster=cluster, status__in=(FilingStatus.SUBMITTED, FilingStatus.LOCKED)
    ).order_by("-reporting_year", "-submitted_at"):
        if dossier_map(filing.template_code, filing.template_version) is None:
            continue
        data = filing_dossier(filing)
        label = f"{filing.reporting_year}年度《{filing.template_title}》（{filing.get_status_display()}）"
        return SourcedDossier(Dossier.from_dict(data), data, label)
    return None


def register() -> None:
    from apps.assessment.sources import register_source

    register_source(latest_submitted_source)
