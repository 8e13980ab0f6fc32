"""Service-evaluation pages (服务评价, 000 附件3): scoring, submission, aggregate, grade bands."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.assessment.models import EvaluationScore, GradeBandSet, ServiceEvaluation
from apps.assessment.scoring import get_rubric
from apps.core.models import AuditEvent
from apps.orgs.models import Role
from tests import factories as f
from tests.factories_assessment import score_all, service_evaluation

RUBRIC = get_rubric("sh-service-evaluation-2025")


def _as(client, user):
    client.force_login(user)
    return client


def _evaluators(world, n: int) -> list:
    return [f.user_with(world.evaluator_org, Role.EVALUATOR, username=f"eval_extra{i}") for i in range(n)]


def _form(points: dict[str, str], comment: str = "有佐证") -> dict[str, str]:
    data = {}
    for code, p in points.items():
        data[f"points_{code}"] = p
        data[f"comment_{code}"] = comment
    return data


def _all_items(value: str = "1") -> dict[str, str]:
    return {i.code: min(Decimal(value), i.max).to_eng_string() for i in RUBRIC.items()}


def test_evaluator_sees_only_evaluations_assigned_to_them(client, world) -> None:
    mine = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    other = service_evaluation(world.cluster_huangpu, world.city_admin, _evaluators(world, 1))
    c = _as(client, world.evaluator)
    html = c.get(reverse("assessment:evaluation_list")).content.decode()
    assert world.cluster_pudong.name in html and world.cluster_huangpu.name not in html
    assert c.get(reverse("assessment:evaluation_score", args=[mine.pk])).status_code == 200
    assert c.get(reverse("assessment:evaluation_score", args=[other.pk])).status_code == 404
    assert c.get(reverse("assessment:evaluation_detail", args=[other.pk])).status_code == 404


def test_evaluator_scores_items_with_comments_and_saves_a_draft(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    c = _as(client, world.evaluator)
    response = c.post(
        reverse("assessment:evaluation_score", args=[ev.pk]),
        {**_form({"policy_review": "1.75", "platform": "4.5"}), "action": "save"},
    )
    assert response.status_code == 302
    saved = {s.item_code: (s.points, s.comment) for s in EvaluationScore.objects.filter(evaluator=world.evaluator)}
    assert saved == {"policy_review": (Decimal("1.75"), "有佐证"), "platform": (Decimal("4.50"), "有佐证")}
    assert AuditEvent.objects.filter(action="evaluation.score").count() == 2
    html = c.get(reverse("assessment:evaluation_score", args=[ev.pk])).content.decode()
    assert 'value="1.75"' in html and "已评 2 / 36 项" in html


def test_score_above_the_item_maximum_is_refused_nothing_is_saved_and_the_typing_is_kept(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    c = _as(client, world.evaluator)
    response = c.post(
        reverse("assessment:evaluation_score", args=[ev.pk]),
        {**_form({"policy_review": "2.5", "platform": "4"}), "action": "save"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“政策梳理”的得分须在 0 至 2 分之间" in html
    assert "本次填写均未保存" in html
    assert 'value="2.5"' in html and 'value="4"' in html
    assert not EvaluationScore.objects.exists()  # the valid item was not saved either


@pytest.mark.parametrize("bad", ["-1", "abc", "1.234"])
def test_negative_non_numeric_and_over_precise_scores_are_refused(client, world, bad) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    response = _as(client, world.evaluator).post(
        reverse("assessment:evaluation_score", args=[ev.pk]), _form({"platform": bad})
    )
    assert response.status_code == 400 and "服务机制·平台建设" in response.content.decode()
    assert not EvaluationScore.objects.exists()


def test_a_comment_without_points_is_refused(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    response = _as(client, world.evaluator).post(
        reverse("assessment:evaluation_score", args=[ev.pk]), {"points_platform": "", "comment_platform": "平台齐全"}
    )
    assert response.status_code == 400 and "已填写评分说明，请同时填写得分" in response.content.decode()


def test_submitting_needs_every_item_then_the_scores_are_final(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    c = _as(client, world.evaluator)
    url = reverse("assessment:evaluation_score", args=[ev.pk])
    partial = c.post(url, {**_form({"policy_review": "2"}), "action": "submit"})
    assert partial.status_code == 400 and "尚有评分项未评分" in partial.content.decode()
    assert EvaluationScore.objects.count() == 1  # the score itself was saved
    done = c.post(url, {**_form(_all_items("1")), "action": "submit"})
    assert done.status_code == 302 and done["Location"] == reverse("assessment:evaluation_detail", args=[ev.pk])
    assert ev.submissions.get().total == sum((min(Decimal(1), i.max) for i in RUBRIC.items()), Decimal(0))
    refused = c.post(url, _form({"policy_review": "0"}))
    assert refused.status_code == 403
    assert EvaluationScore.objects.get(item_code="policy_review").points == Decimal("1")


def test_evaluator_cannot_see_other_evaluators_scores_before_submitting_their_own(client, world) -> None:
    other = _evaluators(world, 1)[0]
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator, other])
    score_all(ev, other, "0.9")
    EvaluationScore.objects.filter(evaluator=other).update(comment="另一位评价人员的意见")
    c = _as(client, world.evaluator)
    page = c.get(reverse("assessment:evaluation_score", args=[ev.pk])).content.decode()
    assert "另一位评价人员的意见" not in page and "108.00" not in page
    refused = c.get(reverse("assessment:evaluation_detail", args=[ev.pk]))
    assert refused.status_code == 403 and "请先提交本人评分" in refused.content.decode()
    listing = c.get(reverse("assessment:evaluation_list")).content.decode()
    # 108 as a figure (108, 108.00), not inside a user's name (测试用户1088) or the CSRF token
    assert not re.search(r"(?<![0-9A-Za-z])108(?![0-9A-Za-z])", listing)
    score_all(ev, world.evaluator, "0.5")
    after = c.get(reverse("assessment:evaluation_detail", args=[ev.pk])).content.decode()
    assert "另一位评价人员的意见" in after and "评价人员A" in after and "（本人）" in after
    assert other.display_name not in after  # other evaluators are not named to an evaluator


def test_city_sees_the_trimmed_mean_grade_and_fund_eligibility_with_five_evaluators(client, world) -> None:
    evaluators = _evaluators(world, 5)
    ev = service_evaluation(world.cluster_pudong, world.city_admin, evaluators)
    for user, fraction in zip(evaluators, ("0.80", "0.74", "0.71", "0.77", "0.68"), strict=True):
        score_all(ev, user, fraction)
    response = _as(client, world.city_staff).get(reverse("assessment:evaluation_detail", args=[ev.pk]))
    summary = response.context["summary"]
    totals = sorted(s.total for s in ev.submissions.all())
    expected = (sum(totals[1:-1]) / 3).quantize(Decimal("0.01"))
    assert summary["score"] == expected and "去掉一个最高分" in summary["method"]
    assert summary["grade"] == "良好" and summary["may_apply_for_fund"]
    html = response.content.decode()
    assert "可申报集群培育资金" in html and evaluators[0].display_name in html


def test_with_fewer_than_five_evaluators_the_plain_mean_is_used_and_a_pass_grade_cannot_apply(client, world) -> None:
    evaluators = _evaluators(world, 2)
    ev = service_evaluation(world.cluster_pudong, world.city_admin, evaluators)
    score_all(ev, evaluators[0], "0.60")
    score_all(ev, evaluators[1], "0.56")
    summary = (
        _as(client, world.city_admin).get(reverse("assessment:evaluation_detail", args=[ev.pk])).context["summary"]
    )
    assert summary["method"] == "2 位评价人员的平均分"
    assert summary["grade"] == "合格" and not summary["may_apply_for_fund"]


def test_unsubmitted_scores_do_not_count_and_the_result_is_provisional(client, world) -> None:
    evaluators = _evaluators(world, 2)
    ev = service_evaluation(world.cluster_pudong, world.city_admin, evaluators)
    score_all(ev, evaluators[0], "0.80")
    score_all(ev, evaluators[1], "0.10", submit=False)
    response = _as(client, world.city_staff).get(reverse("assessment:evaluation_detail", args=[ev.pk]))
    summary = response.context["summary"]
    assert summary["evaluators_finished"] == 1 and summary["provisional"]
    assert "结果暂定" in response.content.decode() and "评分中" in response.content.decode()


def test_city_admin_sets_grade_bands_and_the_aggregate_uses_them(client, world) -> None:
    c = _as(client, world.city_admin)
    data = {
        "year": "2025",
        "label_0": "优秀",
        "min_0": "100",
        "label_1": "良好",
        "min_1": "95",
        "label_2": "合格",
        "min_2": "60",
        "label_3": "不合格",
        "min_3": "0",
        "fund_min_label": "良好",
    }
    assert c.post(reverse("assessment:grade_bands"), data).status_code == 302
    assert GradeBandSet.objects.get(authority=world.shanghai, year=2025).band_list()[1] == ("良好", Decimal("95"))
    evaluators = _evaluators(world, 1)
    ev = service_evaluation(world.cluster_pudong, world.city_admin, evaluators)
    score_all(ev, evaluators[0], "0.77")  # 92.40 points: 良好 by default, 合格 by these bands
    summary = c.get(reverse("assessment:evaluation_detail", args=[ev.pk])).context["summary"]
    assert summary["grade"] == "合格" and not summary["may_apply_for_fund"]
    assert "设定" in summary["bands_source"]


def test_grade_bands_out_of_order_are_refused_and_the_typing_kept(client, world) -> None:
    data = {
        "year": "2025",
        "label_0": "优秀",
        "min_0": "70",
        "label_1": "良好",
        "min_1": "80",
        "fund_min_label": "良好",
    }
    response = _as(client, world.city_admin).post(reverse("assessment:grade_bands"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "等次须按分数线从高到低排列" in html and 'value="70"' in html
    assert not GradeBandSet.objects.exists()


@pytest.mark.parametrize("role", ["city_staff", "district", "operator", "evaluator", "nobody"])
def test_only_city_admins_set_grade_bands(client, world, role) -> None:
    assert _as(client, getattr(world, role)).get(reverse("assessment:grade_bands")).status_code == 403


def test_city_organises_an_evaluation_and_assigns_evaluators(client, world) -> None:
    c = _as(client, world.city_staff)
    assert c.get(reverse("assessment:evaluation_create")).status_code == 200
    response = c.post(
        reverse("assessment:evaluation_create"),
        {
            "cluster": str(world.cluster_huangpu.pk),
            "year": "2024",
            "rubric": RUBRIC.code,
            "evaluators": [str(world.evaluator.pk)],
        },
    )
    ev = ServiceEvaluation.objects.get()
    assert response.status_code == 302 and ev.cluster == world.cluster_huangpu
    assert ev.pk in {e.pk for e in ServiceEvaluation.objects.filter(pk=ev.pk)}
    html = _as(client, world.evaluator).get(reverse("assessment:evaluation_list")).content.decode()
    assert world.cluster_huangpu.name in html
    assert AuditEvent.objects.filter(action="evaluation.create").exists()


def test_organising_an_evaluation_outside_the_jurisdiction_or_without_evaluators_is_refused(client, world) -> None:
    c = _as(client, world.city_staff)
    outside = c.post(
        reverse("assessment:evaluation_create"),
        {
            "cluster": str(world.cluster_xihu.pk),
            "year": "2024",
            "rubric": RUBRIC.code,
            "evaluators": [str(world.evaluator.pk)],
        },
    )
    assert outside.status_code == 400 and "请选择本辖区的集群" in outside.content.decode()
    nobody = c.post(
        reverse("assessment:evaluation_create"),
        {"cluster": str(world.cluster_pudong.pk), "year": "2024", "rubric": RUBRIC.code},
    )
    assert nobody.status_code == 400 and "请至少选择一名第三方评价人员" in nobody.content.decode()
    assert not ServiceEvaluation.objects.exists()


@pytest.mark.parametrize("role", ["district", "operator", "evaluator", "nobody", "ministry_user"])
def test_only_city_or_province_staff_organise_evaluations(client, world, role) -> None:
    assert _as(client, getattr(world, role)).get(reverse("assessment:evaluation_create")).status_code == 403


def test_operator_sees_its_evaluation_listed_but_not_the_scores(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    c = _as(client, world.operator)
    html = c.get(reverse("assessment:evaluation_list")).content.decode()
    assert world.cluster_pudong.name in html and "评价结果由主管部门公布" in html
    assert c.get(reverse("assessment:evaluation_detail", args=[ev.pk])).status_code == 403
    assert c.get(reverse("assessment:evaluation_score", args=[ev.pk])).status_code == 403


def test_no_access_user_sees_no_evaluation_and_gets_404(client, world) -> None:
    ev = service_evaluation(world.cluster_pudong, world.city_admin, [world.evaluator])
    c = _as(client, world.nobody)
    assert world.cluster_pudong.name not in c.get(reverse("assessment:evaluation_list")).content.decode()
    assert c.get(reverse("assessment:evaluation_detail", args=[ev.pk])).status_code == 404
    assert c.post(reverse("assessment:evaluation_score", args=[ev.pk]), _form({"platform": "1"})).status_code == 404
    assert not EvaluationScore.objects.exists()
