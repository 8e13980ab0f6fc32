"""Stored results (评估结果) and reviewers' judgments through the shared results include."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent
from tests.factories_assessment import assessment_record, dossier_data


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_district_reviewer_sees_every_rule_explained_with_a_judgment_form(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    html = _get(client, world.district, reverse("assessment:record_detail", args=[record.pk])).content.decode()
    for r in record.result["results"]:
        assert f'data-rule-id="{r["rule_id"]}"' in html
        assert r["legal_basis"]["wording"] in html
    judgment_items = record.judgment_items()
    assert judgment_items, "the base dossier has qualitative items"
    assert html.count('name="decision" value="pass"') == len(judgment_items)
    assert "总体结论：需人工判断" in html
    # the output rule shows its value, threshold, formula and the form field it was read from
    assert "40.00 亿元" in html and "≥ 30亿元" in html and "min(output_value[Y-2]" in html
    assert "申报数据 · " in html and "表单栏目" in html


def test_operator_sees_own_result_but_no_judgment_form_and_cannot_post_one(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    html = _get(client, world.operator, reverse("assessment:record_detail", args=[record.pk])).content.decode()
    assert "提交后由区、市审核人员" not in html  # a stored record: the items are pending
    assert "尚待审核人员判断" in html
    assert 'name="decision"' not in html
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.4.chain", "decision": "pass", "comment": "自行认定"},
    )
    assert response.status_code == 403
    assert not record.judgments.exists()


@pytest.mark.parametrize("role", ["nobody", "expert", "evaluator", "district_huangpu"])
def test_users_outside_the_clusters_scope_get_404_for_the_result_and_the_judgment(client, world, role) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    user = getattr(world, role)
    assert _get(client, user, reverse("assessment:record_detail", args=[record.pk])).status_code == 404
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.4.chain", "decision": "pass", "comment": "x"},
    )
    assert response.status_code == 404


def test_judgment_is_saved_audited_and_shown_with_the_verdict_after_judgments(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    client.force_login(world.city_staff)
    detail = reverse("assessment:record_detail", args=[record.pk])
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.4.chain", "decision": "fail", "comment": "未见产业链图谱佐证", "next": detail},
    )
    assert response.status_code == 302 and response["Location"] == f"{detail}#rule-sh.6.4.chain"
    assert record.judgments.get().decision == "fail"
    assert AuditEvent.objects.filter(action="assessment.judgment").count() == 1
    html = client.get(detail).content.decode()
    assert "未见产业链图谱佐证" in html and "认定不符合" in html
    assert "人工判断后：不符合" in html


def test_judgment_without_comment_is_refused_and_keeps_the_typing(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    client.force_login(world.district)
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.4.chain", "decision": "pass", "comment": "   "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写判断意见" in html
    assert re.search(r'value="pass" id="d-pass" checked', html)
    assert not record.judgments.exists()


def test_judgment_on_an_item_that_needs_no_judgment_is_refused_with_its_id(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    client.force_login(world.district)
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.2.output", "decision": "pass", "comment": "已核实"},
    )
    assert response.status_code == 400
    assert "条款“sh.6.2.output”不是需人工判断的条款" in response.content.decode()


def test_judgment_never_redirects_to_another_site(client, world) -> None:
    record = assessment_record(world.cluster_pudong, world.operator)
    client.force_login(world.district)
    response = client.post(
        reverse("assessment:judgment_record", args=[record.pk]),
        {"rule_id": "sh.6.4.chain", "decision": "pass", "comment": "齐全", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("assessment:record_detail", args=[record.pk]) + "#rule-sh.6.4.chain"


def test_missing_data_is_shown_with_what_is_missing(client, world) -> None:
    data = dossier_data({"sme_rd_expense": None})
    record = assessment_record(world.cluster_pudong, world.operator, data)
    html = _get(client, world.district, reverse("assessment:record_detail", args=[record.pk])).content.decode()
    assert 'data-rule-id="sh.6.5.rd_growth" data-status="missing"' in html
    assert "缺少“" in html and "资料不全" in html
