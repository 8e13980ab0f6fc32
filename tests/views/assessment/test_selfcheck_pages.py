"""Self-check (认定条件自查) and targets-against-actuals pages of a cluster."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.assessment.models import AssessmentRecord
from apps.core.models import AuditEvent
from tests.factories_assessment import dossier_data, stored_dossier
from tests.factories_enterprises import FirmYearFactory


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("role", ["operator", "district", "city_staff", "city_admin", "ministry_user"])
def test_operator_district_and_city_see_the_self_check_with_every_rule_explained(client, world, role) -> None:
    stored_dossier(world.cluster_pudong, dossier_data(), label="2025年申报表")
    response = _get(client, getattr(world, role), reverse("assessment:selfcheck", args=[world.cluster_pudong.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    result = response.context["result"]
    assert len(result.results) == 27
    for r in result.results:
        assert f'data-rule-id="{r.rule_id}"' in html
        assert r.explanation.split("（")[0][:20] in html
    assert "2025年申报表（2024年）" in html
    assert "总体结论：需人工判断" in html


@pytest.mark.parametrize("role", ["nobody", "expert", "evaluator", "district_huangpu", "operator_huangpu"])
def test_users_outside_the_cluster_get_404_for_self_check_save_and_targets(client, world, role) -> None:
    stored_dossier(world.cluster_pudong)
    user = getattr(world, role)
    pk = world.cluster_pudong.pk
    assert _get(client, user, reverse("assessment:selfcheck", args=[pk])).status_code == 404
    assert _get(client, user, reverse("assessment:targets", args=[pk])).status_code == 404
    response = client.post(reverse("assessment:selfcheck_save", args=[pk]), {"ruleset": "sh-recognition-2025-v1"})
    assert response.status_code == 404
    assert not AssessmentRecord.objects.exists()


def test_shanghai_city_cannot_open_a_zhejiang_cluster(client, world) -> None:
    url = reverse("assessment:selfcheck", args=[world.cluster_xihu.pk])
    assert _get(client, world.city_admin, url).status_code == 404


def test_the_chosen_rule_set_is_used_and_an_unverified_one_is_flagged(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    url = reverse("assessment:selfcheck", args=[world.cluster_pudong.pk])
    response = _get(client, world.district, url, ruleset="national-recognition-2022-v1")
    assert response.context["ruleset"].id == "national-recognition-2022-v1"
    html = response.content.decode()
    assert "规则集依据待核实" in html and "条文原文待核实" in html
    # national thresholds: 52.90 / 40.00 亿元 passes 40, SME share 62 % fails 70 %
    statuses = {r.rule_id: r.status for r in response.context["result"].results}
    assert statuses["nat.output"] == "pass" and statuses["nat.sme_share"] == "fail"


def test_an_unknown_rule_set_falls_back_to_the_clusters_own_with_a_message(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    url = reverse("assessment:selfcheck", args=[world.cluster_pudong.pk])
    response = _get(client, world.operator, url, ruleset="no-such-set")
    assert response.context["ruleset"].id == "sh-recognition-2025-v1"
    assert "所选规则集不存在或不适用于本集群" in response.content.decode()


def test_zhejiang_cluster_defaults_to_a_rule_set_other_than_shanghais_when_its_region_has_none(client, world) -> None:
    stored_dossier(world.cluster_xihu)
    url = reverse("assessment:selfcheck", args=[world.cluster_xihu.pk])
    response = _get(client, world.province_zj_admin, url)
    assert response.status_code == 200
    # no Zhejiang set exists: the first published recognition set is used, and it can be changed
    assert response.context["ruleset"].kind == "recognition"
    assert "example-province-recognition-2024-v1" in response.content.decode()


def test_a_cluster_without_any_data_says_so_and_saving_stores_nothing(client, world) -> None:
    url = reverse("assessment:selfcheck", args=[world.cluster_pudong.pk])
    html = _get(client, world.operator, url).content.decode()
    assert "本集群尚无可评估的资料" in html
    response = client.post(reverse("assessment:selfcheck_save", args=[world.cluster_pudong.pk]), follow=True)
    assert "未保存评估结果" in response.content.decode()
    assert not AssessmentRecord.objects.exists()


def test_enterprise_list_totals_fill_an_indicator_the_dossier_does_not_give(client, world) -> None:
    stored_dossier(world.cluster_pudong, dossier_data({"sme_employees": None}))
    for _ in range(3):
        FirmYearFactory(cluster=world.cluster_pudong, year=2024, employees=120, invention_patents=5)
    response = _get(client, world.district, reverse("assessment:selfcheck", args=[world.cluster_pudong.pk]))
    rule = next(r for r in response.context["result"].results if r.rule_id == "sh.6.5.patents_per_10k")
    employees = next(i for i in rule.inputs if i.code == "sme_employees")
    assert employees.value == "360" and employees.source.startswith("企业名单（企业库）汇总")
    # declared values win over the list: the dossier's 144 patents are used, not the list's 15
    patents = next(i for i in rule.inputs if i.code == "sme_invention_patents")
    assert patents.value == "144"
    assert rule.value == "4000.00"
    html = response.content.decode()
    assert "未填报的" in html and "企业名单（企业库）汇总" in html


def test_saving_the_self_check_stores_the_result_of_the_day_and_is_audited(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    client.force_login(world.operator)
    response = client.post(
        reverse("assessment:selfcheck_save", args=[world.cluster_pudong.pk]), {"ruleset": "sh-recognition-2025-v1"}
    )
    record = AssessmentRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:record_detail", args=[record.pk])
    assert record.ruleset_code == "sh-recognition-2025-v1" and record.dossier["indicators"]["area_km2"]
    assert AuditEvent.objects.filter(action="assessment.run", object_id=str(record.pk)).exists()
    page = client.get(reverse("assessment:selfcheck", args=[world.cluster_pudong.pk])).content.decode()
    assert reverse("assessment:record_detail", args=[record.pk]) in page


def test_saving_with_a_rule_set_that_does_not_apply_is_refused(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    client.force_login(world.operator)
    response = client.post(
        reverse("assessment:selfcheck_save", args=[world.cluster_pudong.pk]), {"ruleset": "made-up"}, follow=True
    )
    assert "所选规则集不存在或不适用于本集群，未保存评估结果" in response.content.decode()
    assert not AssessmentRecord.objects.exists()


def _plan_and_report(world) -> None:
    plan = dossier_data()
    plan["indicators"]["quality_firm_count"] = {"2024": "24"}
    plan["targets"] = {
        "baseline_year": 2024,
        "final_year": 2026,
        "values": {"quality_firm_count": {"2025": "30", "2026": "34"}, "co2_intensity": {"2025": "0.33"}},
    }
    stored_dossier(world.cluster_pudong, plan, year=2024, label="2025年申报表")
    report = {
        "format": "clusterhub.dossier/1",
        "indicators": {"quality_firm_count": {"2025": "27"}, "co2_intensity": {"2025": "0.32"}},
    }
    stored_dossier(world.cluster_pudong, report, year=2025, label="2025年度发展情况报告")


def test_targets_page_shows_completion_per_indicator_and_year(client, world) -> None:
    _plan_and_report(world)
    response = _get(client, world.city_staff, reverse("assessment:targets", args=[world.cluster_pudong.pk]))
    assert response.status_code == 200
    indicators = response.context["indicators"]
    quality = indicators["quality_firm_count"]
    assert [c["row"].status if c else None for c in quality["cells"]] == ["off_track", "missing"]
    assert quality["cells"][0]["row"].completion_pct == Decimal("50.00")
    assert quality["overall"] == "off_track"
    assert indicators["co2_intensity"]["overall"] == "on_track"
    assert response.context["counts"] == {"on_track": 1, "off_track": 1, "missing": 0, "not_due": 1}
    html = response.content.decode()
    assert "未到期" in html and "2025年申报表（2024年）" in html
    prefill = {p["code"]: p["actual"] for p in response.context["prefill"]}
    assert prefill == {"co2_intensity": "0.32", "quality_firm_count": "27"}


def test_targets_page_without_an_application_says_there_are_no_targets(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    html = _get(client, world.operator, reverse("assessment:targets", args=[world.cluster_pudong.pk])).content
    assert "本集群尚无设定发展目标的申报资料" in html.decode()
