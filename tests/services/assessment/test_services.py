"""Assessment services: stored results, reviewer judgments, rule-set copy/edit/publish, scoring."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.assessment import services
from apps.assessment.models import ClusterDossier, ServiceEvaluation
from apps.assessment.rulesets import get_ruleset
from apps.assessment.scoring import aggregate, get_rubric, grade_for, may_apply_for_fund
from apps.assessment.targets import completion, prefill_rereview_completion
from apps.core.errors import AccessDenied, ConcurrentEdit, ServiceError
from apps.core.models import AuditEvent
from apps.orgs.models import Assignment
from tests.factories_assessment import dossier, dossier_data

EXAMPLE = Path(__file__).resolve().parents[3] / "data" / "examples" / "dossier_example.json"


def test_operator_self_check_is_stored_with_the_result_of_the_day(world) -> None:
    record = services.assessment_run(
        actor=world.operator,
        cluster=world.cluster_pudong,
        ruleset_id="sh-recognition-2025-v1",
        dossier_data=dossier_data(),
    )
    assert record.verdict == "judgment"
    assert record.result["ruleset"]["hash"] == get_ruleset("sh-recognition-2025-v1").content_hash
    assert AuditEvent.objects.filter(action="assessment.run", object_id=str(record.pk)).exists()


def test_nobody_without_role_cannot_run_an_assessment(world) -> None:
    with pytest.raises(AccessDenied):
        services.assessment_run(
            actor=world.expert,
            cluster=world.cluster_pudong,
            ruleset_id="sh-recognition-2025-v1",
            dossier_data=dossier_data(),
        )


def test_reviewer_judgment_changes_the_verdict_and_is_audited(world) -> None:
    record = services.assessment_run(
        actor=world.district,
        cluster=world.cluster_pudong,
        ruleset_id="sh-recognition-2025-v1",
        dossier_data=dossier_data(),
    )
    for item in record.judgment_items():
        services.judgment_record(
            actor=world.district, record=record, rule_id=item["rule_id"], decision="pass", comment="佐证材料齐全"
        )
    assert record.verdict_after_judgments() == "meets"
    assert AuditEvent.objects.filter(action="assessment.judgment").count() == len(record.judgment_items())


def test_judgment_needs_a_comment_and_a_judgment_item(world) -> None:
    record = services.assessment_run(
        actor=world.district,
        cluster=world.cluster_pudong,
        ruleset_id="sh-recognition-2025-v1",
        dossier_data=dossier_data(),
    )
    with pytest.raises(ServiceError, match="判断意见"):
        services.judgment_record(
            actor=world.district, record=record, rule_id="sh.6.4.chain", decision="pass", comment=" "
        )
    with pytest.raises(ServiceError, match="不是需人工判断"):
        services.judgment_record(
            actor=world.district, record=record, rule_id="sh.6.2.output", decision="pass", comment="x"
        )
    with pytest.raises(AccessDenied):
        services.judgment_record(
            actor=world.operator, record=record, rule_id="sh.6.4.chain", decision="pass", comment="x"
        )


def test_city_admin_copies_edits_and_publishes_a_rule_set_which_is_then_frozen(world) -> None:
    stored = services.ruleset_copy(actor=world.city_admin, source_id="sh-recognition-2025-v1", year=2026)
    assert stored.status == "draft"
    stored = services.ruleset_update_rule(
        actor=world.city_admin, stored=stored, rule_id="sh.6.2.output", revision=stored.revision, threshold="35"
    )
    with pytest.raises(ConcurrentEdit):
        services.ruleset_update_rule(
            actor=world.city_admin, stored=stored, rule_id="sh.6.2.output", revision=1, threshold="36"
        )
    rs = get_ruleset(stored.code)
    assert rs.rule("sh.6.2.output").check["threshold"] == "35"
    stored = services.ruleset_publish(actor=world.city_admin, stored=stored, revision=stored.revision)
    with pytest.raises(AccessDenied, match="已发布"):
        services.ruleset_update_rule(
            actor=world.city_admin, stored=stored, rule_id="sh.6.2.output", revision=stored.revision, threshold="20"
        )
    # tampering with the stored content behind the service's back is detected
    stored.content["rules"][0]["title"] = "改过"
    stored.save()
    with pytest.raises(Exception, match="哈希不符"):
        get_ruleset(stored.code)


def test_city_staff_without_admin_role_cannot_copy_rule_sets(world) -> None:
    with pytest.raises(AccessDenied):
        services.ruleset_copy(actor=world.city_staff, source_id="sh-recognition-2025-v1", year=2026)


def test_preview_counts_clusters_passing_each_rule_from_latest_dossiers(world) -> None:
    ClusterDossier.objects.create(cluster=world.cluster_pudong, year=2024, data=dossier_data(), source_label="测试")
    failing = dossier_data({"output_value": {"2022": "20.00", "2023": "21.00", "2024": "22.00"}})
    ClusterDossier.objects.create(cluster=world.cluster_huangpu, year=2024, data=failing, source_label="测试")
    preview = services.ruleset_preview(
        get_ruleset("sh-recognition-2025-v1"), [world.cluster_pudong, world.cluster_huangpu, world.cluster_xihu]
    )
    assert preview["assessed"] == 2 and preview["without_dossier"] == 1
    assert preview["counts"]["sh.6.2.output"]["pass"] == 1
    assert preview["counts"]["sh.6.2.output"]["fail"] == 1


def test_targets_against_actuals_and_prefilled_completion_column() -> None:
    plan = dossier_data()
    plan["targets"] = {
        "baseline_year": 2024,
        "values": {"quality_firm_count": {"2025": "30", "2026": "34"}, "co2_intensity": {"2025": "0.33"}},
    }
    plan["indicators"]["quality_firm_count"] = {"2024": "24"}
    actual = dossier_data({"quality_firm_count": {"2025": "27"}, "co2_intensity": {"2025": "0.32"}})
    from apps.assessment.dossier import Dossier

    rows = completion(Dossier.from_dict(plan), Dossier.from_dict(actual))
    q2025 = next(r for r in rows if r.code == "quality_firm_count" and r.year == 2025)
    assert q2025.status == "off_track" and q2025.completion_pct == Decimal("50.00")
    assert next(r for r in rows if r.code == "co2_intensity").status == "on_track"
    assert next(r for r in rows if r.year == 2026).status == "missing"
    pre = prefill_rereview_completion(Dossier.from_dict(plan), Dossier.from_dict(actual), 2025)
    assert {r["code"]: r["actual_2025"] for r in pre} == {"co2_intensity": "0.32", "quality_firm_count": "27"}


def test_rubric_sections_match_the_form_and_aggregation_trims_with_five_evaluators() -> None:
    rubric = get_rubric("sh-service-evaluation-2025")
    assert [(s.title, s.max) for s in rubric.sections] == [
        ("规范化服务", 10),
        ("特色化服务", 40),
        ("专业化服务", 30),
        ("服务评价", 20),
        ("附加分", 20),
    ]
    assert aggregate([Decimal(80), Decimal(90)])[0] == Decimal("85.00")
    score, method = aggregate([Decimal(x) for x in (60, 80, 82, 84, 100)])
    assert score == Decimal("82.00") and "最高分" in method
    bands = list(rubric.default_bands)
    assert grade_for(Decimal("80"), bands) == "良好" and grade_for(Decimal("79.99"), bands) == "合格"
    assert may_apply_for_fund("良好", bands, "良好") and may_apply_for_fund("优秀", bands, "良好")
    assert not may_apply_for_fund("合格", bands, "良好")


def test_only_assigned_evaluator_scores_within_item_maximum(world) -> None:
    ev = ServiceEvaluation.objects.create(
        cluster=world.cluster_pudong, year=2024, rubric_code="sh-service-evaluation-2025", created_by=world.city_admin
    )
    Assignment.objects.create(
        user=world.evaluator,
        content_type=ContentType.objects.get_for_model(ev),
        object_id=ev.pk,
        purpose="service_evaluation",
    )
    services.evaluation_score_save(
        actor=world.evaluator, evaluation=ev, item_code="policy_review", points="2", comment="编印政策汇编"
    )
    with pytest.raises(ServiceError, match="0 至 2"):
        services.evaluation_score_save(
            actor=world.evaluator, evaluation=ev, item_code="policy_review", points="2.5", comment=""
        )
    with pytest.raises(AccessDenied):
        services.evaluation_score_save(
            actor=world.city_staff, evaluation=ev, item_code="policy_review", points="1", comment=""
        )
    from apps.assessment.selectors import evaluations_visible_to

    assert list(evaluations_visible_to(world.evaluator)) == [ev]
    assert not evaluations_visible_to(world.nobody).exists()


def test_example_dossier_from_docs_evaluates_through_command(capsys) -> None:
    from django.core.management import call_command

    call_command("assess", "--ruleset", "sh-recognition-2025-v1", "--input", str(EXAMPLE))
    out = json.loads(capsys.readouterr().out)
    assert out["verdict_label"] == "需人工判断"
    assert {r["status"] for r in out["results"]} <= {"pass", "judgment"}
    assert all(r["legal_basis"]["wording"] for r in out["results"])


def test_api_assess_returns_the_same_json_and_refuses_anonymous(world, client) -> None:
    body = {"ruleset": "sh-recognition-2025-v1", "dossier": json.loads(EXAMPLE.read_text(encoding="utf-8"))}
    assert client.post("/api/assessment/assess", body, content_type="application/json").status_code == 401
    client.force_login(world.nobody)
    resp = client.post("/api/assessment/assess", body, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verdict_label"] == "需人工判断"
    bad = {"ruleset": "sh-recognition-2025-v1", "dossier": {"indicators": {"output_value": {"2024": "abc"}}}}
    resp = client.post("/api/assessment/assess", bad, content_type="application/json")
    assert resp.status_code == 422 and "output_value" in resp.json()["detail"]
    assert dossier() is not None
