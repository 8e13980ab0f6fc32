"""The dossier (评估资料): what the engine reads about one cluster.

A dossier holds a cluster's indicator values by year (catalogue codes), declared answers
(是/否/不涉及 and ticked checkbox lists), optionally its enterprise list per year (from which
aggregates are computed), an application's targets, and sector averages given as context.
The format is documented in docs/dossier.md; `Dossier.from_dict` validates it and names the
field at fault in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .catalogue import name_of
from .expressions import Missing, Value

FORMAT = "clusterhub.dossier/1"
TEN_THOUSAND = Decimal(10000)
HUNDRED = Decimal(100)

# Qualification labels of an enterprise-list row (企业名单“资质”列).
QUAL_SPECIALISED = "专精特新"
QUAL_LITTLE_GIANT = "小巨人"
QUAL_CHAMPION = "单项冠军"
QUAL_HIGH_TECH = "高新技术"
QUAL_INNOVATIVE = "创新型"
QUALIFICATIONS = (QUAL_SPECIALISED, QUAL_LITTLE_GIANT, QUAL_CHAMPION, QUAL_HIGH_TECH, QUAL_INNOVATIVE)

# Enterprise-list aggregates (list.<code>) with the formula shown in explanations.
LIST_AGGREGATES: dict[str, str] = {
    "firm_count": "企业名单行数（按统一社会信用代码去重）",
    "sme_count": "企业名单中“中小企业”标记为是的企业数",
    "output_value": "Σ 企业产值/营业收入（万元）÷ 10000",
    "sme_output_value": "Σ 中小企业产值/营业收入（万元）÷ 10000",
    "sme_output_share": "Σ 中小企业产值 ÷ Σ 全部企业产值 × 100",
    "sme_rd_expense": "Σ 中小企业研发费用（万元）",
    "sme_employees": "Σ 中小企业从业人员期末数",
    "sme_invention_patents": "Σ 中小企业有效发明专利拥有量",
    "patents_per_10k_sme_employees": "Σ 中小企业有效发明专利 ÷ Σ 中小企业从业人员 × 10000",
    "specialised_sme_count": "资质含“专精特新”的企业数",
    "little_giant_count": "资质含“小巨人”的企业数",
    "single_champion_count": "资质含“单项冠军”的企业数",
    "national_high_tech_count": "资质含“高新技术”的企业数",
    "innovative_sme_count": "资质含“创新型”的企业数",
    "quality_firm_count": "资质含任一优质企业资质的企业数（按企业去重）",
    "tier2_quality_firm_count": "资质含“专精特新”“创新型”或“高新技术”的企业数（按企业去重）",
    "iip_sme_count": "应用工业互联网平台的中小企业数",
    "iip_penetration": "应用工业互联网平台的中小企业数 ÷ 中小企业数 × 100",
    "cloud_sme_count": "上云中小企业数",
    "cloud_sme_ratio": "上云中小企业数 ÷ 中小企业数 × 100",
}


class DossierError(ValueError):
    """The dossier is malformed; `path` names the offending field (e.g. indicators.output_value.2024)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}：{message}" if path else message)
        self.path = path
        self.message = message


def to_decimal(raw: Any, path: str) -> Decimal | None:
    """Read one number. None/"" → None (not given); "无" → None; anything else must be numeric."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise DossierError("应为数值，不能是是/否", path)
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        if text in ("", "无", "—", "-"):
            return None
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise DossierError(f"“{raw}”不是有效的数值", path) from exc
        if not value.is_finite():
            raise DossierError(f"“{raw}”不是有效的数值", path)
        return value
    raise DossierError('应为数值（建议用字符串，如 "35.20"）', path)


def _year_key(raw: Any, path: str) -> int:
    try:
        year = int(str(raw))
    except ValueError as exc:
        raise DossierError(f"年份“{raw}”无效", path) from exc
    if not 1990 <= year <= 2100:
        raise DossierError(f"年份“{raw}”超出范围", path)
    return year


def _series(raw: Any, path: str) -> dict[int, Decimal]:
    if not isinstance(raw, Mapping):
        raise DossierError("应为 {年份: 数值} 的对象", path)
    out: dict[int, Decimal] = {}
    for k, v in raw.items():
        year = _year_key(k, path)
        value = to_decimal(v, f"{path}.{k}")
        if value is not None:
            out[year] = value
    return out


@dataclass
class Enterprise:
    """One row of an enterprise list (企业名单)."""

    credit_code: str
    name: str
    is_sme: bool
    output_value_wan: Decimal | None
    rd_expense_wan: Decimal | None
    employees: Decimal | None
    invention_patents: Decimal | None
    qualifications: frozenset[str]
    industrial_internet: bool
    cloud: bool


def _enterprise(raw: Any, path: str) -> Enterprise:
    if not isinstance(raw, Mapping):
        raise DossierError("企业名单的每一行应为对象", path)
    quals = raw.get("qualifications") or []
    if not isinstance(quals, list):
        raise DossierError("qualifications 应为列表", f"{path}.qualifications")
    unknown = [q for q in quals if q not in QUALIFICATIONS]
    if unknown:
        raise DossierError(f"未知资质“{'、'.join(map(str, unknown))}”，可选：{'、'.join(QUALIFICATIONS)}", path)
    is_sme = raw.get("is_sme")
    if not isinstance(is_sme, bool):
        raise DossierError("is_sme（是否中小企业）须为 true 或 false", f"{path}.is_sme")
    return Enterprise(
        credit_code=str(raw.get("credit_code", "")).strip(),
        name=str(raw.get("name", "")).strip(),
        is_sme=is_sme,
        output_value_wan=to_decimal(raw.get("output_value_wan"), f"{path}.output_value_wan"),
        rd_expense_wan=to_decimal(raw.get("rd_expense_wan"), f"{path}.rd_expense_wan"),
        employees=to_decimal(raw.get("employees"), f"{path}.employees"),
        invention_patents=to_decimal(raw.get("invention_patents"), f"{path}.invention_patents"),
        qualifications=frozenset(quals),
        industrial_internet=bool(raw.get("industrial_internet", False)),
        cloud=bool(raw.get("cloud", False)),
    )


def _sum(values: list[Decimal | None]) -> Decimal | None:
    """Sum of a column; None if any cell is blank (a partial sum would understate)."""
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def enterprise_aggregates(rows: list[Enterprise]) -> dict[str, Decimal | None]:
    """Aggregates of one year's enterprise list; None where a needed column is blank."""
    seen: dict[str, Enterprise] = {}
    for i, row in enumerate(rows):
        seen[row.credit_code or f"#{i}"] = row
    firms = list(seen.values())
    smes = [e for e in firms if e.is_sme]
    agg: dict[str, Decimal | None] = {
        "firm_count": Decimal(len(firms)),
        "sme_count": Decimal(len(smes)),
    }
    total = _sum([e.output_value_wan for e in firms])
    sme_total = _sum([e.output_value_wan for e in smes])
    agg["output_value"] = None if total is None else total / TEN_THOUSAND
    agg["sme_output_value"] = None if sme_total is None else sme_total / TEN_THOUSAND
    agg["sme_output_share"] = None if total in (None, 0) or sme_total is None else sme_total / total * HUNDRED  # type: ignore[operator]
    agg["sme_rd_expense"] = _sum([e.rd_expense_wan for e in smes])
    agg["sme_employees"] = _sum([e.employees for e in smes])
    agg["sme_invention_patents"] = _sum([e.invention_patents for e in smes])
    emp, pat = agg["sme_employees"], agg["sme_invention_patents"]
    agg["patents_per_10k_sme_employees"] = None if emp in (None, 0) or pat is None else pat / emp * TEN_THOUSAND  # type: ignore[operator]
    by_qual = {
        "specialised_sme_count": QUAL_SPECIALISED,
        "little_giant_count": QUAL_LITTLE_GIANT,
        "single_champion_count": QUAL_CHAMPION,
        "national_high_tech_count": QUAL_HIGH_TECH,
        "innovative_sme_count": QUAL_INNOVATIVE,
    }
    for code, qual in by_qual.items():
        agg[code] = Decimal(sum(1 for e in firms if qual in e.qualifications))
    agg["quality_firm_count"] = Decimal(sum(1 for e in firms if e.qualifications))
    tier2 = {QUAL_SPECIALISED, QUAL_INNOVATIVE, QUAL_HIGH_TECH}
    agg["tier2_quality_firm_count"] = Decimal(sum(1 for e in firms if e.qualifications & tier2))
    iip = Decimal(sum(1 for e in smes if e.industrial_internet))
    cloud = Decimal(sum(1 for e in smes if e.cloud))
    agg["iip_sme_count"] = iip
    agg["cloud_sme_count"] = cloud
    agg["iip_penetration"] = iip / len(smes) * HUNDRED if smes else None
    agg["cloud_sme_ratio"] = cloud / len(smes) * HUNDRED if smes else None
    return agg


@dataclass
class Dossier:
    """One cluster's data as the engine sees it."""

    indicators: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    enterprises: dict[int, list[Enterprise]] = field(default_factory=dict)
    targets: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    sector_averages: dict[str, Decimal] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    cluster: dict[str, str] = field(default_factory=dict)
    reference_year: int | None = None
    baseline_year: int | None = None
    final_year: int | None = None
    _aggregates: dict[int, dict[str, Decimal | None]] = field(default_factory=dict, repr=False)

    # —— reading ——
    @classmethod
    def from_dict(cls, data: Any) -> Dossier:
        if not isinstance(data, Mapping):
            raise DossierError("评估资料应为 JSON 对象")
        fmt = data.get("format", FORMAT)
        if fmt != FORMAT:
            raise DossierError(f"不支持的格式“{fmt}”，应为“{FORMAT}”", "format")
        indicators_raw = data.get("indicators", {})
        if not isinstance(indicators_raw, Mapping):
            raise DossierError("应为 {指标代码: {年份: 数值}} 的对象", "indicators")
        indicators = {str(code): _series(series, f"indicators.{code}") for code, series in indicators_raw.items()}
        answers = data.get("answers", {})
        if not isinstance(answers, Mapping):
            raise DossierError("应为 {问题代码: 回答} 的对象", "answers")
        for code, ans in answers.items():
            if not isinstance(ans, str | list):
                raise DossierError("回答应为文字（是/否/不涉及）或勾选项列表", f"answers.{code}")
        enterprises: dict[int, list[Enterprise]] = {}
        ent_raw = data.get("enterprises", {})
        if not isinstance(ent_raw, Mapping):
            raise DossierError("应为 {年份: [企业, …]} 的对象", "enterprises")
        for year_raw, rows in ent_raw.items():
            year = _year_key(year_raw, "enterprises")
            if not isinstance(rows, list):
                raise DossierError("应为企业列表", f"enterprises.{year_raw}")
            enterprises[year] = [_enterprise(r, f"enterprises.{year_raw}[{i + 1}]") for i, r in enumerate(rows)]
        targets_raw = data.get("targets") or {}
        if not isinstance(targets_raw, Mapping):
            raise DossierError("应为对象", "targets")
        tvalues = targets_raw.get("values", {})
        if not isinstance(tvalues, Mapping):
            raise DossierError("应为 {指标代码: {年份: 目标值}} 的对象", "targets.values")
        targets = {str(code): _series(s, f"targets.values.{code}") for code, s in tvalues.items()}
        sector_raw = data.get("sector_averages", {}) or {}
        if not isinstance(sector_raw, Mapping):
            raise DossierError("应为 {指标代码: 数值} 的对象", "sector_averages")
        sector: dict[str, Decimal] = {}
        for code, v in sector_raw.items():
            dv = to_decimal(v, f"sector_averages.{code}")
            if dv is not None:
                sector[str(code)] = dv
        sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
        cluster = {str(k): str(v) for k, v in (data.get("cluster") or {}).items()}
        ref = data.get("reference_year")
        baseline = targets_raw.get("baseline_year")
        final = targets_raw.get("final_year")
        return cls(
            indicators=indicators,
            answers=dict(answers),
            enterprises=enterprises,
            targets=targets,
            sector_averages=sector,
            sources=sources,
            cluster=cluster,
            reference_year=_year_key(ref, "reference_year") if ref is not None else None,
            baseline_year=_year_key(baseline, "targets.baseline_year") if baseline is not None else None,
            final_year=_year_key(final, "targets.final_year") if final is not None else None,
        )

    def latest_year(self) -> int | None:
        """The reference year: declared, else the latest year with any indicator or enterprise list."""
        if self.reference_year is not None:
            return self.reference_year
        years = {y for s in self.indicators.values() for y in s} | set(self.enterprises)
        if years:
            self.reference_year = max(years)
        return self.reference_year

    def target_years(self) -> tuple[int | None, int | None]:
        years = sorted({y for s in self.targets.values() for y in s})
        baseline = self.baseline_year if self.baseline_year is not None else self.latest_year()
        final = self.final_year if self.final_year is not None else (years[-1] if years else None)
        return baseline, final

    def aggregates(self, year: int) -> dict[str, Decimal | None] | None:
        if year not in self.enterprises:
            return None
        cached = self._aggregates.get(year)
        if cached is None:
            cached = enterprise_aggregates(self.enterprises[year])
            self._aggregates[year] = cached
        return cached

    def source_of(self, code: str) -> str:
        return self.sources.get(code) or f"申报数据 · {name_of(code)}"

    def lookup(self, namespace: str, code: str, year: int) -> tuple[Value, str]:
        """(value, source) for one input; Missing names what is absent."""
        if namespace == "value":
            series = self.indicators.get(code)
            if series is not None and year in series:
                return series[year], self.source_of(code)
            agg = self.aggregates(year)
            if agg is not None and agg.get(code) is not None:
                n = len(self.enterprises[year])
                return agg[code], f"企业名单（{year} 年，{n} 行）汇总：{LIST_AGGREGATES.get(code, code)}"  # type: ignore[return-value]
            return Missing((f"缺少“{name_of(code)}”（{code}）{year} 年数值",)), ""
        if namespace == "list":
            agg = self.aggregates(year)
            if agg is None:
                return Missing((f"缺少 {year} 年企业名单（用于计算“{name_of(code)}”）",)), ""
            agg_value = agg.get(code)
            if agg_value is None:
                return Missing((f"{year} 年企业名单中缺少计算“{name_of(code)}”所需的列",)), ""
            n = len(self.enterprises[year])
            return agg_value, f"企业名单（{year} 年，{n} 行）汇总：{LIST_AGGREGATES.get(code, code)}"
        if namespace == "target":
            series = self.targets.get(code, {})
            if year in series:
                return series[year], f"发展目标 · {name_of(code)} {year} 年目标值"
            baseline, _ = self.target_years()
            if year == baseline:
                value, src = self.lookup("value", code, year)
                if not isinstance(value, Missing):
                    return value, f"{src}（基准值）"
            return Missing((f"缺少“{name_of(code)}”{year} 年目标值",)), ""
        if namespace == "sector":
            if code in self.sector_averages:
                return self.sector_averages[code], f"行业平均水平 · {name_of(code)}"
            return Missing((f"缺少“{name_of(code)}”的行业平均水平",)), ""
        return Missing((f"未知的数据类别“{namespace}”",)), ""

    def answer(self, code: str) -> Any:
        return self.answers.get(code)
