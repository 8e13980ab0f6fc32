"""Lists of submissions ask a fixed number of queries however many rows they show: the home
page's to-dos of the review cycle and of the service evaluation (待评分, 待分配评价人员) and the
API's list of submissions. Each test counts the queries for N rows and for 3N rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.orgs.models import Assignment
from apps.workflow.models import Campaign, Submission
from apps.workflow.services import submission_open_form, submission_start
from apps.workflow.todos import service_evaluation_todos, workflow_todos
from tests import factories as f
from tests import factories_workflow as fw
from tests.factories_assessment import score_all, service_evaluation

pytestmark = pytest.mark.django_db
N = 2


def _count(call: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return len(ctx.captured_queries), result


def _evaluation_campaign(world: Any) -> Campaign:
    tracks = (("service_evaluation", "recognised"),)
    return fw.campaign(world.shanghai, world.city_staff, tracks=tracks, document_number="沪经信〔2025〕1号")


def _add_service_evaluations(world: Any, camp: Campaign, n: int, *, state: str = "third_party_scoring") -> None:
    """`n` Pudong clusters, each with a service evaluation in 第三方评分 assigned to the evaluator
    (the submission, and the assessment evaluation with one item already scored)."""
    ct = ContentType.objects.get_for_model(Submission)
    for _ in range(n):
        cluster = f.ClusterFactory(district=world.pudong, operator=world.cluster_pudong.operator)
        sub = fw.submission(camp, cluster, workflow_key="service_evaluation", state=state)
        Assignment.objects.create(user=world.evaluator, content_type=ct, object_id=sub.pk, purpose="evaluation")
        evaluation = service_evaluation(cluster, world.city_staff, [world.evaluator], year=camp.year - 1)
        from apps.assessment import services
        from apps.assessment.scoring import get_rubric

        item = get_rubric(evaluation.rubric_code).items()[0]
        services.evaluation_score_save(
            actor=world.evaluator, evaluation=evaluation, item_code=item.code, points="1", comment=""
        )


def _add_unassigned_service_evaluations(world: Any, camp: Campaign, n: int) -> None:
    for _ in range(n):
        cluster = f.ClusterFactory(district=world.pudong, operator=world.cluster_pudong.operator)
        fw.submission(camp, cluster, workflow_key="service_evaluation", state="third_party_scoring")


def _add_applications_with_forms(world: Any, camp: Campaign, n: int) -> None:
    track = camp.tracks.get()
    for _ in range(n):
        cluster = f.ClusterFactory(district=world.pudong, operator=world.cluster_pudong.operator)
        sub = submission_start(
            actor=world.city_staff,
            campaign=camp,
            track=track,
            workflow_key="municipal_application",
            year=camp.year,
            cluster=cluster,
        )
        submission_open_form(actor=world.operator, submission=sub)


def test_the_evaluators_to_do_list_asks_as_many_queries_for_three_times_the_submissions(world: Any) -> None:
    camp = _evaluation_campaign(world)
    _add_service_evaluations(world, camp, N)
    few, items = _count(lambda: service_evaluation_todos(world.evaluator))
    assert [i.category for i in items] == ["待评分"] * N
    assert all("已评 1/" in i.detail for i in items)
    _add_service_evaluations(world, camp, 2 * N)
    many, items = _count(lambda: service_evaluation_todos(world.evaluator))
    assert len(items) == 3 * N
    assert many == few
    # The workflow's own provider (version 1: 第三方评分完成 offered to the assigned evaluator).
    few_wf, items_wf = _count(lambda: workflow_todos(world.evaluator))
    _add_service_evaluations(world, camp, N)
    many_wf, more_wf = _count(lambda: workflow_todos(world.evaluator))
    assert len(more_wf) == len(items_wf) + N > N
    assert many_wf == few_wf


def test_the_citys_to_do_list_asks_as_many_queries_for_three_times_the_submissions(world: Any) -> None:
    camp = _evaluation_campaign(world)
    _add_service_evaluations(world, camp, N)
    _add_unassigned_service_evaluations(world, camp, N)
    few, items = _count(lambda: service_evaluation_todos(world.city_staff))
    assert [i.category for i in items] == ["待分配评价人员"] * N
    _add_service_evaluations(world, camp, 2 * N)
    _add_unassigned_service_evaluations(world, camp, 2 * N)
    many, items = _count(lambda: service_evaluation_todos(world.city_staff))
    assert [i.category for i in items] == ["待分配评价人员"] * (3 * N)
    assert many == few


def test_a_submitted_evaluator_gets_no_scoring_to_do_from_the_batched_list(world: Any) -> None:
    camp = _evaluation_campaign(world)
    _add_service_evaluations(world, camp, N)
    from apps.assessment.models import ServiceEvaluation

    score_all(ServiceEvaluation.objects.order_by("pk").first(), world.evaluator, "0.8", submit=True)
    assert len(service_evaluation_todos(world.evaluator)) == N - 1
    assert service_evaluation_todos(world.nobody) == []


@pytest.mark.parametrize("who", ["operator", "evaluator", "city_staff", "district"])
def test_the_api_list_of_submissions_asks_as_many_queries_for_three_times_the_rows(world: Any, who: str) -> None:
    user = getattr(world, who)
    client = Client()
    client.force_login(user)
    applications = fw.sh_application_campaign(world)
    evaluations = _evaluation_campaign(world)

    def add(n: int) -> None:
        _add_applications_with_forms(world, applications, n)
        _add_service_evaluations(world, evaluations, n, state="confirmed")

    add(N)
    client.get("/api/workflow/submissions")  # the session and the content types are cached from here on
    few, response = _count(lambda: client.get("/api/workflow/submissions"))
    rows = len(response.json())
    assert rows >= N
    add(2 * N)
    many, response = _count(lambda: client.get("/api/workflow/submissions"))
    assert len(response.json()) == 3 * rows
    assert many == few
    nobody = Client()
    nobody.force_login(world.nobody)
    assert nobody.get("/api/workflow/submissions").json() == []


def _open_calls(world: Any, n: int, first: int) -> list[Campaign]:
    """`n` published Shanghai calls for new applicants (市级集群申报), open for 30 days."""
    return [
        fw.campaign(world.shanghai, world.city_staff, document_number=f"沪经信〔2025〕{first + i}号") for i in range(n)
    ]


def _open_call_titles(user: Any) -> list[str]:
    return sorted(i.title for i in workflow_todos(user) if i.category == "可申报")


def test_the_operators_open_calls_ask_as_many_queries_for_three_times_the_tracks(world: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=1)
    fw.campaign(
        world.shanghai,
        world.city_staff,
        document_number="沪经信〔2025〕90号",
        deadlines={"application_submission": past},
    )
    started = fw.campaign(world.shanghai, world.city_staff, document_number="沪经信〔2025〕91号")
    fw.submission(started, world.cluster_pudong)  # the operator's only cluster has answered this call
    opened = _open_calls(world, N, 100)
    workflow_todos(world.operator)  # the content types are cached from here on
    few, _items = _count(lambda: workflow_todos(world.operator))
    assert _open_call_titles(world.operator) == sorted(f"{c.document_number} municipal_application" for c in opened)
    opened += _open_calls(world, 2 * N, 200)
    many, _items = _count(lambda: workflow_todos(world.operator))
    assert len(_open_call_titles(world.operator)) == 3 * N
    assert many == few
    assert _open_call_titles(world.nobody) == []


def test_an_open_call_is_offered_while_a_cluster_has_neither_answered_it_nor_holds_the_recognition(world: Any) -> None:
    from datetime import date

    from apps.clusters.models import Recognition

    second = f.ClusterFactory(district=world.pudong, operator=world.cluster_pudong.operator)
    Recognition.objects.create(
        cluster=second, level="municipal", batch_year=2024, valid_from=date(2024, 1, 1), valid_to=date(2027, 12, 31)
    )
    answered, other = _open_calls(world, 2, 300)
    fw.submission(answered, world.cluster_pudong)
    assert _open_call_titles(world.operator) == [f"{other.document_number} municipal_application"]
    Recognition.objects.create(
        cluster=second, level="provincial", batch_year=2024, valid_from=date(2024, 1, 1), valid_to=date(2027, 12, 31)
    )
    fw.submission(other, second)  # another cluster's answer leaves the Pudong one free to answer
    assert _open_call_titles(world.operator) == [f"{other.document_number} municipal_application"]
    fw.submission(other, world.cluster_pudong)
    assert _open_call_titles(world.operator) == []
