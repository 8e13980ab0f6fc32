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


# —— access-matrix entries (tests/access_registry.py imports them) ————————————————————


def _record_of(w: Any, cluster: Any) -> Any:
    from apps.assessment.models import AssessmentRecord

    found = AssessmentRecord.objects.filter(cluster=cluster).first()
    actor = w.operator if cluster == w.cluster_pudong else w.province_zj_admin
    return found or assessment_record(cluster, actor)


def assessment_access_entries() -> dict[str, Any]:
    """Access entries of every assessment URL name (see tests/access_registry.py)."""
    from tests.access_registry import AUTHORITIES, Access

    entries: dict[str, Any] = {}
    entries["assessment:record_detail"] = Access(
        allowed=AUTHORITIES | {"operator"},
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
    return entries
