"""/api/workflow/: my submissions and to-dos, scoped like the pages; a transition goes through the
same service with the same checks (wrong role 403, stale 409, incomplete form 400 with its
issues, out of scope 404) and needs the CSRF token like any session-authenticated POST."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from apps.workflow.models import Submission, WorkflowEvent
from apps.workflow.services import application_start, transition_apply
from apps.workflow.todos import workflow_todos
from tests import factories_workflow as fw


def _client(user: Any, **kw: Any) -> Client:
    c = Client(**kw)
    c.force_login(user)
    return c


def _post(client: Client, sub: Submission, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(
        f"/api/workflow/submissions/{sub.pk}/transition",
        data=json.dumps(body),
        content_type="application/json",
        **extra,
    )


def _submitted(world: Any) -> Submission:
    camp = fw.sh_application_campaign(world)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    fw.complete_application(world, sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    sub.refresh_from_db()
    return sub


def test_the_list_is_scoped_and_names_what_i_may_do(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    mine = fw.submission(camp, world.cluster_pudong, state="district_review")
    other = fw.submission(camp, world.cluster_huangpu, state="district_review")
    rows = _client(world.district).get("/api/workflow/submissions").json()
    assert [r["id"] for r in rows] == [mine.pk]
    assert {t["key"] for t in rows[0]["transitions"]} == {"district_return", "district_reject", "district_recommend"}
    assert rows[0]["state_label"] == "区初审" and rows[0]["public_label"] == "已提交，区级初审中"
    assert {r["id"] for r in _client(world.city_staff).get("/api/workflow/submissions").json()} == {mine.pk, other.pk}
    assert _client(world.nobody).get("/api/workflow/submissions").json() == []
    assert _client(world.operator).get(f"/api/workflow/submissions/{other.pk}").status_code == 404
    assert _client(world.operator).get("/api/workflow/submissions", {"state": "draft"}).json() == []


def test_my_todos_are_the_home_page_items(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="district_review")
    todos = _client(world.district).get("/api/workflow/todos").json()
    assert [t["url"] for t in todos] == [f"/workflow/submissions/{sub.pk}/"]
    assert [t["title"] for t in todos] == [t.title for t in workflow_todos(world.district)]
    assert _client(world.operator).get("/api/workflow/todos").json() == []


def test_a_district_returns_fields_through_the_api_and_the_form_reopens_them(world: Any) -> None:
    sub = _submitted(world)
    response = _post(
        _client(world.district),
        sub,
        {
            "transition": "district_return",
            "expected_state": "district_review",
            "comment": "请核实",
            "field_reasons": {"firm_count": "与企业清单不一致"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "returned"
    assert body["field_reason_labels"] == {"firm_count": "二、主导产业情况 · 集群企业数量"}
    assert body["form"]["status"] == "退回修改"
    sub.refresh_from_db()
    assert sub.subject.reopened_fields == ["firm_count"]


def test_refusals_have_their_status_and_chinese_message_and_change_nothing(world: Any) -> None:
    sub = _submitted(world)
    events = WorkflowEvent.objects.count()
    wrong_role = _post(
        _client(world.operator), sub, {"transition": "district_recommend", "expected_state": "district_review"}
    )
    assert wrong_role.status_code == 403 and "须由区级中小企业主管部门办理" in wrong_role.json()["detail"]
    stale = _post(
        _client(world.district),
        sub,
        {"transition": "district_recommend", "expected_state": "draft", "comment": "推荐"},
    )
    assert stale.status_code == 409 and "请刷新页面" in stale.json()["detail"]
    no_comment = _post(
        _client(world.district), sub, {"transition": "district_recommend", "expected_state": "district_review"}
    )
    assert no_comment.status_code == 400 and no_comment.json()["field"] == "comment"
    bad_body = _client(world.district).post(f"/api/workflow/submissions/{sub.pk}/transition", {"x": "1"})
    assert bad_body.status_code == 422 and "JSON" in bad_body.json()["detail"]
    outside = _post(_client(world.district_huangpu), sub, {"transition": "district_return", "expected_state": "x"})
    assert outside.status_code == 404
    assert WorkflowEvent.objects.count() == events
    assert Submission.objects.get(pk=sub.pk).state == "district_review"


def test_submitting_an_incomplete_form_answers_400_with_its_issues(world: Any) -> None:
    camp = fw.sh_application_campaign(world)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    response = _post(_client(world.operator), sub, {"transition": "submit", "expected_state": "draft"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("不能提交") and body["code"] == "invalid"
    assert {"field": "area_km2", "message": "“集群占地面积（平方公里）”为必填项，不能为空"} in body["issues"]


def test_a_transition_without_the_csrf_token_is_refused(world: Any) -> None:
    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="district_review")
    client = _client(world.district, enforce_csrf_checks=True)
    body = {"transition": "district_recommend", "expected_state": "district_review", "comment": "同意推荐"}
    assert _post(client, sub, body).status_code == 403
    assert Submission.objects.get(pk=sub.pk).state == "district_review"
    client.get("/workflow/submissions/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert _post(client, sub, body, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Submission.objects.get(pk=sub.pk).state == "city_formal_review"
