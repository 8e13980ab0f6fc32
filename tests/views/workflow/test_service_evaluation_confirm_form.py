"""The submission page of a service evaluation: the city's 确认评价等级 form starts at the proposed
grade, and there is no 专家评审 card (the track has no expert review, which the workflow data
says); a municipal application at 专家评审 keeps its card. The no-access user gets 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.assessment import services as assessment
from apps.workflow.models import Submission
from apps.workflow.services.evaluation import service_evaluation_assign
from tests import factories_workflow as fw
from tests.factories_assessment import score_all
from tests.factories_evaluation import submitted_evaluation

pytestmark = pytest.mark.django_db


def _page(user: Any, sub: Submission) -> Any:
    c = Client()
    c.force_login(user)
    return c.get(reverse("workflow:submission_detail", args=[sub.pk]))


def _selected(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, select_id
    return re.findall(r"<option selected>([^<]+)</option>", select.group(1))


def test_the_city_confirmation_form_preselects_the_proposed_grade(world: Any) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    score_all(evaluation, world.evaluator, "0.75", submit=False)
    assessment.evaluation_submit(actor=world.evaluator, evaluation=evaluation, opinion="基本达到要求")
    sub.refresh_from_db()
    proposed = sub.data["proposed_grade"]
    assert proposed and proposed != "优秀"  # not simply the first choice

    page = _page(world.city_staff, sub).content.decode()
    assert _selected(page, "city_confirm_grade-grade") == [proposed]
    assert 'id="city_confirm_grade-grade"' not in _page(world.operator, sub).content.decode()
    assert 'id="city_confirm_grade-grade"' not in _page(world.district, sub).content.decode()
    assert _page(world.nobody, sub).status_code == 404


def test_a_service_evaluation_page_has_no_expert_review_card_for_anyone(world: Any) -> None:
    sub = submitted_evaluation(world)
    for user in (world.city_staff, world.city_admin):
        page = _page(user, sub).content.decode()
        assert 'id="expert-review"' not in page and 'id="service-evaluation"' in page
    assert 'id="expert-review"' not in _page(world.operator, sub).content.decode()
    assert _page(world.nobody, sub).status_code == 404


def test_a_municipal_application_at_expert_review_keeps_its_expert_review_card(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="expert_review")
    assert 'id="expert-review"' in _page(world.city_staff, sub).content.decode()
    assert 'id="expert-review"' not in _page(world.operator, sub).content.decode()
    assert _page(world.nobody, sub).status_code == 404
