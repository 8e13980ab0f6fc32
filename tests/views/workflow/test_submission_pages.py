"""Submission pages: each role sees its own stage name and actions; the no-access user gets 404."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from apps.workflow.models import Submission
from tests import factories_workflow as fw


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_district_returns_a_submission_from_its_page_and_the_operator_sees_what_is_asked(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="district_review", subject=world.cluster_pudong)
    url = reverse("workflow:submission_detail", args=[sub.pk])
    page = _client(world.district).get(url).content.decode()
    assert "退回修改" in page and "推荐至市经济信息化委" in page
    response = _client(world.district).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {
            "transition": "district_return",
            "expected_state": "district_review",
            "comment": "请核实面积",
            "reason__area_km2": "面积与规划图不符",
        },
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=sub.pk).state == "returned"
    operator_page = _client(world.operator).get(url).content.decode()
    assert "退回修改（请按意见修改后重新提交）" in operator_page
    assert "面积与规划图不符" in operator_page
    assert "修改后重新提交" in operator_page
    assert "推荐至市经济信息化委" not in operator_page


def test_a_stale_page_posting_an_old_state_is_told_to_refresh(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="city_formal_review")
    response = _client(world.district).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {"transition": "district_recommend", "expected_state": "district_review", "comment": "推荐"},
        follow=True,
    )
    assert "请刷新页面后查看" in response.content.decode()
    assert Submission.objects.get(pk=sub.pk).version == 1


def test_the_no_access_user_gets_404_on_the_submission_and_its_actions(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="district_review")
    nobody = _client(world.nobody)
    assert nobody.get(reverse("workflow:submission_detail", args=[sub.pk])).status_code == 404
    response = nobody.post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {"transition": "district_recommend", "expected_state": "district_review", "comment": "推荐"},
    )
    assert response.status_code == 404
    assert Submission.objects.get(pk=sub.pk).state == "district_review"


def test_summary_list_downloads_as_xlsx(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    response = _client(world.city_staff).get(reverse("workflow:list_recognition", args=[camp.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
