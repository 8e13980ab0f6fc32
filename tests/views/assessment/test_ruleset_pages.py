"""Rule-set editor (规则集): list, view, copy, edit a draft, preview, publish — and refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.assessment.models import StoredRuleSet
from apps.assessment.rulesets import get_ruleset
from apps.core.models import AuditEvent
from tests.factories_assessment import dossier_data, stored_dossier, stored_ruleset

SH = "sh-recognition-2025-v1"


def _as(client, user):
    client.force_login(user)
    return client


def _edit(client, stored, rule_id, **fields):
    data = {"rule_id": rule_id, "revision": str(stored.revision), **fields}
    return client.post(reverse("assessment:ruleset_edit", args=[stored.code]), data)


@pytest.mark.parametrize("role", ["district", "city_staff", "city_admin", "ministry_user"])
def test_authorities_list_file_rule_sets_with_their_verification_status(client, world, role) -> None:
    html = _as(client, getattr(world, role)).get(reverse("assessment:ruleset_list")).content.decode()
    assert SH in html and "national-recognition-2022-v1" in html
    assert "待核实" in html and "已核对原文" in html


@pytest.mark.parametrize("role", ["operator", "expert", "evaluator", "nobody"])
def test_users_who_are_not_authorities_are_refused_the_rule_set_pages(client, world, role) -> None:
    c = _as(client, getattr(world, role))
    response = c.get(reverse("assessment:ruleset_list"))
    assert response.status_code == 403 and "规则集仅供各级主管部门查阅" in response.content.decode()
    assert c.get(reverse("assessment:ruleset_detail", args=[SH])).status_code == 403


def test_a_rule_set_shows_every_rule_with_basis_expression_comparison_severity_and_missing_behaviour(
    client, world
) -> None:
    response = _as(client, world.district).get(reverse("assessment:ruleset_detail", args=[SH]))
    html = response.content.decode()
    ruleset = get_ruleset(SH)
    for rule in ruleset.rules:
        assert f'data-rule-id="{rule.id}"' in html
        assert rule.legal_basis["wording"] in html
    assert "min(output_value[Y-2], output_value[Y-1], output_value[Y])" in html
    assert "“以上”：≥ 30亿元（含本数）" in html
    assert "一般要求（超出给予提示）" in html and "需人工判断" in html
    assert "缺少任一输入数据时为“资料不全”" in html
    assert "高于 50%" in html  # the form footnote is shown beside the regulation
    # a district reviewer may read but not copy or preview
    assert "复制为新年度草稿" not in html and "预览本辖区" not in html


def test_unverified_rule_set_shows_its_status_and_missing_wording(client, world) -> None:
    html = _as(client, world.city_admin).get(
        reverse("assessment:ruleset_detail", args=["national-recognition-2022-v1"])
    )
    text = html.content.decode()
    assert 'data-testid="verification">待核实' in text and "条文原文待核实" in text


def test_city_admin_copies_a_rule_set_to_a_new_year_as_a_draft(client, world) -> None:
    c = _as(client, world.city_admin)
    response = c.post(reverse("assessment:ruleset_copy", args=[SH]), {"year": "2026"})
    stored = StoredRuleSet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:ruleset_edit", args=[stored.code]
    )
    assert stored.year == 2026 and stored.status == "draft" and stored.copied_from == SH
    assert AuditEvent.objects.filter(action="ruleset.copy").exists()
    listed = c.get(reverse("assessment:ruleset_list")).content.decode()
    assert stored.code in listed and "草稿" in listed


def test_copy_with_an_invalid_year_keeps_the_typing_and_names_the_problem(client, world) -> None:
    response = _as(client, world.city_admin).post(reverse("assessment:ruleset_copy", args=[SH]), {"year": "二〇二六"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "复制到的年度“二〇二六”无效" in html and 'value="二〇二六"' in html
    assert not StoredRuleSet.objects.exists()


def test_city_staff_without_the_admin_role_may_read_but_not_copy(client, world) -> None:
    c = _as(client, world.city_staff)
    assert c.get(reverse("assessment:ruleset_detail", args=[SH])).status_code == 200
    assert c.post(reverse("assessment:ruleset_copy", args=[SH]), {"year": "2026"}).status_code == 403
    assert c.get(reverse("assessment:ruleset_preview", args=[SH])).status_code == 403
    assert not StoredRuleSet.objects.exists()


def test_admin_edits_a_threshold_and_wording_of_a_draft(client, world) -> None:
    stored = stored_ruleset(world.city_admin)
    c = _as(client, world.city_admin)
    response = _edit(
        c, stored, "sh.6.2.output", title="近三年产值均在35亿元以上", threshold="35", wording="近三年产值均在35亿元以上"
    )
    assert response.status_code == 302
    rule = get_ruleset(stored.code).rule("sh.6.2.output")
    assert rule.check["threshold"] == "35" and rule.legal_basis["wording"] == "近三年产值均在35亿元以上"
    assert AuditEvent.objects.filter(action="ruleset.update").exists()


def test_wording_without_its_comparison_word_is_refused_naming_rule_and_field_and_keeps_typing(client, world) -> None:
    stored = stored_ruleset(world.city_admin)
    c = _as(client, world.city_admin)
    typed = "近三年产值均不低于30亿元"
    response = _edit(c, stored, "sh.6.2.output", title="近三年产值均在30亿元以上", threshold="30", wording=typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "规则“近三年产值均在30亿元以上”（sh.6.2.output）的依据原文：比较用语“以上”未出现在原文中" in html
    assert typed in html and "is-invalid" in html
    assert get_ruleset(stored.code).rule("sh.6.2.output").legal_basis["wording"] == "近三年产值均在30亿元以上"


def test_a_threshold_that_is_not_a_number_is_refused_naming_rule_and_field(client, world) -> None:
    stored = stored_ruleset(world.city_admin)
    response = _edit(
        _as(client, world.city_admin),
        stored,
        "sh.6.2.sme_share",
        title="中小企业产值占集群总产值50%以上",
        threshold="五十",
        wording="中小企业产值占集群总产值50%以上",
    )
    assert response.status_code == 400
    assert (
        "规则“中小企业产值占集群总产值50%以上”（sh.6.2.sme_share）的阈值：“五十”不是有效数值"
        in response.content.decode()
    )
    assert 'value="五十"' in response.content.decode()


def test_a_stale_revision_is_refused_as_a_concurrent_edit_and_keeps_typing(client, world) -> None:
    stored = stored_ruleset(world.city_admin)
    c = _as(client, world.city_admin)
    assert (
        _edit(
            c,
            stored,
            "sh.6.2.area",
            title="占地面积一般不超过120平方公里",
            threshold="120",
            wording="占地面积一般不超过 120 平方公里",
        ).status_code
        == 302
    )
    response = _edit(
        c, stored, "sh.6.2.area", title="旧页面的修改", threshold="90", wording="占地面积一般不超过 90 平方公里"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改" in html and "旧页面的修改" in html
    assert get_ruleset(stored.code).rule("sh.6.2.area").check["threshold"] == "120"


def test_publishing_freezes_the_rule_set_and_later_edits_are_refused_with_a_clear_message(client, world) -> None:
    stored = stored_ruleset(world.city_admin)
    c = _as(client, world.city_admin)
    response = c.post(reverse("assessment:ruleset_publish", args=[stored.code]), {"revision": str(stored.revision)})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.status == "published" and stored.content_hash
    page = c.get(reverse("assessment:ruleset_edit", args=[stored.code]))
    assert page.status_code == 403 and "规则集已发布，不可修改；如需调整请复制为新版本" in page.content.decode()
    refused = _edit(c, stored, "sh.6.2.output", title="改", threshold="1", wording="近三年产值均在1亿元以上")
    assert refused.status_code == 403
    stored.refresh_from_db()
    assert get_ruleset(stored.code).rule("sh.6.2.output").check["threshold"] == "30"
    again = c.post(reverse("assessment:ruleset_publish", args=[stored.code]), {"revision": str(stored.revision)})
    assert again.status_code == 403


def test_a_file_rule_set_cannot_be_edited_in_the_browser(client, world) -> None:
    response = _as(client, world.city_admin).get(reverse("assessment:ruleset_edit", args=[SH]))
    assert response.status_code == 403 and "规则集文件已发布，不可修改" in response.content.decode()


def test_zhejiang_admin_does_not_see_a_shanghai_draft_and_shanghai_does_not_see_zhejiangs(client, world) -> None:
    sh_draft = stored_ruleset(world.city_admin)
    zj_draft = stored_ruleset(world.province_zj_admin, source="example-province-recognition-2024-v1", year=2025)
    zj = _as(client, world.province_zj_admin)
    assert zj.get(reverse("assessment:ruleset_detail", args=[sh_draft.code])).status_code == 404
    assert zj.get(reverse("assessment:ruleset_edit", args=[zj_draft.code])).status_code == 200
    sh = _as(client, world.city_admin)
    assert sh.get(reverse("assessment:ruleset_edit", args=[zj_draft.code])).status_code == 404
    assert zj_draft.code not in sh.get(reverse("assessment:ruleset_list")).content.decode()


def test_district_sees_the_citys_draft_but_may_not_edit_it(client, world) -> None:
    draft = stored_ruleset(world.city_admin)
    c = _as(client, world.district)
    assert c.get(reverse("assessment:ruleset_detail", args=[draft.code])).status_code == 200
    assert c.get(reverse("assessment:ruleset_edit", args=[draft.code])).status_code == 403


def test_preview_counts_the_admins_current_clusters_passing_each_rule(client, world) -> None:
    stored_dossier(world.cluster_pudong)
    stored_dossier(world.cluster_huangpu, dossier_data({"output_value": {"2022": "20", "2023": "21", "2024": "22"}}))
    stored_dossier(world.cluster_xihu)  # Zhejiang: not in the Shanghai admin's jurisdiction
    draft = stored_ruleset(world.city_admin)
    response = _as(client, world.city_admin).get(reverse("assessment:ruleset_preview", args=[draft.code]))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["assessed"] == 2 and preview["without_dossier"] == 0
    assert preview["counts"]["sh.6.2.output"] == {"pass": 1, "fail": 1, "warning": 0, "judgment": 0, "missing": 0}
    assert "现有 2 个集群" in response.content.decode()
