"""Demo data of the assessment app (演示数据), registered with apps.core.demo.register_seeder.

Deterministic and idempotent. Built on the base world's clusters and users:
- 张江 集成电路 (pd_ic, the demo operator's cluster): a 2025 application (2022–2024 data with
  2025–2027 targets) and a 2025 annual report whose self-check shows every kind of verdict —
  通过, 不通过 (SME R&D growth below 5 %), 需人工判断 (leading-industry share exactly 50.00 %,
  where 办法 says 以上 and the form footnote 高于; and the qualitative items), 资料不全 (no
  industrial-internet figure) — plus a stored result with one district judgment;
- 浦东 生物医药 (pd_bio): a dossier meeting every threshold; its 2024 service evaluation is
  assigned to the demo evaluator (to score) and to a second evaluator who has already submitted;
- 嘉定 传感器 (jd_sensor): output below 30 亿元 (不符合); 黄浦 时尚 (hp_fashion): a sparse
  dossier (资料不全); 西湖 数字安防 (zj_xihu): checked against the example province set;
- pd_ic's 2024 service evaluation scored and submitted by five evaluators (trimmed mean, grade,
  fund eligibility).
"""

from __future__ import annotations

import copy
from decimal import ROUND_DOWN, Decimal
from typing import Any

from apps.core.demo import DEMO_PASSWORD, DemoLogin, DemoWorld

DEMO_LABEL = "（演示）"
RUBRIC = "sh-service-evaluation-2025"
EXTRA_EVALUATORS = 5  # demo_evaluator2 … demo_evaluator6
EVALUATOR_FRACTIONS = ("0.80", "0.74", "0.71", "0.77", "0.68")

EVIDENCE_ANSWERS: dict[str, Any] = {
    "no_major_incidents_3y": "是",
    "no_tax_or_credit_violations": "是",
    "leading_industry_not_prohibited": "是",
    "industrial_software_rising": "是",
    "energy_efficiency_above_benchmark": "不涉及",
    "water_efficiency_above_benchmark": "不涉及",
    "industry_position": "细分领域本市前三，区级支柱产业（演示）",
    "chain_cultivation": ["绘制了产业链图谱", "建立了产业链培育机制"],
    "resource_sharing": ["建立了通用生产设备共享机制"],
    "collaborative_innovation": ["组建了创新联合体", "与高校共建联合实验室"],
    "digital_services": ["开展了数字化共性解决方案开发和诊断等服务"],
    "green_work": ["开展了碳排放和碳足迹监测与核算等"],
    "international_cooperation": ["参加中国国际中小企业博览会等展会类活动"],
    "governance_work": ["建立了中小企业服务专员队伍", "建立了诉求协调处理机制"],
    "public_service_platforms": ["引入市级中小企业公共服务平台"],
    "development_plan": "2025—2027 年发展规划：总体思路、发展目标、重点任务、保障措施齐全（演示）",
}

SOURCES = {
    "output_value": "附件4 二、主导产业情况 · 集群总产值/营业收入（亿元）",
    "sme_output_share": "附件4 二、主导产业情况 · 中小企业产值占比（%）",
    "leading_industry_output_share": "附件4 二、主导产业情况 · 主导产业产值占比（%）",
    "sme_rd_expense": "附件4 三、创新能力情况 · 集群中小企业研发经费总额（万元）",
    "sme_invention_patents": "附件4 三、创新能力情况 · 中小企业有效发明专利拥有量（个）",
    "sme_employees": "附件4 一、基本情况 · 中小企业从业人员期末数（人）",
}


def _years(first: int, values: list[str]) -> dict[str, str]:
    return {str(first + i): v for i, v in enumerate(values)}


def _dossier(name: str, ref: int, indicators: dict[str, dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "format": "clusterhub.dossier/1",
        "cluster": {"name": name},
        "reference_year": ref,
        "indicators": indicators,
        "sources": dict(SOURCES),
        "answers": copy.deepcopy(EVIDENCE_ANSWERS),
        **extra,
    }


def _good_indicators(first: int, scale: str = "1") -> dict[str, dict[str, str]]:
    """Three years from `first` that meet every Shanghai threshold comfortably."""
    k = Decimal(scale)

    def s(v: str) -> str:
        return str((Decimal(v) * k).quantize(Decimal("0.01")))

    last = str(first + 2)
    return {
        "area_km2": {last: "12.40"},
        "output_value": _years(first, [s("120.00"), s("138.00"), s("158.70")]),
        "sme_output_share": {last: "64.20"},
        "leading_industry_output_share": {last: "71.50"},
        "single_champion_count": {last: "1"},
        "little_giant_count": {last: "4"},
        "specialised_sme_count": {last: "18"},
        "innovative_sme_count": {last: "9"},
        "national_high_tech_count": {last: "35"},
        "sme_rd_expense": _years(first, ["30000.00", "33000.00", "36300.00"]),
        "sme_invention_patents": _years(first, ["400", "470", "552"]),
        "sme_employees": {last: "21000"},
        "platforms_national_count": {last: "1"},
        "platforms_provincial_count": {last: "2"},
        "platforms_other_count": {last: "1"},
        "standards_total": {last: "6"},
        "iip_penetration": {last: "23.50"},
        "co2_intensity": _years(first, ["0.32", "0.30", "0.28"]),
    }


def pd_ic_application() -> dict[str, Any]:
    """张江 集成电路: 2025 application (data 2022–2024) with 2025–2027 targets."""
    ind = {
        "area_km2": {"2024": "9.80"},
        "output_value": _years(2022, ["265.00", "310.00", "352.00"]),
        "sme_output_share": {"2024": "57.10"},
        "leading_industry_output_share": {"2024": "52.30"},
        "single_champion_count": {"2024": "2"},
        "little_giant_count": {"2024": "6"},
        "specialised_sme_count": {"2024": "24"},
        "innovative_sme_count": {"2024": "11"},
        "national_high_tech_count": {"2024": "48"},
        "quality_firm_count": {"2024": "40"},
        "sme_rd_expense": _years(2022, ["47000.00", "52000.00", "54000.00"]),
        "sme_invention_patents": _years(2022, ["1550", "1800", "2150"]),
        "sme_employees": {"2024": "40500"},
        "platforms_national_count": {"2024": "2"},
        "platforms_provincial_count": {"2024": "3"},
        "platforms_other_count": {"2024": "2"},
        "standards_total": {"2024": "11"},
        "iip_penetration": {"2024": "18.60"},
        "co2_intensity": _years(2022, ["0.23", "0.21", "0.20"]),
    }
    targets = {
        "baseline_year": 2024,
        "final_year": 2027,
        "values": {
            "output_value": _years(2025, ["390.00", "440.00", "500.00"]),
            "output_cagr": _years(2025, ["11.00", "12.00", "12.00"]),
            "quality_firm_count": _years(2025, ["45", "50", "56"]),
            "sme_rd_expense": _years(2025, ["57000.00", "61000.00", "66000.00"]),
            "sme_invention_patents": _years(2025, ["2450", "2800", "3200"]),
            "iip_penetration": _years(2025, ["21.00", "24.00", "27.00"]),
            "co2_intensity": _years(2025, ["0.19", "0.18", "0.17"]),
        },
    }
    return _dossier("上海市浦东新区集成电路设计产业集群", 2024, ind, targets=targets)


def pd_ic_report() -> dict[str, Any]:
    """张江 集成电路: 2025 annual report (data 2023–2025) — every kind of verdict."""
    ind = {
        "area_km2": {"2025": "9.80"},
        "output_value": _years(2023, ["310.00", "352.00", "398.00"]),
        "sme_output_share": {"2025": "58.30"},
        # exactly on the boundary: 办法 “50%以上” passes, the footnote's “高于 50%” does not
        "leading_industry_output_share": {"2025": "50.00"},
        "single_champion_count": {"2025": "2"},
        "little_giant_count": {"2025": "7"},
        "specialised_sme_count": {"2025": "26"},
        "innovative_sme_count": {"2025": "12"},
        "national_high_tech_count": {"2025": "51"},
        "quality_firm_count": {"2025": "44"},
        # 52000 → 56500 over two years: about 4.24 % a year, below “5%以上”
        "sme_rd_expense": _years(2023, ["52000.00", "54000.00", "56500.00"]),
        "sme_invention_patents": _years(2023, ["1800", "2150", "2500"]),
        "sme_employees": {"2025": "42000"},
        "platforms_national_count": {"2025": "2"},
        "platforms_provincial_count": {"2025": "3"},
        "platforms_other_count": {"2025": "2"},
        "standards_total": {"2025": "12"},
        # iip_penetration not reported: the rule says what is missing
        "co2_intensity": _years(2023, ["0.21", "0.20", "0.19"]),
    }
    return _dossier("上海市浦东新区集成电路设计产业集群", 2025, ind)


def dossiers() -> dict[str, list[tuple[int, str, dict[str, Any]]]]:
    """{cluster key: [(year, source label, dossier), …]} of the demo."""
    sensor = _good_indicators(2022)
    sensor["output_value"] = _years(2022, ["22.00", "25.00", "27.50"])
    sparse = {
        "output_value": _years(2022, ["41.00", "44.50", "49.80"]),
        "sme_output_share": {"2024": "66.00"},
    }
    return {
        "pd_ic": [
            (2024, f"2025年申报表{DEMO_LABEL}", pd_ic_application()),
            (2025, f"2025年度发展情况报告{DEMO_LABEL}", pd_ic_report()),
        ],
        "pd_bio": [
            (
                2024,
                f"2024年度发展情况报告{DEMO_LABEL}",
                _dossier("浦东生物医药创新产业集群", 2024, _good_indicators(2022)),
            )
        ],
        "jd_sensor": [(2024, f"2024年度发展情况报告{DEMO_LABEL}", _dossier("嘉定智能传感器产业集群", 2024, sensor))],
        "hp_fashion": [
            (
                2024,
                f"2024年度发展情况报告（部分填报）{DEMO_LABEL}",
                {"format": "clusterhub.dossier/1", "reference_year": 2024, "indicators": sparse, "sources": SOURCES},
            )
        ],
        "zj_xihu": [
            (
                2024,
                f"2024年度发展情况报告{DEMO_LABEL}",
                _dossier("杭州西湖数字安防产业集群", 2024, _good_indicators(2022, "0.3")),
            )
        ],
    }


def _extra_evaluators(world: DemoWorld) -> list[Any]:
    from apps.orgs import services as org_services
    from apps.orgs.models import Role, User

    org = world.orgs["evaluator"]
    out = []
    for i in range(2, 2 + EXTRA_EVALUATORS):
        username = f"demo_evaluator{i}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = org_services.user_create(
                actor=None,
                username=username,
                organisation=org,
                roles={Role.EVALUATOR},
                password=DEMO_PASSWORD,
                display_name=f"第三方评价人员{i}（演示）",
                must_change_password=False,
            )
        world.users[f"evaluator{i}"] = user
        world.logins.append(DemoLogin(username=username, role="、".join(user.role_labels()), organisation=org.name))
        out.append(user)
    return out


def _score(evaluation: Any, evaluator: Any, fraction: str) -> None:
    from apps.assessment import services
    from apps.assessment.scoring import get_rubric

    for item in get_rubric(evaluation.rubric_code).items():
        points = (item.max * Decimal(fraction)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        services.evaluation_score_save(
            actor=evaluator,
            evaluation=evaluation,
            item_code=item.code,
            points=str(points),
            comment=f"对照佐证材料评分（得分率 {Decimal(fraction) * 100:.0f}%，演示）",
        )
    services.evaluation_submit(actor=evaluator, evaluation=evaluation)


def seed_assessment(world: DemoWorld) -> None:
    from apps.assessment import services
    from apps.assessment.models import AssessmentRecord, ClusterDossier, ServiceEvaluation

    for key, rows in dossiers().items():
        cluster = world.clusters.get(key)
        if cluster is None:
            continue
        for year, label, data in rows:
            ClusterDossier.objects.get_or_create(
                cluster=cluster, year=year, source_label=label, defaults={"data": data, "created_by": None}
            )
    evaluators = _extra_evaluators(world)
    pd_ic, pd_bio = world.clusters["pd_ic"], world.clusters["pd_bio"]
    district, city = world.users["district"], world.users["city_staff"]
    if not AssessmentRecord.objects.filter(cluster=pd_ic, created_by=district).exists():
        record = services.assessment_run(
            actor=district, cluster=pd_ic, ruleset_id="sh-recognition-2025-v1", dossier_data=pd_ic_report()
        )
        services.judgment_record(
            actor=district,
            record=record,
            rule_id="sh.6.4.chain",
            decision="pass",
            comment="已查看产业链图谱和设备共享机制文件，符合（演示）。",
        )
    if not ServiceEvaluation.objects.filter(cluster=pd_ic, year=2024).exists():
        done = services.evaluation_create(
            actor=city, cluster=pd_ic, year=2024, rubric_code=RUBRIC, evaluators=evaluators
        )
        for evaluator, fraction in zip(evaluators, EVALUATOR_FRACTIONS, strict=True):
            _score(done, evaluator, fraction)
    if not ServiceEvaluation.objects.filter(cluster=pd_bio, year=2024).exists():
        open_one = services.evaluation_create(
            actor=city,
            cluster=pd_bio,
            year=2024,
            rubric_code=RUBRIC,
            evaluators=[world.users["evaluator"], evaluators[0]],
        )
        _score(open_one, evaluators[0], "0.82")


def delete_demo_assessment() -> None:
    """Remove the assessment rows of demo clusters (before the base world is deleted)."""
    from django.contrib.contenttypes.models import ContentType

    from apps.assessment.models import AssessmentRecord, ClusterDossier, ServiceEvaluation, StoredRuleSet
    from apps.orgs.models import Assignment

    evaluations = ServiceEvaluation.objects.filter(cluster__is_demo=True)
    Assignment.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceEvaluation), object_id__in=evaluations.values("pk")
    ).delete()
    evaluations.delete()
    AssessmentRecord.objects.filter(cluster__is_demo=True).delete()
    ClusterDossier.objects.filter(cluster__is_demo=True).delete()
    StoredRuleSet.objects.filter(authority__is_demo=True).delete()
