"""Submission pages with a bound form: starting an application opens the form, the reviewer returns
fields picked from the form (shown by label), the operator sees what to fix, refusals are
explained, and the no-access user gets 404."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from apps.filings.models import Filing, FilingStatus
from apps.workflow.models import Submission
from apps.workflow.services import application_start, transition_apply
from tests import factories_workflow as fw


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _submitted(world: Any) -> Submission:
    camp = fw.sh_application_campaign(world)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    fw.complete_application(world, sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    sub.refresh_from_db()
    return sub


def test_starting_an_application_from_the_campaign_page_opens_its_form(world: Any) -> None:
    camp = fw.sh_application_campaign(world)
    page = _client(world.operator).get(reverse("workflow:campaign_detail", args=[camp.pk])).content.decode()
    assert "发起申报：上海市中小企业特色产业集群申报表" in page and "集群申报材料提交截止" in page
    response = _client(world.operator).post(
        reverse("workflow:submission_start", args=[camp.pk]),
        {"track": camp.tracks.get().pk, "cluster": world.cluster_pudong.pk},
    )
    sub = Submission.objects.get(campaign=camp)
    assert isinstance(sub.subject, Filing)
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[sub.subject_id])
    detail = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert "填写表单" in detail and "提交前检查：尚有" in detail
    form_page = _client(world.operator).get(response["Location"]).content.decode()
    assert reverse("workflow:form_submission", args=[sub.subject_id]) in form_page, "the form leads to its submission"


def test_the_district_returns_fields_picked_from_the_form_and_the_operator_sees_them_by_label(world: Any) -> None:
    sub = _submitted(world)
    url = reverse("workflow:submission_detail", args=[sub.pk])
    page = _client(world.district).get(url).content.decode()
    assert '<optgroup label="二、主导产业情况">' in page and '<option value="firm_count">集群企业数量</option>' in page
    assert "表单内容（只读）" in page and "上海市浦东新区集成电路产业集群" in page
    assert "规则评估（提交时的表单内容，供审核参考）" in page and 'class="assessment-results"' in page
    response = _client(world.district).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {
            "transition": "district_return",
            "expected_state": "district_review",
            "comment": "请核实",
            "reason_field": ["firm_count", "", ""],
            "reason_text": ["2024年企业数与企业清单不一致", "", ""],
        },
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.state == "returned" and sub.subject.status == FilingStatus.RETURNED
    operator_page = _client(world.operator).get(url).content.decode()
    assert "<strong>二、主导产业情况 · 集群企业数量</strong>：2024年企业数与企业清单不一致" in operator_page
    assert "修改退回的栏目" in operator_page and "修改后重新提交" in operator_page


def test_a_reason_without_a_field_is_refused_and_nothing_changes(world: Any) -> None:
    sub = _submitted(world)
    response = _client(world.district).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {
            "transition": "district_return",
            "expected_state": "district_review",
            "comment": "请核实",
            "reason_field": [""],
            "reason_text": ["企业数不一致"],
        },
        follow=True,
    )
    assert "第 1 行填写了退回原因，但没有选择栏目" in response.content.decode()
    sub.refresh_from_db()
    assert sub.state == "district_review" and sub.subject.status == FilingStatus.SUBMITTED


def test_submitting_an_incomplete_form_names_what_is_missing(world: Any) -> None:
    camp = fw.sh_application_campaign(world)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    response = _client(world.operator).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {"transition": "submit", "expected_state": "draft"},
        follow=True,
    )
    text = response.content.decode()
    assert "不能提交：" in text and "请打开填报表单修改" in text and "“集群名称”为必填项" in text
    assert "……另有" in text, "a long list is cut short with the count of the rest"
    assert Submission.objects.get(pk=sub.pk).state == "draft"


def test_the_form_page_link_leads_to_its_submission_and_the_no_access_user_gets_404(world: Any) -> None:
    sub = _submitted(world)
    url = reverse("workflow:form_submission", args=[sub.subject_id])
    response = _client(world.district).get(url)
    assert response.status_code == 302 and response["Location"] == reverse("workflow:submission_detail", args=[sub.pk])
    assert _client(world.nobody).get(url).status_code == 404
    assert _client(world.nobody).post(reverse("workflow:submission_open_form", args=[sub.pk])).status_code == 404
    assert _client(world.operator_huangpu).get(url).status_code == 404


def test_a_campaign_form_is_submitted_through_its_submission_not_the_form_page(world: Any) -> None:
    camp = fw.sh_application_campaign(world)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    fw.complete_application(world, sub.subject)
    edit = _client(world.operator).get(reverse("filings:edit", args=[sub.subject_id])).content.decode()
    assert 'id="submit-via-workflow"' in edit and 'id="submit-form"' not in edit
    response = _client(world.operator).post(reverse("filings:submit", args=[sub.subject_id]), {"revision": "x"})
    assert response["Location"] == reverse("workflow:form_submission", args=[sub.subject_id])
    sub.refresh_from_db()
    assert sub.subject.status == FilingStatus.DRAFT and sub.state == "draft"
