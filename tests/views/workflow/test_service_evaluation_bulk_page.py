"""批量办理 page: the city picks 分配第三方评价人员, previews and executes for many service
evaluations; a district user is not offered it; the operator and the no-access user are refused (403, the
campaign itself is public)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.assessment.models import ServiceEvaluation
from tests.services.workflow.test_service_evaluation_bulk_assign import two_submitted

pytestmark = pytest.mark.django_db
CHOICE = "service_evaluation:assign_evaluators"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_city_previews_then_assigns_evaluators_to_many_service_evaluations(world: Any) -> None:
    subs = two_submitted(world)
    url = reverse("workflow:bulk", args=[subs[0].campaign_id])
    city = _client(world.city_staff)
    page = city.get(url).content.decode()
    assert f'value="{CHOICE}"' in page and "分配第三方评价人员" in page
    assert f'id="be{world.evaluator.pk}"' in page

    body = {"choice": CHOICE, "submissions": [s.pk for s in subs], "evaluators": [world.evaluator.pk]}
    preview = city.post(url, {**body, "action": "preview"}).content.decode()
    assert 'id="bulk-preview"' in preview and preview.count("可以办理") == 2
    assert not ServiceEvaluation.objects.exists()

    missing = city.post(url, {**body, "evaluators": [], "action": "execute"}, follow=True).content.decode()
    assert "请至少选择一名第三方评价人员" in missing
    assert not ServiceEvaluation.objects.exists()

    done = city.post(url, {**body, "action": "execute"}, follow=True)
    assert "已批量办理 2 项" in done.content.decode()
    assert ServiceEvaluation.objects.count() == 2


def test_a_district_user_is_not_offered_the_assignment_and_the_no_access_user_is_refused(world: Any) -> None:
    subs = two_submitted(world)
    url = reverse("workflow:bulk", args=[subs[0].campaign_id])
    page = _client(world.district).get(url)
    assert page.status_code == 200 and f'value="{CHOICE}"' not in page.content.decode()
    refused = _client(world.district).post(
        url, {"choice": CHOICE, "submissions": [subs[0].pk], "evaluators": [world.evaluator.pk], "action": "execute"}
    )
    assert refused.status_code == 200 and not ServiceEvaluation.objects.exists()
    assert _client(world.operator).get(url).status_code == 403
    # The campaign is public; its bulk page is for authorities only (as in the access matrix).
    assert _client(world.nobody).get(url).status_code == 403
    assert _client(world.nobody).post(url, {"choice": CHOICE, "action": "execute"}).status_code == 403
