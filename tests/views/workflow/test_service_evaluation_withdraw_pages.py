"""撤回评价人员 on the submission page: the city withdraws a pending evaluator with a reason, who then
gets 404; a district user is refused (403), the no-access user gets 404, refusals keep everything."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.orgs.models import Assignment
from apps.workflow.services.evaluation import service_evaluation_assign
from tests.factories_evaluation import second_evaluator, submitted_evaluation

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_city_withdraws_a_pending_evaluator_on_the_submission_page_who_then_gets_404(world: Any) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    detail = reverse("workflow:submission_detail", args=[sub.pk])
    withdraw = reverse("workflow:evaluation_withdraw", args=[sub.pk])
    city = _client(world.city_staff)
    page = city.get(detail).content.decode()
    assert f'id="withdraw-{other.pk}"' in page and "撤回原因（必填）" in page
    for user in (world.district, world.operator, world.evaluator):
        assert 'class="d-flex gap-1 evaluation-withdraw"' not in _client(user).get(detail).content.decode()

    no_reason = city.post(withdraw, {"evaluator": other.pk, "reason": ""}, follow=True).content.decode()
    assert "请填写撤回原因" in no_reason
    assert Assignment.objects.filter(user=other, is_active=True).count() == 3

    done = city.post(withdraw, {"evaluator": other.pk, "reason": "利益回避"}, follow=True).content.decode()
    assert f"已撤回第三方评价人员：{other}" in done
    assert f'id="withdraw-{other.pk}"' not in done
    gone = _client(other)
    assert gone.get(detail).status_code == 404
    assert gone.get(reverse("filings:detail", args=[sub.subject_id])).status_code == 404
    assert gone.get(reverse("assessment:evaluation_score", args=[evaluation.pk])).status_code == 404
    # One evaluator left: there is nobody more to withdraw.
    assert 'class="d-flex gap-1 evaluation-withdraw"' not in done


def test_a_district_user_is_refused_and_the_no_access_user_gets_404_when_withdrawing(world: Any) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    withdraw = reverse("workflow:evaluation_withdraw", args=[sub.pk])
    body = {"evaluator": other.pk, "reason": "更换"}
    assert _client(world.district).post(withdraw, body).status_code == 403
    assert _client(world.operator).post(withdraw, body).status_code == 403
    assert _client(world.nobody).post(withdraw, body).status_code == 404
    assert _client(world.evaluator).post(withdraw, body).status_code == 403
    assert Assignment.objects.filter(user=other, is_active=True).count() == 3


def test_the_last_evaluator_cannot_be_withdrawn_on_the_page(world: Any) -> None:
    sub = submitted_evaluation(world)
    service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    withdraw = reverse("workflow:evaluation_withdraw", args=[sub.pk])
    page = (
        _client(world.city_staff)
        .post(withdraw, {"evaluator": world.evaluator.pk, "reason": "更换"}, follow=True)
        .content.decode()
    )
    assert "至少须保留一名" in page
    assert Assignment.objects.filter(user=world.evaluator, is_active=True).count() == 3


def test_withdrawing_someone_not_on_the_panel_names_nobody_and_changes_nothing(world: Any) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    withdraw = reverse("workflow:evaluation_withdraw", args=[sub.pk])
    page = (
        _client(world.city_staff)
        .post(withdraw, {"evaluator": world.operator.pk, "reason": "更换"}, follow=True)
        .content.decode()
    )
    assert "请选择要撤回的第三方评价人员" in page
    assert f"{world.operator} 未分配到该事项" not in page
    assert Assignment.objects.filter(user=other, is_active=True).count() == 3
