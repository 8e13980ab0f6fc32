"""Totals that fill the forms, computed from a cluster's enterprise list (由企业库计算).

Public API for the filings engineer::

    from apps.enterprises.totals import cluster_totals
    totals = cluster_totals(cluster, 2024)        # dict[str, Total], keyed by catalogue code
    t = totals["output_value"]
    t.value       # Decimal in the catalogue unit of that code (output_value: 亿元)
    t.unit        # "亿元"
    t.formula     # "Σ 企业产值/营业收入（万元） ÷ 10000"
    t.inputs      # {"企业数": "312", "产值合计（万元）": "3123456.78", ...} (Decimal as strings)
    t.provenance  # "由企业库计算：312 家"
    t.as_dict()   # JSON-safe form (Decimal as string) to store beside a declared value

Only codes present in the indicator catalogue are returned (never renamed or invented). A
code is absent when it cannot be computed (e.g. a ratio whose denominator is 0); the form
then keeps what the user typed. Firms are counted once however many qualifications they hold
(`count(distinct firm)`), including for 002 第六条(三)'s “10家以上” rule
(`recognition_quality_counts`). Ratios are computed from the unrounded sums and rounded
to the catalogue's decimals only at the end.

A declared value that differs from `Total.value` is the filings app's to show to reviewers;
`Total.matches(declared)` compares at the catalogue's precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from apps.clusters.models import Cluster
from apps.indicators.catalogue import load_catalogue

from .models import (
    QUALITY_KINDS,
    FirmList,
    FirmQualification,
    FirmYear,
    ListingStatus,
    QualificationKind,
    QualificationLevel,
)

SOURCE = "企业库"


@dataclass(frozen=True)
class Total:
    """One computed indicator: value in the catalogue unit, and how it was obtained."""

    code: str
    name: str
    value: Decimal
    unit: str
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    provenance: str = ""
    basis: str = ""  # the population counted (e.g. “中小企业”, “主导产业相关的企业”)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "value": str(self.value),
            "unit": self.unit,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "provenance": self.provenance,
            "basis": self.basis,
            "source": SOURCE,
        }

    def matches(self, declared: Decimal | None) -> bool:
        if declared is None:
            return False
        exp = self.value.as_tuple().exponent
        q = Decimal(1).scaleb(exp if isinstance(exp, int) else 0)
        return Decimal(declared).quantize(q, rounding=ROUND_HALF_UP) == self.value


@dataclass(frozen=True)
class QualityCounts:
    """002 第六条(三): ≥1 单项冠军 or 小巨人 (市级/国家级, leading industry), or ≥10 distinct firms
    among 专精特新中小企业 / 创新型中小企业 / 国家级高新技术企业."""

    champion_or_giant: int
    ten_firm_rule: int

    @property
    def meets(self) -> bool:
        return self.champion_or_giant >= 1 or self.ten_firm_rule >= 10


def _d(value: Any) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def _m(value: Any) -> Decimal:
    """A money sum (万元) at 2 decimals, whatever the backend's SUM returned."""
    return _d(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _s(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _firm_years(cluster: Cluster, year: int) -> QuerySet[FirmYear]:
    return FirmYear.objects.for_cluster_year(cluster.pk, year).order_by()


def _qualification_counts(cluster: Cluster, year: int) -> dict[str, int]:
    """Distinct firms per qualification group, in one aggregate over the cluster-year's qualifications.

    One join of 资质 → 集群企业 (by key), counted with `count(distinct firm)` under a filter per
    group: a firm holding several qualifications of a group is counted once. Never a nested
    `IN (subquery)`: with stale statistics right after a bulk import PostgreSQL may run those as
    a nested loop that rescans the whole list per row (quadratic).
    """
    firm = "firm_year__firm_id"
    related = Q(firm_year__leading_industry_related=True)
    kind = QualificationKind
    national = QualificationLevel.NATIONAL
    agg = (
        FirmQualification.objects.filter(
            firm_year__cluster=cluster,
            firm_year__year=year,
            firm_year__firm_list=FirmList.current_id_query(cluster.pk, year),
        )
        .order_by()
        .aggregate(
            specialised=Count(firm, distinct=True, filter=related & Q(kind=kind.SPECIALISED)),
            little_giant=Count(firm, distinct=True, filter=related & Q(kind=kind.LITTLE_GIANT)),
            single_champion=Count(firm, distinct=True, filter=related & Q(kind=kind.SINGLE_CHAMPION)),
            national_high_tech=Count(firm, distinct=True, filter=related & Q(kind=kind.HIGH_TECH, level=national)),
            innovative_sme=Count(firm, distinct=True, filter=related & Q(kind=kind.INNOVATIVE_SME)),
            quality=Count(firm, distinct=True, filter=Q(kind__in=QUALITY_KINDS)),
            quality_quals=Count("id", filter=Q(kind__in=QUALITY_KINDS)),
            champion_or_giant=Count(
                firm,
                distinct=True,
                filter=related
                & (
                    Q(kind=kind.SINGLE_CHAMPION, level__in=(national, QualificationLevel.MUNICIPAL))
                    | Q(kind=kind.LITTLE_GIANT)
                ),
            ),
            ten_firm_rule=Count(
                firm,
                distinct=True,
                filter=related
                & (Q(kind__in=(kind.SPECIALISED, kind.INNOVATIVE_SME)) | Q(kind=kind.HIGH_TECH, level=national)),
            ),
        )
    )
    return {k: int(v or 0) for k, v in agg.items()}


def recognition_quality_counts(cluster: Cluster, year: int) -> QualityCounts:
    counts = _qualification_counts(cluster, year)
    return QualityCounts(counts["champion_or_giant"], counts["ten_firm_rule"])


def cluster_totals(cluster: Cluster, year: int) -> dict[str, Total]:
    """Every catalogue indicator the list can back, for `cluster` in `year` (see module doc)."""
    catalogue = load_catalogue()
    related_sme = Q(leading_industry_related=True, is_sme=True)
    # Rows are counted, not distinct firms: a cluster-year has one current list and a list holds
    # a firm once (unique (firm, firm_list)), so each row is a distinct firm — and a count needs
    # no sort, where each count(distinct) sorted the whole list again.
    agg = _firm_years(cluster, year).aggregate(
        firms=Count("id"),
        related=Count("id", filter=Q(leading_industry_related=True)),
        listed=Count("id", filter=related_sme & Q(listing_status=ListingStatus.LISTED)),
        tutoring=Count("id", filter=related_sme & Q(listing_status=ListingStatus.TUTORING)),
        smes=Count("id", filter=Q(is_sme=True)),
        output=Sum("output_value"),
        output_missing=Count("id", filter=Q(output_value__isnull=True)),
        sme_output=Sum("output_value", filter=Q(is_sme=True)),
        related_output=Sum("output_value", filter=Q(leading_industry_related=True)),
        sme_rd=Sum("rd_expense", filter=Q(is_sme=True)),
        sme_rev=Sum("revenue", filter=Q(is_sme=True)),
        sme_emp=Sum("employees", filter=Q(is_sme=True)),
        sme_rd_staff=Sum("rd_staff", filter=Q(is_sme=True)),
        sme_patents=Sum("invention_patents", filter=Q(is_sme=True)),
        sme_pct=Sum("pct_applications", filter=Q(is_sme=True)),
        cloud=Count("id", filter=Q(is_sme=True, cloud=True)),
        iip=Count("id", filter=Q(is_sme=True, industrial_internet=True)),
        digital=Count("id", filter=Q(is_sme=True, digital_rd_tools=True)),
        export=Sum("export_amount"),
        fdi=Sum("fdi_amount"),
        unknown=Count("id", filter=Q(size="unknown")),
    )
    firms, smes = int(agg["firms"]), int(agg["smes"])
    out: dict[str, Total] = {}
    if firms == 0:
        return out

    def put(code: str, value: Decimal | int, formula: str, inputs: dict[str, Any], provenance: str, basis: str) -> None:
        ind = catalogue.get(code)
        if ind is None:
            return
        q = Decimal(1).scaleb(-ind.decimals)
        out[code] = Total(
            code=code,
            name=ind.name,
            value=Decimal(value).quantize(q, rounding=ROUND_HALF_UP),
            unit=ind.unit,
            formula=formula,
            inputs={k: _s(v) for k, v in inputs.items()},
            provenance=f"由{SOURCE}计算：{provenance}",
            basis=basis,
        )

    def to_unit(code: str, wan: Decimal) -> tuple[Decimal, str]:
        """万元 → the catalogue unit of `code`, with the formula fragment for it."""
        ind = catalogue.get(code)
        unit = ind.unit if ind else "万元"
        value = catalogue.convert(wan, "万元", unit)
        return value, "" if unit == "万元" else f" ÷ 10000（万元→{unit}）" if unit == "亿元" else f"（万元→{unit}）"

    size_note = f"，其中 {agg['unknown']} 家无法划型（不计入中小企业）" if agg["unknown"] else ""
    put("firm_count", firms, "count(distinct 企业)", {"企业数": firms}, f"{firms} 家", "全部集群企业")
    put(
        "sme_count",
        smes,
        "count(distinct 企业 where 规模 ∈ {中型, 小型, 微型})",
        {"企业数": firms, "中小企业数": smes, "无法划型": agg["unknown"]},
        f"{firms} 家企业中 {smes} 家中小企业{size_note}",
        "按工信部联企业〔2011〕300号划型",
    )
    output_wan = _m(agg["output"])
    missing = f"，{agg['output_missing']} 家未填产值" if agg["output_missing"] else ""
    v, conv = to_unit("output_value", output_wan)
    put(
        "output_value",
        v,
        f"Σ 企业产值/营业收入（万元）{conv}",
        {"企业数": firms, "产值合计（万元）": output_wan},
        f"{firms} 家企业产值合计 {_s(output_wan)} 万元{missing}",
        "全部集群企业",
    )
    sme_out = _m(agg["sme_output"])
    v, conv = to_unit("sme_output_value", sme_out)
    put(
        "sme_output_value",
        v,
        f"Σ 中小企业产值（万元）{conv}",
        {"中小企业数": smes, "中小企业产值合计（万元）": sme_out},
        f"{smes} 家中小企业",
        "中小企业",
    )
    if output_wan > 0:
        put(
            "sme_output_share",
            sme_out / output_wan * 100,
            "Σ 中小企业产值 ÷ Σ 全部企业产值 × 100",
            {"中小企业产值（万元）": sme_out, "全部企业产值（万元）": output_wan},
            f"{smes} / {firms} 家",
            "中小企业占全部企业",
        )
        rel_out = _m(agg["related_output"])
        v, conv = to_unit("leading_industry_output_value", rel_out)
        n_rel = int(agg["related"])
        put(
            "leading_industry_output_value",
            v,
            f"Σ 与主导产业相关企业产值（万元）{conv}",
            {"主导产业相关企业数": n_rel, "产值合计（万元）": rel_out},
            f"{n_rel} 家主导产业相关企业",
            "企业清单“是否与主导产业相关”为“是”",
        )
        put(
            "leading_industry_output_share",
            rel_out / output_wan * 100,
            "Σ 主导产业相关企业产值 ÷ Σ 全部企业产值 × 100",
            {"主导产业相关企业产值（万元）": rel_out, "全部企业产值（万元）": output_wan},
            f"{n_rel} / {firms} 家",
            "企业清单“是否与主导产业相关”为“是”",
        )

    # Quality firms: distinct firms, leading-industry related (the forms say 主导产业相关的…).
    quals = _qualification_counts(cluster, year)

    def qual_count(code: str, key: str, label: str) -> None:
        n = quals[key]
        put(
            code, n, f"count(distinct 主导产业相关企业 where 资质 ∈ {{{label}}})", {label: n}, f"{n} 家", "主导产业相关"
        )

    qual_count("specialised_sme_count", "specialised", "专精特新中小企业")
    qual_count("little_giant_count", "little_giant", "专精特新“小巨人”企业")
    qual_count("single_champion_count", "single_champion", "制造业单项冠军企业")
    qual_count("national_high_tech_count", "national_high_tech", "国家级高新技术企业")
    qual_count("innovative_sme_count", "innovative_sme", "创新型中小企业")
    n_quality, n_quals = quals["quality"], quals["quality_quals"]
    put(
        "quality_firm_count",
        n_quality,
        "count(distinct 企业 where 资质 ∈ {专精特新、小巨人、单项冠军、高新技术、创新型中小企业})",
        {"具有优质企业资质的企业数": n_quality, "资质条数": n_quals},
        f"{n_quality} 家（共 {n_quals} 项资质，按企业去重）",
        "全部集群企业，按企业去重",
    )
    for code, key, label in (
        ("listed_sme_count", "listed", "上市"),
        ("listing_tutoring_sme_count", "tutoring", "上市辅导期"),
    ):
        n = int(agg[key])
        put(
            code,
            n,
            f"count(distinct 主导产业相关中小企业 where 上市情况 = {label})",
            {label: n},
            f"{n} 家",
            "主导产业相关中小企业",
        )

    # Innovation: SME sums and ratios.
    sme_rd, sme_rev = _m(agg["sme_rd"]), _m(agg["sme_rev"])
    sme_emp, sme_staff = _d(agg["sme_emp"]), _d(agg["sme_rd_staff"])
    sme_pat, sme_pct = _d(agg["sme_patents"]), _d(agg["sme_pct"])
    v, conv = to_unit("sme_rd_expense", sme_rd)
    put(
        "sme_rd_expense",
        v,
        f"Σ 中小企业研发费用（万元）{conv}",
        {"研发费用合计（万元）": sme_rd},
        f"{smes} 家中小企业",
        "中小企业",
    )
    v, conv = to_unit("sme_revenue", sme_rev)
    put(
        "sme_revenue",
        v,
        f"Σ 中小企业营业收入（万元）{conv}",
        {"营业收入合计（万元）": sme_rev},
        f"{smes} 家中小企业",
        "中小企业",
    )
    if sme_rev > 0:
        put(
            "sme_rd_intensity",
            sme_rd / sme_rev * 100,
            "Σ 中小企业研发费用 ÷ Σ 中小企业营业收入 × 100",
            {"研发费用（万元）": sme_rd, "营业收入（万元）": sme_rev},
            f"{smes} 家中小企业",
            "中小企业",
        )
    put(
        "sme_employees",
        sme_emp,
        "Σ 中小企业从业人员期末人数",
        {"从业人员（人）": sme_emp},
        f"{smes} 家中小企业",
        "中小企业",
    )
    put(
        "sme_rd_staff", sme_staff, "Σ 中小企业研发人员", {"研发人员（人）": sme_staff}, f"{smes} 家中小企业", "中小企业"
    )
    put(
        "sme_invention_patents",
        sme_pat,
        "Σ 中小企业有效发明专利",
        {"有效发明专利（个）": sme_pat},
        f"{smes} 家中小企业",
        "中小企业",
    )
    put(
        "sme_pct_applications",
        sme_pct,
        "Σ 中小企业PCT国际专利申请量",
        {"PCT申请（个）": sme_pct},
        f"{smes} 家中小企业",
        "中小企业",
    )
    if sme_emp > 0:
        put(
            "rd_staff_ratio",
            sme_staff / sme_emp * 100,
            "Σ 中小企业研发人员 ÷ Σ 中小企业从业人员 × 100",
            {"研发人员（人）": sme_staff, "从业人员（人）": sme_emp},
            f"{smes} 家中小企业",
            "中小企业",
        )
        put(
            "patents_per_10k_sme_employees",
            sme_pat / sme_emp * 10000,
            "Σ 中小企业有效发明专利 ÷ Σ 中小企业从业人员 × 10000",
            {"有效发明专利（个）": sme_pat, "从业人员（人）": sme_emp},
            f"{smes} 家中小企业",
            "中小企业",
        )
    # Digital: counts among SMEs, rates over SMEs (the catalogue's formula; basis recorded).
    for code, key, label in (("cloud_sme_count", "cloud", "上云"), ("iip_sme_count", "iip", "应用工业互联网平台")):
        n = int(agg[key])
        put(code, n, f"count(distinct 中小企业 where {label})", {label: n}, f"{n} 家", "中小企业")
    if smes > 0:
        for code, key, label in (
            ("cloud_sme_ratio", "cloud", "上云"),
            ("iip_penetration", "iip", "应用工业互联网平台"),
            ("digital_rd_tool_penetration", "digital", "应用数字化研发工具"),
        ):
            n = int(agg[key])
            put(
                code,
                Decimal(n) / smes * 100,
                f"{label}中小企业数 ÷ 中小企业数 × 100",
                {f"{label}中小企业数": n, "中小企业数": smes},
                f"{n} / {smes} 家中小企业",
                "中小企业（口径：分母为集群中小企业数）",
            )
    for code, key, label in (
        ("export_amount", "export", "主导产品出口贸易额"),
        ("fdi_amount", "fdi", "外商直接投资额"),
    ):
        wan = _m(agg[key])
        v, conv = to_unit(code, wan)
        put(code, v, f"Σ 企业{label}（万元）{conv}", {f"{label}合计（万元）": wan}, f"{firms} 家企业", "全部集群企业")
    return out
