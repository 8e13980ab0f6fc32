"""Review-cycle API (/api/workflow/): my submissions, my to-dos, and applying a transition.

Session authentication with CSRF (clusterhub/api.py). Objects come from the same selectors as
the pages (out of scope → 404) and a transition goes through the same service with the same
checks (`transition_apply`): refusals answer 400 (with the field and, for a form that cannot be
submitted, its issues), 403 for the wrong role, 409 when someone acted first.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import ValidationError

from apps.core.errors import AccessDenied, ConcurrentEdit, ServiceError

from . import services
from .models import Submission
from .permissions import prime_assignments
from .selectors import submissions_visible_to
from .services.evaluation import evaluation_result, prime_evaluations
from .subjects import adapter_for, subject_prefetch
from .todos import workflow_todos

router = Router(tags=["workflow"])
MAX_ROWS = 500


class DataFieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    choices: list[str]


class SubjectFieldOut(Schema):
    """A form field the reviewer fills with a `subject_fill` transition (推荐单位（公章）、日期…),
    sent back in `subject_values`; `value` is what the page pre-fills."""

    key: str
    label: str
    kind: str
    required: bool
    value: str


class TransitionOut(Schema):
    key: str
    label: str
    comment_required: bool
    comment_label: str
    field_reasons_required: bool
    data: list[DataFieldOut]
    subject_fields: list[SubjectFieldOut] = []


class FormOut(Schema):
    id: int
    title: str
    status: str
    revision: int | None
    url: str


class EvaluatorTotalOut(Schema):
    """One evaluator's total, an input of the aggregate score, highest first. `label` is the
    evaluator's name for the authorities and 评价人员一、二… for everybody else; `dropped` is
    “去掉的最高分” / “去掉的最低分” for a total the trimmed mean leaves out, else empty."""

    label: str
    total: str
    dropped: str


class EvaluationResultOut(Schema):
    """服务评价结果: shown when permissions.can_view_evaluation_result allows (as on the page)."""

    visible: bool
    reason: str
    score: str
    proposed_grade: str
    grade: str
    opinions: str
    evaluator_totals: list[EvaluatorTotalOut] = []


class SubmissionOut(Schema):
    id: int
    workflow: str
    workflow_title: str
    year: int
    campaign: str | None
    cluster: str | None
    district: str
    state: str
    state_label: str
    public_label: str
    is_late: bool
    version: int
    field_reasons: dict[str, str]
    field_reason_labels: dict[str, str]
    form: FormOut | None
    transitions: list[TransitionOut]
    evaluation_result: EvaluationResultOut | None
    url: str


class SubmissionFilters(Schema):
    workflow: str | None = None
    state: str | None = None
    campaign: int | None = None
    year: int | None = None


class TodoOut(Schema):
    title: str
    url: str
    category: str
    deadline: datetime | None
    detail: str


class TransitionIn(Schema):
    transition: str
    expected_state: str
    comment: str = ""
    field_reasons: dict[str, str] = {}
    data: dict[str, str | int] = {}
    # subject_fill transitions (区级推荐、区确认、省级推荐): the reviewer's other form fields by key
    # (seal, date …; the opinion itself is `comment`), as the page's sv__<key> inputs.
    subject_values: dict[str, str] = {}


class IssueOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    code: str
    issues: list[IssueOut] = []


def _subject_fields(sub: Submission, t: Any, user: Any) -> list[dict[str, Any]]:
    """The same inputs the page's transition form shows (templates/workflow/_subject_fill.html)."""
    if "subject_fill" not in t.effects or sub.subject is None:
        return []
    inputs = adapter_for(sub.subject).reviewer_inputs(sub.subject, t.role, user, t.comment_field)
    return [{"key": i.key, "label": i.label, "kind": i.kind, "required": i.required, "value": i.value} for i in inputs]


def _evaluation_result(user: Any, sub: Submission) -> dict[str, Any] | None:
    result = evaluation_result(user, sub)
    if result is None:
        return None
    totals = [{"label": t.label, "total": str(t.total), "dropped": t.dropped} for t in result["evaluator_totals"]]
    return {**result, "evaluator_totals": totals}


def _out(sub: Submission, user: Any) -> dict[str, Any]:
    wf = sub.workflow
    subject = sub.subject
    adapter = adapter_for(subject)
    labels = adapter.field_labels(subject) if subject is not None else None
    form = None
    if subject is not None:
        form = {
            "id": subject.pk,
            "title": str(subject),
            "status": adapter.status_label(subject),
            "revision": adapter.revision(subject),
            "url": adapter.url(subject),
        }
    return {
        "id": sub.pk,
        "workflow": wf.key,
        "workflow_title": wf.title,
        "year": sub.year,
        "campaign": sub.campaign.document_number if sub.campaign else None,
        "cluster": sub.cluster.name if sub.cluster else None,
        "district": sub.district.name,
        "state": sub.state,
        "state_label": sub.state_label,
        "public_label": sub.public_label,
        "is_late": sub.is_late,
        "version": sub.version,
        "field_reasons": dict(sub.field_reasons),
        "field_reason_labels": {k: (labels or {}).get(k, k) for k in sub.field_reasons},
        "form": form,
        "transitions": [
            {
                "key": t.key,
                "label": t.label,
                "comment_required": t.comment_required,
                "comment_label": t.comment_label,
                "field_reasons_required": t.field_reasons,
                "data": [
                    {"key": f.key, "label": f.label, "type": f.type, "required": f.required, "choices": list(f.choices)}
                    for f in t.data
                ],
                "subject_fields": _subject_fields(sub, t, user),
            }
            for t in services.available_transitions(user, sub)
        ],
        "evaluation_result": _evaluation_result(user, sub),
        "url": reverse("workflow:submission_detail", args=[sub.pk]),
    }


@router.get("/submissions", response=list[SubmissionOut], summary="我可查看的申报/报送事项（可筛选）")
def workflow_submissions(request: HttpRequest, filters: Query[SubmissionFilters]) -> list[dict[str, Any]]:
    qs = submissions_visible_to(request.user).order_by("-year", "workflow_key", "district__path", "pk")
    if filters.workflow:
        qs = qs.filter(workflow_key=filters.workflow)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.year:
        qs = qs.filter(year=filters.year)
    # Everything _out reads of a row comes with the list: the track, the subjects (one query per
    # subject model), the user's assignments (roles) and the service evaluations.
    rows = list(qs.select_related("track").prefetch_related(subject_prefetch())[:MAX_ROWS])
    prime_assignments(request.user, rows)
    prime_evaluations(rows)
    return [_out(s, request.user) for s in rows]


@router.get("/submissions/{pk}", response=SubmissionOut, summary="一个申报/报送事项（含我可办理的操作）")
def workflow_submission(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(get_object_or_404(submissions_visible_to(request.user), pk=pk), request.user)


@router.get("/todos", response=list[TodoOut], summary="需要我处理的审核流程事项")
def workflow_todo_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"title": t.title, "url": t.url, "category": t.category, "deadline": t.deadline, "detail": t.detail}
        for t in sorted(workflow_todos(request.user), key=lambda t: (t.deadline is None, t.deadline or datetime.max))
    ]


@router.post(
    "/submissions/{pk}/transition",
    response={200: SubmissionOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="办理一项流转（与页面相同的服务和校验）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": TransitionIn.model_json_schema()}},
        }
    },
)
def workflow_transition(request: HttpRequest, pk: int) -> tuple[int, dict[str, Any]]:
    # The body is read after the scope check, so an object outside the user's scope is a 404
    # whatever was sent (and nothing about it leaks through validation messages).
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    try:
        payload = TransitionIn.model_validate(json.loads(request.body or b"null"))
    except (ValueError, ValidationError) as exc:
        detail = "请求体应为 JSON：{transition, expected_state, comment, field_reasons, data, subject_values}。"
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            detail = f"请求体字段“{'.'.join(str(x) for x in first['loc'])}”有误：{first['msg']}"
        return 422, {"detail": detail, "code": "invalid"}
    try:
        services.transition_apply(
            actor=request.user,
            instance=sub,
            transition=payload.transition,
            comment=payload.comment,
            expected_state=payload.expected_state,
            field_reasons=payload.field_reasons or None,
            data=dict(payload.data),
            subject_values=dict(payload.subject_values),
        )
    except AccessDenied as exc:
        return 403, {"detail": exc.message, "field": exc.field, "code": exc.code}
    except ConcurrentEdit as exc:
        return 409, {"detail": exc.message, "field": exc.field, "code": exc.code}
    except ServiceError as exc:
        issues = [{"field": i.field, "message": i.message} for i in getattr(exc, "issues", [])]
        return 400, {"detail": exc.message, "field": exc.field, "code": exc.code, "issues": issues}
    sub.refresh_from_db()
    return 200, _out(sub, request.user)
