"""Dossier builders for assessment tests: a Shanghai dossier that meets every quantitative
threshold comfortably, with keyword overrides to move one value onto a boundary."""

from __future__ import annotations

import copy
from typing import Any

from apps.assessment.dossier import Dossier

BASE_DOSSIER: dict[str, Any] = {
    "format": "clusterhub.dossier/1",
    "reference_year": 2024,
    "indicators": {
        "area_km2": {"2024": "12.50"},
        "output_value": {"2022": "40.00", "2023": "46.00", "2024": "52.90"},
        "sme_output_share": {"2024": "62.00"},
        "leading_industry_output_share": {"2024": "72.00"},
        "single_champion_count": {"2024": "1"},
        "little_giant_count": {"2024": "3"},
        "specialised_sme_count": {"2024": "12"},
        "innovative_sme_count": {"2024": "8"},
        "national_high_tech_count": {"2024": "20"},
        "sme_rd_expense": {"2022": "20000.00", "2023": "22000.00", "2024": "24200.00"},
        "sme_invention_patents": {"2022": "100", "2023": "120", "2024": "144"},
        "sme_employees": {"2024": "8000"},
        "platforms_national_count": {"2024": "1"},
        "platforms_provincial_count": {"2024": "1"},
        "platforms_other_count": {"2024": "0"},
        "standards_total": {"2024": "4"},
        "iip_penetration": {"2024": "20.00"},
        "co2_intensity": {"2022": "0.40", "2023": "0.38", "2024": "0.35"},
    },
    "answers": {
        "no_major_incidents_3y": "是",
        "no_tax_or_credit_violations": "是",
        "leading_industry_not_prohibited": "是",
        "industrial_software_rising": "是",
        "energy_efficiency_above_benchmark": "不涉及",
        "water_efficiency_above_benchmark": "是",
        "industry_position": "本市细分领域前三",
        "chain_cultivation": ["绘制了产业链图谱"],
        "collaborative_innovation": ["组建了创新联合体"],
        "digital_services": ["开展了数字化共性解决方案开发和诊断等服务"],
        "green_work": ["开展了碳排放和碳足迹监测与核算等"],
        "international_cooperation": ["参加中国国际中小企业博览会等展会类活动"],
        "governance_work": ["建立了中小企业服务专员队伍"],
        "development_plan": "三年规划齐全",
    },
}


def dossier_data(indicators: dict[str, dict[str, Any]] | None = None, **answers: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE_DOSSIER)
    for code, series in (indicators or {}).items():
        if series is None:
            data["indicators"].pop(code, None)
        else:
            data["indicators"][code] = series
    data["answers"].update(answers)
    return data


def dossier(indicators: dict[str, dict[str, Any]] | None = None, **answers: Any) -> Dossier:
    return Dossier.from_dict(dossier_data(indicators, **answers))


# —— database objects ——————————————————————————————————————————————————————————————


def stored_dossier(
    cluster: Any, data: dict[str, Any] | None = None, *, year: int = 2024, label: str = "测试资料"
) -> Any:
    """A `ClusterDossier` of `cluster` (the latest one the self-check reads)."""
    from apps.assessment.models import ClusterDossier

    return ClusterDossier.objects.create(
        cluster=cluster, year=year, data=data if data is not None else dossier_data(), source_label=label
    )


def assessment_record(
    cluster: Any, actor: Any, data: dict[str, Any] | None = None, *, ruleset_id: str = "sh-recognition-2025-v1"
) -> Any:
    """A stored result of the day, made through the audited service."""
    from apps.assessment import services

    return services.assessment_run(
        actor=actor, cluster=cluster, ruleset_id=ruleset_id, dossier_data=data if data is not None else dossier_data()
    )


def stored_ruleset(actor: Any, *, source: str = "sh-recognition-2025-v1", year: int = 2026) -> Any:
    """A draft copy of a rule set owned by the actor's authority (through the audited service)."""
    from apps.assessment import services

    return services.ruleset_copy(actor=actor, source_id=source, year=year)


def service_evaluation(cluster: Any, actor: Any, evaluators: list[Any], *, year: int = 2024) -> Any:
    """A service evaluation of `cluster` assigned to `evaluators` (through the audited service)."""
    from apps.assessment import services

    return services.evaluation_create(
        actor=actor, cluster=cluster, year=year, rubric_code="sh-service-evaluation-2025", evaluators=evaluators
    )


def score_all(evaluation: Any, evaluator: Any, fraction: str = "0.9", *, submit: bool = True) -> None:
    """Score every rubric item at `fraction` of its maximum (two decimals) and optionally submit."""
    from decimal import ROUND_DOWN, Decimal

    from apps.assessment import services
    from apps.assessment.scoring import get_rubric

    for item in get_rubric(evaluation.rubric_code).items():
        points = (item.max * Decimal(fraction)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        services.evaluation_score_save(
            actor=evaluator, evaluation=evaluation, item_code=item.code, points=str(points), comment="见佐证材料"
        )
    if submit:
        services.evaluation_submit(actor=evaluator, evaluation=evaluation)


# —— access-matrix entries (tests/access_registry.py imports them) ————————————————————


def _record_of(w: Any, cluster: Any) -> Any:
    from apps.assessment.models import AssessmentRecord

    found = AssessmentRecord.objects.filter(cluster=cluster).first()
    actor = w.operator if cluster == w.cluster_pudong else w.province_zj_admin
    return found or assessment_record(cluster, actor)


def _draft_of(w: Any, zhejiang: bool = False) -> Any:
    from apps.assessment.models import StoredRuleSet

    actor = w.province_zj_admin if zhejiang else w.city_admin
    found = StoredRuleSet.objects.filter(authority=actor.organisation, status="draft").first()
    return found or stored_ruleset(
        actor, source="example-province-recognition-2024-v1" if zhejiang else "sh-recognition-2025-v1"
    )


def _evaluation_of(w: Any, cluster: Any) -> Any:
    from apps.assessment.models import ServiceEvaluation

    found = ServiceEvaluation.objects.filter(cluster=cluster).first()
    if found is not None:
        return found
    if cluster == w.cluster_pudong:
        return service_evaluation(cluster, w.city_admin, [w.evaluator])
    return service_evaluation(cluster, w.province_zj_admin, [zhejiang_evaluator(w)])


def zhejiang_evaluator(w: Any) -> Any:
    """A third-party evaluator working for Zhejiang (outside the world's Shanghai evaluator's tasks)."""
    from apps.orgs.models import OrgKind, Role, User
    from tests import factories as f

    found = User.objects.filter(username="evaluator_zj").first()
    if found is not None:
        return found
    org = f.OrganisationFactory(name="浙江某第三方评价机构", kind=OrgKind.EVALUATOR, parent=w.zhejiang)
    return f.user_with(org, Role.EVALUATOR, username="evaluator_zj")


def assessment_access_entries() -> dict[str, Any]:
    """Access entries of every assessment URL name (see tests/access_registry.py)."""
    from tests.access_registry import ADMINS, AUTHORITIES, CITY, EVERYONE, Access

    see_cluster = AUTHORITIES | {"operator"}
    cluster_in = lambda w: {"pk": w.cluster_pudong.pk}  # noqa: E731
    cluster_out = lambda w: {"pk": w.cluster_xihu.pk}  # noqa: E731
    file_code = lambda w: {"code": "sh-recognition-2025-v1"}  # noqa: E731
    draft_in = lambda w: {"code": _draft_of(w).code}  # noqa: E731
    draft_out = lambda w: {"code": _draft_of(w, zhejiang=True).code}  # noqa: E731
    ev_in = lambda w: {"pk": _evaluation_of(w, w.cluster_pudong).pk}  # noqa: E731
    ev_out = lambda w: {"pk": _evaluation_of(w, w.cluster_xihu).pk}  # noqa: E731
    not_authorities = EVERYONE - AUTHORITIES

    entries: dict[str, Any] = {}
    entries["assessment:index"] = Access(allowed=EVERYONE)
    entries["assessment:record_detail"] = Access(
        allowed=see_cluster,
        inside=lambda w: {"pk": _record_of(w, w.cluster_pudong).pk},
        outside=lambda w: {"pk": _record_of(w, w.cluster_xihu).pk},
    )
    entries["assessment:judgment_record"] = Access(
        allowed=AUTHORITIES,
        forbidden=frozenset({"operator"}),
        inside=lambda w: {"pk": _record_of(w, w.cluster_pudong).pk},
        outside=lambda w: {"pk": _record_of(w, w.cluster_xihu).pk},
        method="post",
        ok=frozenset({400}),
        data=lambda w: {"rule_id": "sh.6.4.chain", "decision": "pass", "comment": ""},
        notes="no comment: refused with the form kept (400); the operator sees the record but may not judge (403)",
    )
    entries["assessment:selfcheck"] = Access(allowed=see_cluster, inside=cluster_in, outside=cluster_out)
    entries["assessment:targets"] = Access(allowed=see_cluster, inside=cluster_in, outside=cluster_out)
    entries["assessment:selfcheck_save"] = Access(
        allowed=see_cluster,
        inside=cluster_in,
        outside=cluster_out,
        method="post",
        ok=frozenset({302}),
        data=lambda w: {"ruleset": "sh-recognition-2025-v1"},
        notes="the cluster has no data: sent back with a message, nothing stored",
    )
    # Rule sets: files are reference data every authority reads; database copies are scoped.
    entries["assessment:ruleset_list"] = Access(allowed=AUTHORITIES, forbidden=not_authorities)
    entries["assessment:ruleset_detail"] = Access(
        allowed=AUTHORITIES, forbidden=not_authorities, inside=file_code, outside=draft_out
    )
    entries["assessment:ruleset_preview"] = Access(
        allowed=ADMINS, forbidden=EVERYONE - ADMINS, inside=file_code, outside=draft_out
    )
    entries["assessment:ruleset_copy"] = Access(
        allowed=ADMINS,
        forbidden=EVERYONE - ADMINS,
        inside=file_code,
        outside=draft_out,
        method="post",
        ok=frozenset({400}),
        data=lambda w: {"year": ""},
        notes="no year: refused on the page with the typing kept",
    )
    entries["assessment:ruleset_edit"] = Access(
        allowed=ADMINS,
        forbidden=AUTHORITIES - ADMINS,
        inside=draft_in,
        outside=draft_out,
    )
    entries["assessment:ruleset_publish"] = Access(
        allowed=ADMINS,
        forbidden=AUTHORITIES - ADMINS,
        inside=draft_in,
        outside=draft_out,
        method="post",
        ok=frozenset({302}),
        notes="no revision: refused as a concurrent edit, sent back to the draft with a message",
    )
    # Service evaluation (服务评价)
    entries["assessment:evaluation_list"] = Access(allowed=EVERYONE)
    entries["assessment:evaluation_create"] = Access(allowed=CITY, forbidden=EVERYONE - CITY)
    entries["assessment:grade_bands"] = Access(allowed=ADMINS, forbidden=EVERYONE - ADMINS)
    entries["assessment:evaluation_detail"] = Access(
        allowed=AUTHORITIES,
        forbidden=frozenset({"operator", "evaluator"}),
        inside=ev_in,
        outside=ev_out,
        notes="the assigned evaluator sees the aggregate only after submitting (403 before)",
    )
    entries["assessment:evaluation_score"] = Access(
        allowed=frozenset({"evaluator"}),
        forbidden=AUTHORITIES | {"operator"},
        inside=ev_in,
        outside=ev_out,
    )
    return entries
