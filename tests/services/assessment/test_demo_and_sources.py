"""The assessment demo data and where the self-check's dossier comes from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.assessment import sources
from apps.assessment.demo import delete_demo_assessment, seed_assessment
from apps.assessment.dossier import Dossier
from apps.assessment.engine import assess
from apps.assessment.models import AssessmentRecord, ClusterDossier, EvaluationScore, ServiceEvaluation
from apps.assessment.services import evaluation_summary
from apps.assessment.sources import SourcedDossier
from apps.orgs.selectors import assigned_ids
from tests.factories_assessment import dossier_data, stored_dossier


@pytest.fixture
def demo(db):
    from apps.core.demo_world import build_world

    world = build_world()
    seed_assessment(world)
    return world


def test_demo_self_check_of_the_operators_cluster_shows_every_kind_of_verdict(demo) -> None:
    found = sources.latest_dossier(demo.clusters["pd_ic"])
    assert found is not None and "2025年度发展情况报告" in found.label
    result = assess("sh-recognition-2025-v1", found.dossier)
    statuses = {r.rule_id: r.status for r in result.results}
    assert statuses["sh.6.5.rd_growth"] == "fail"
    assert statuses["sh.6.2.leading_share"] == "judgment"
    assert statuses["sh.6.6.iip"] == "missing"
    assert statuses["sh.6.2.output"] == "pass"
    assert result.verdict == "fails"


def test_demo_has_a_judged_result_a_scored_evaluation_and_one_for_the_demo_evaluator(demo) -> None:
    record = AssessmentRecord.objects.get(cluster=demo.clusters["pd_ic"])
    assert record.judgments.get().rule_id == "sh.6.4.chain"
    scored = ServiceEvaluation.objects.get(cluster=demo.clusters["pd_ic"])
    summary = evaluation_summary(scored)
    assert summary["evaluators_finished"] == 5 and "去掉一个最高分" in summary["method"]
    assert summary["grade"] == "良好" and summary["may_apply_for_fund"]
    open_one = ServiceEvaluation.objects.get(cluster=demo.clusters["pd_bio"])
    ids = {row["object_id"] for row in assigned_ids(demo.users["evaluator"], ServiceEvaluation, "service_evaluation")}
    assert ids == {open_one.pk}
    assert not EvaluationScore.objects.filter(evaluation=open_one, evaluator=demo.users["evaluator"]).exists()


def test_demo_seeding_is_idempotent_and_its_reset_removes_every_row(demo) -> None:
    counts = (ClusterDossier.objects.count(), AssessmentRecord.objects.count(), EvaluationScore.objects.count())
    seed_assessment(demo)
    assert (ClusterDossier.objects.count(), AssessmentRecord.objects.count(), EvaluationScore.objects.count()) == counts
    delete_demo_assessment()
    assert not ClusterDossier.objects.exists() and not ServiceEvaluation.objects.exists()
    assert not AssessmentRecord.objects.exists()


def test_a_registered_source_answers_before_stored_dossiers(world) -> None:
    stored_dossier(world.cluster_pudong, label="导入资料")
    data = dossier_data({"area_km2": {"2024": "120.00"}})

    def filed(cluster):
        if cluster == world.cluster_pudong:
            return SourcedDossier(Dossier.from_dict(data), data, "2025年度《申报表》（已提交）")
        return None

    sources.register_source(filed)
    try:
        found = sources.latest_dossier(world.cluster_pudong)
        assert found is not None and found.label == "2025年度《申报表》（已提交）"
        assert found.dossier.indicators["area_km2"][2024] == Decimal("120.00")
        assert sources.latest_dossier(world.cluster_huangpu) is None
        assert [h.label for h in sources.dossier_history(world.cluster_pudong)] == [
            "导入资料（2024年）",
            "2025年度《申报表》（已提交）",
        ]
    finally:
        sources._sources.remove(filed)


def test_enterprise_list_alone_makes_a_dossier_and_missing_rules_say_what_is_missing(world) -> None:
    from tests.factories_enterprises import FirmYearFactory

    FirmYearFactory(cluster=world.cluster_huangpu, year=2024)
    found = sources.latest_dossier(world.cluster_huangpu)
    assert found is not None and found.label.startswith("企业库汇总")
    assert found.dossier.indicators["firm_count"][2024] == Decimal(1)
    result = assess("sh-recognition-2025-v1", found.dossier)
    output = next(r for r in result.results if r.rule_id == "sh.6.2.output")
    assert output.status == "missing" and any("2022" in m for m in output.missing)


def test_bulk_lookup_for_the_preview_gives_the_same_dossiers_as_one_by_one(world) -> None:
    from tests.factories_enterprises import FirmYearFactory

    stored_dossier(world.cluster_pudong, dossier_data({"sme_employees": None}), year=2023, label="旧资料")
    stored_dossier(world.cluster_pudong, dossier_data({"sme_employees": None}), year=2024, label="新资料")
    FirmYearFactory(cluster=world.cluster_pudong, year=2024)
    FirmYearFactory(cluster=world.cluster_huangpu, year=2023)
    clusters = [world.cluster_pudong, world.cluster_huangpu, world.cluster_xihu]
    bulk = sources.latest_dossiers(clusters)
    for cluster in clusters:
        one = sources.latest_dossier(cluster)
        many = bulk[cluster.pk]
        assert (one is None) == (many is None)
        if one is not None and many is not None:
            assert (one.label, one.data) == (many.label, many.data)
    assert bulk[world.cluster_xihu.pk] is None
    assert bulk[world.cluster_pudong.pk].label.startswith("新资料（2024年）；未填报的")
