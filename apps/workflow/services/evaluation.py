"""The service-evaluation track (推进中小企业特色产业集群高效服务评价, 沪经信规范〔2024〕1号 第十七条;
沪经信企〔2025〕73号 二 and 附件3): the review cycle's workflow joined to apps.assessment's scoring.

1. The operator submits the self-assessment (自评, the Filing) → 第三方评分.
2. The city assigns third-party evaluators (`service_evaluation_assign`): this opens (or reuses)
   the assessment ServiceEvaluation of the cluster for the data year (the campaign year − 1) and
   writes the orgs.Assignment rows through which the evaluator sees exactly this submission
   (purpose “evaluation”), its form and evidence (the Filing, read-only; purpose “evaluation”) and
   the ServiceEvaluation scoring page (purpose “service_evaluation”).
3. Each evaluator scores the rubric items and submits (apps.assessment.services.evaluation_submit,
   with an overall opinion). When the *last* assigned evaluator has submitted, the workflow's
   `evaluator_submit` — an automatic transition in service_evaluation.v2.yaml — is applied through
   the engine's one transition service on that evaluator's behalf (`on_evaluation_submitted`),
   carrying the aggregate (trimmed mean, apps.assessment.scoring.aggregate), the proposed grade
   from the city's grade bands, and the evaluators' opinions as the comment.

   Why all assigned evaluators and not “close with the ones received”: the aggregate of the
   rubric drops the highest and lowest total only from five evaluators on, so the result depends
   on who is on the panel; closing early would change the method silently. The city controls the
   panel instead: it assigns the evaluators, and every one it assigned must submit (the page lists
   who is pending). An evaluator who cannot finish is withdrawn by the city
   (`service_evaluation_withdraw`, with a reason; their Assignments deactivated and draft scores
   discarded; never one who has submitted, never the last one), after which the remaining panel
   decides — if all of them have submitted, the track moves on as after a last submission.
4. The city confirms the grade (`city_confirm_grade`); a grade other than the proposal needs a
   comment (guard `grade_change_explained`). The confirmed grade is what fund eligibility reads
   (`confirmed_grade`: “良好”及以上可申报专项资金).

Submissions on version 1 of the workflow keep their manual `evaluator_submit` (no guard); the
assignment service works for them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.errors import AccessDenied, ServiceError
from apps.orgs.models import Assignment, OrgKind, Role, User

from .. import permissions
from ..models import Notification, Submission
from .notify import notify

WORKFLOW_KEY = "service_evaluation"
SCORING_STATE = "third_party_scoring"
CONFIRM_STATE = "city_confirmation"
CONFIRMED_STATE = "confirmed"
AUTO_TRANSITION = "evaluator_submit"
EVALUATION_PURPOSE = "service_evaluation"  # the assessment ServiceEvaluation (scoring page)


def is_service_evaluation(submission: Submission) -> bool:
    return submission.workflow_key == WORKFLOW_KEY


def evaluation_year(submission: Submission) -> int:
    """The year whose work is evaluated: the campaign year − 1 (2025 notice → 2024 work)."""
    return submission.year - 1


def rubric_code_for(submission: Submission) -> str:
    """The scoring rubric (data/rubrics) of the campaign year: the latest not newer than it."""
    from apps.assessment.scoring import rubrics

    available = sorted(rubrics().values(), key=lambda r: r.year)
    if not available:
        raise ServiceError("没有可用的服务评价评分细则（data/rubrics）。")
    fitting = [r for r in available if r.year <= submission.year]
    return (fitting or available)[-1].code


def evaluation_for(submission: Submission) -> Any:
    """The assessment ServiceEvaluation of this submission (cluster, data year, rubric), or None,
    with its evaluators' submissions and their users loaded (as prime_evaluations has them), so
    the panel and the named totals (evaluator_totals) ask nothing per evaluator."""
    from apps.assessment.models import EvaluatorSubmission, ServiceEvaluation

    if submission.cluster_id is None:
        return None
    if hasattr(submission, "_service_evaluation"):  # primed by prime_evaluations
        return submission._service_evaluation
    return (
        ServiceEvaluation.objects.filter(
            cluster_id=submission.cluster_id, year=evaluation_year(submission), rubric_code=rubric_code_for(submission)
        )
        .prefetch_related(
            models.Prefetch(
                "submissions", queryset=EvaluatorSubmission.objects.select_related("evaluator").order_by("pk")
            )
        )
        .first()
    )


def prime_evaluations(submissions: list[Submission]) -> None:
    """For a list of submissions (to-dos, the API's list): find the ServiceEvaluation of each
    service-evaluation submission (with its evaluators' submissions) and the latest automatic
    第三方评分完成 event in a constant number of queries; evaluation_for and evaluation_result
    read them instead of asking once per row."""
    from apps.assessment.models import EvaluatorSubmission, ServiceEvaluation

    from ..models import WorkflowEvent

    subs = [s for s in submissions if is_service_evaluation(s)]
    if not subs:
        return
    wanted = {s.pk: (s.cluster_id, evaluation_year(s), rubric_code_for(s)) for s in subs if s.cluster_id is not None}
    found: dict[tuple[Any, int, str], Any] = {}
    evaluations = ServiceEvaluation.objects.filter(cluster_id__in={k[0] for k in wanted.values()}).prefetch_related(
        models.Prefetch("submissions", queryset=EvaluatorSubmission.objects.select_related("evaluator").order_by("pk"))
    )
    for evaluation in evaluations:  # unique per (cluster, year, rubric)
        found[(evaluation.cluster_id, evaluation.year, evaluation.rubric_code)] = evaluation
    events: dict[int, Any] = {}
    for e in WorkflowEvent.objects.filter(submission__in=subs, transition=AUTO_TRANSITION).order_by("at", "id"):
        events[e.submission_id] = e  # the latest one stays
    for s in subs:
        s._service_evaluation = found.get(wanted[s.pk]) if s.pk in wanted else None  # type: ignore[attr-defined]
        s._auto_event = events.get(s.pk)  # type: ignore[attr-defined]


def assigned_evaluator_ids(evaluation: Any) -> list[int]:
    """The users on the evaluation's panel (active `service_evaluation` Assignments)."""
    from apps.assessment.models import ServiceEvaluation

    return list(
        Assignment.objects.filter(
            content_type=ContentType.objects.get_for_model(ServiceEvaluation),
            object_id=evaluation.pk,
            purpose=EVALUATION_PURPOSE,
            is_active=True,
        ).values_list("user_id", flat=True)
    )


def evaluator_candidates(actor: Any) -> models.QuerySet[User]:
    """Third-party evaluators (role 第三方评价人员 in an evaluator organisation) under the actor's
    authority, whom the actor may assign."""
    org = getattr(actor, "organisation", None)
    if org is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            role_grants__role=Role.EVALUATOR,
            organisation__kind=OrgKind.EVALUATOR,
            organisation__is_active=True,
            organisation__path__startswith=org.path,
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "username")
    )


def can_assign_evaluators(user: Any, submission: Submission) -> tuple[bool, str]:
    """The city (市级主管部门) of the submission assigns evaluators (the service checks the workflow)."""
    if not permissions.has_workflow_role(user, "city", submission):
        return False, "第三方评价人员由市经济信息化委（市级主管部门）分配，您无权办理。"
    return True, ""


@transaction.atomic
def service_evaluation_assign(*, actor: Any, submission: Submission, evaluators: list[User]) -> Any:
    """分配第三方评价人员: the city assigns evaluators to a submission in 第三方评分. Opens (or reuses)
    the ServiceEvaluation and gives each evaluator the submission, its form and the scoring page.
    Returns the ServiceEvaluation. Audited; the evaluators are notified."""
    from apps.assessment import services as assessment_services

    locked = (
        Submission.objects.select_for_update(of=("self",)).select_related("cluster", "district").get(pk=submission.pk)
    )
    ok, reason = can_assign_evaluators(actor, locked)
    if not ok:
        raise AccessDenied(reason)
    if not is_service_evaluation(locked):
        raise ServiceError("只有服务评价事项需要分配第三方评价人员。", code="wrong_workflow")
    if locked.state != SCORING_STATE:
        raise ServiceError(
            f"当前环节为“{locked.state_label}”，只有在“第三方评分”环节才能分配第三方评价人员。", code="wrong_state"
        )
    if locked.cluster is None or locked.subject_id is None:
        raise ServiceError("该事项没有关联集群或自评表，不能分配第三方评价人员。")
    if not evaluators:
        raise ServiceError("请至少选择一名第三方评价人员。", field="evaluators")
    allowed = set(evaluator_candidates(actor).values_list("pk", flat=True))
    outside = [str(u) for u in evaluators if u.pk not in allowed]
    if outside:
        raise ServiceError(f"{'、'.join(outside)} 不是本辖区第三方评价机构的评价人员。", field="evaluators")
    sub_ct = ContentType.objects.get_for_model(Submission)
    already = set(
        Assignment.objects.filter(
            content_type=sub_ct, object_id=locked.pk, purpose=permissions.EVALUATION_PURPOSE, is_active=True
        ).values_list("user_id", flat=True)
    )
    new = [u for u in evaluators if u.pk not in already]
    if not new:
        raise ServiceError("所选评价人员均已分配到该事项。", field="evaluators")
    evaluation = evaluation_for(locked)
    if evaluation is None:
        evaluation = assessment_services.evaluation_create(
            actor=actor,
            cluster=locked.cluster,
            year=evaluation_year(locked),
            rubric_code=rubric_code_for(locked),
            evaluators=new,
        )
    else:
        on_panel = set(assigned_evaluator_ids(evaluation))
        missing = [u for u in new if u.pk not in on_panel]
        if missing:
            assessment_services.evaluation_assign_evaluators(actor=actor, evaluation=evaluation, evaluators=missing)
    for user in new:
        for ct_id, object_id in ((sub_ct.pk, locked.pk), (locked.subject_type_id, locked.subject_id)):
            Assignment.objects.update_or_create(
                user=user,
                content_type_id=ct_id,
                object_id=object_id,
                purpose=permissions.EVALUATION_PURPOSE,
                defaults={"is_active": True},
            )
    audit_record(
        actor=actor,
        action="workflow.service_evaluation.assign",
        action_label="分配第三方评价人员",
        obj=locked,
        subject=locked.cluster,
        changes={"第三方评价人员": [None, [str(u) for u in new]]},
    )
    url = reverse("assessment:evaluation_score", args=[evaluation.pk])
    for user in new:
        key = f"service_evaluation_assign:{locked.pk}:{user.pk}"
        if Notification.objects.filter(recipient=user, key=key).exists():  # assigned again after a withdrawal
            key = f"{key}:{timezone.now().isoformat()}"
        notify(
            recipients=[user],
            key=key,
            title=f"服务评价评分任务：{locked}"[:200],
            body=f"您被分配为“{locked}”的第三方评价人员。请查阅集群自评表及佐证材料，逐项评分并提交。",
            url=url,
        )
    # A reused evaluation may already be complete (every evaluator on it has submitted).
    _advance_if_complete(locked, evaluation)
    return evaluation


@transaction.atomic
def service_evaluation_withdraw(*, actor: Any, submission: Submission, evaluator: User, reason: str) -> Submission:
    """撤回/更换评价人员: the city takes an assigned evaluator who has not submitted off the panel of a
    submission in 第三方评分 (reason required). Their Assignments on the submission, its form and the
    scoring page are deactivated (404 for them afterwards), their draft scores discarded, they are
    notified, and the withdrawal is audited. If every evaluator left has already submitted, the
    track moves on exactly as after a last submission (the automatic `evaluator_submit`, same
    aggregate). Refused: an evaluator who has submitted, the last one on the panel. Returns the
    submission as it is afterwards."""
    from apps.assessment import services as assessment_services

    locked = (
        Submission.objects.select_for_update(of=("self",)).select_related("cluster", "district").get(pk=submission.pk)
    )
    if not can_assign_evaluators(actor, locked)[0]:
        raise AccessDenied("第三方评价人员由市经济信息化委（市级主管部门）撤回或更换，您无权办理。")
    if not is_service_evaluation(locked):
        raise ServiceError("只有服务评价事项有第三方评价人员可撤回。", code="wrong_workflow")
    if locked.state != SCORING_STATE:
        raise ServiceError(
            f"当前环节为“{locked.state_label}”，只有在“第三方评分”环节才能撤回第三方评价人员。", code="wrong_state"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤回原因。", field="reason")
    evaluation = evaluation_for(locked)
    if evaluation is None or evaluator.pk not in assigned_evaluator_ids(evaluation):
        raise ServiceError(f"{evaluator} 未分配到该事项，无需撤回。", field="evaluator")
    discarded = assessment_services.evaluation_withdraw_evaluator(
        actor=actor, evaluation=evaluation, evaluator=evaluator, reason=reason
    )
    sub_ct = ContentType.objects.get_for_model(Submission)
    Assignment.objects.filter(
        models.Q(content_type_id=sub_ct.pk, object_id=locked.pk)
        | models.Q(content_type_id=locked.subject_type_id, object_id=locked.subject_id),
        user=evaluator,
        purpose=permissions.EVALUATION_PURPOSE,
        is_active=True,
    ).update(is_active=False)
    audit_record(
        actor=actor,
        action="workflow.service_evaluation.withdraw",
        action_label="撤回第三方评价人员",
        obj=locked,
        subject=locked.cluster,
        changes={"第三方评价人员": [str(evaluator), None], "作废的评分草稿": [discarded, 0]},
        note=reason,
    )
    notify(
        recipients=[evaluator],
        key=f"service_evaluation_withdraw:{locked.pk}:{evaluator.pk}:{timezone.now().isoformat()}",
        title=f"服务评价评分任务已撤回：{locked}"[:200],
        body=f"市级主管部门已撤回您对“{locked}”的第三方评价任务，您的评分草稿已作废。撤回原因：{reason}",
    )
    _advance_if_complete(locked, evaluation)
    locked.refresh_from_db()
    return locked


# ---- the automatic move to 市级确认等级 ---------------------------------------------------------


def _linked_submissions(evaluation: Any) -> list[Submission]:
    subs = Submission.objects.filter(workflow_key=WORKFLOW_KEY, cluster_id=evaluation.cluster_id, state=SCORING_STATE)
    return [s for s in subs if evaluation_year(s) == evaluation.year and rubric_code_for(s) == evaluation.rubric_code]


def _opinions(evaluation: Any) -> str:
    rows = evaluation.submissions.select_related("evaluator").order_by("submitted_at", "pk")
    return "\n".join(f"{r.evaluator}：{r.opinion or '（未填写）'}" for r in rows)


def _advance_if_complete(submission: Submission, evaluation: Any) -> Submission | None:
    """Apply the automatic `evaluator_submit` once every assigned evaluator has submitted."""
    from apps.assessment.models import EvaluationStatus
    from apps.assessment.services import evaluation_summary

    from .engine import transition_apply

    t = submission.workflow.transitions.get(AUTO_TRANSITION)
    if t is None or not t.automatic or submission.state != SCORING_STATE:
        return None
    summary = evaluation_summary(evaluation)
    if summary["score"] is None or summary["evaluators_finished"] < summary["evaluators_assigned"]:
        return None
    last = evaluation.submissions.select_related("evaluator").order_by("-submitted_at", "-pk")
    actor = next(
        (s.evaluator for s in last if permissions.has_workflow_role(s.evaluator, "evaluator", submission)), None
    )
    if actor is None:
        return None  # nobody on the panel acts for this submission (assigned outside the workflow)
    moved = transition_apply(
        actor=actor,
        instance=submission,
        transition=AUTO_TRANSITION,
        comment=_opinions(evaluation),
        expected_state=SCORING_STATE,
        data={"score": str(summary["score"]), "proposed_grade": summary["grade"]},
    )
    type(evaluation).objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.CLOSED)
    return moved


def on_evaluation_submitted(sender: Any, *, evaluation: Any, submission: Any, actor: Any, **kwargs: Any) -> None:
    """Receiver of apps.assessment.signals.evaluation_submitted (inside the submit's transaction):
    the opinion is required for a workflow evaluation; after the last evaluator the workflow moves on."""
    for sub in _linked_submissions(evaluation):
        t = sub.workflow.transitions.get(AUTO_TRANSITION)
        if t is None or not t.automatic:
            continue
        if not submission.opinion:
            raise ServiceError(
                f"请填写{t.comment_label}（总体评价意见），提交后随评分报送市级主管部门。", field="opinion"
            )
        _advance_if_complete(sub, evaluation)


# ---- guards (called by the engine) --------------------------------------------------------------


def check_evaluation_guard(
    guard: str, submission: Submission, *, actor: Any, data: dict[str, Any], comment: str
) -> None:
    if guard == "evaluation_complete":
        _guard_evaluation_complete(submission, actor, data)
    elif guard == "grade_change_explained":
        proposed = str(submission.data.get("proposed_grade", ""))
        grade = str(data.get("grade", ""))
        if proposed and grade != proposed and not comment:
            raise ServiceError(
                f"确认的等级“{grade}”与第三方建议等级“{proposed}”不同，请在确认意见中说明理由。", field="comment"
            )


def _guard_evaluation_complete(submission: Submission, actor: Any, data: dict[str, Any]) -> None:
    from apps.assessment.scoring import get_rubric
    from apps.assessment.services import evaluation_summary

    evaluation = evaluation_for(submission)
    if evaluation is None or not assigned_evaluator_ids(evaluation):
        raise ServiceError("尚未分配第三方评价人员，不能结束第三方评分。", code="guard")
    if actor is not None and not evaluation.submissions.filter(evaluator=actor).exists():
        rubric = get_rubric(evaluation.rubric_code)
        scored = set(evaluation.scores.filter(evaluator=actor).values_list("item_code", flat=True))
        missing = [i.title for i in rubric.items() if i.code not in scored]
        if missing:
            shown = "、".join(missing[:3]) + (f"等 {len(missing)} 项" if len(missing) > 3 else "")
            raise ServiceError(
                f"您尚有评分项未评分：{shown}。请在评分页面逐项评分并提交，全部评价人员提交后自动报送市级确认。",
                code="guard",
            )
    summary = evaluation_summary(evaluation)
    if summary["evaluators_finished"] < summary["evaluators_assigned"]:
        raise ServiceError(
            f"第三方评分尚未全部提交（已提交 {summary['evaluators_finished']}/{summary['evaluators_assigned']} 位），"
            "全部评价人员提交后自动报送市级确认。",
            code="guard",
        )
    if data.get("score") != str(summary["score"]) or data.get("proposed_grade") != summary["grade"]:
        raise ServiceError(
            f"第三方评价得分和建议等级由汇总计算得出（{summary['score']} 分，{summary['grade']}），不能另行填写。",
            code="guard",
        )


# ---- what the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluatorRow:
    user: User
    started: bool
    total: Decimal | None
    submitted_at: Any
    opinion: str


def panel(evaluation: Any) -> list[EvaluatorRow]:
    """Every assigned evaluator with progress (for the authority; evaluators see their own page)."""
    if evaluation is None:
        return []
    subs = {s.evaluator_id: s for s in evaluation.submissions.all()}
    started = set(evaluation.scores.values_list("evaluator_id", flat=True))
    rows = []
    for user in (
        User.objects.filter(pk__in=assigned_evaluator_ids(evaluation)).select_related("organisation").order_by("pk")
    ):
        s = subs.get(user.pk)
        rows.append(
            EvaluatorRow(
                user=user,
                started=user.pk in started,
                total=s.total if s else None,
                submitted_at=s.submitted_at if s else None,
                opinion=s.opinion if s else "",
            )
        )
    return rows


def explanation(evaluation: Any) -> dict[str, Any] | None:
    """The aggregate with its explanation: formula, each evaluator's total, the trimmed mean and
    the band table it is graded against (apps.assessment.services.evaluation_summary)."""
    from apps.assessment.scoring import TRIM_FROM
    from apps.assessment.services import evaluation_summary

    if evaluation is None:
        return None
    summary = evaluation_summary(evaluation)
    return {
        **summary,
        "formula": (
            f"各评价人员按评分细则逐项评分、合计为本人总分；不少于 {TRIM_FROM} 位评价人员时去掉一个最高分和"
            "一个最低分后取算术平均，否则取算术平均（保留两位小数，四舍五入）；按等次划分取得分达到的最高等次。"
        ),
    }


@dataclass(frozen=True)
class EvaluatorTotal:
    """One evaluator's total as an input of the aggregate: `label` is the name for those who may
    see identities, else 评价人员一、二…; `dropped` says whether the trimming left it out."""

    label: str
    total: Decimal
    dropped: str
    opinion: str


_DIGITS = "零一二三四五六七八九"


def _chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (panels stay far below 100)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def anonymous_label(position: int) -> str:
    return f"评价人员{_chinese_ordinal(position)}"


def evaluator_totals(evaluation: Any, *, named: bool) -> list[EvaluatorTotal]:
    """The submitted totals the aggregate is computed from, highest first (equal totals in the
    order they were submitted), each marked as apps.assessment.scoring.aggregate treats it. The
    order follows the totals, so an anonymous label says nothing about who the evaluator is."""
    from apps.assessment.scoring import trim_marks

    if evaluation is None:
        return []
    rows = sorted(evaluation.submissions.all(), key=lambda r: (-r.total, r.pk))
    marks = trim_marks([r.total for r in rows])
    return [
        EvaluatorTotal(
            label=str(r.evaluator) if named else anonymous_label(i),
            total=r.total,
            dropped=mark,
            opinion=r.opinion,
        )
        for i, (r, mark) in enumerate(zip(rows, marks, strict=True), start=1)
    ]


def anonymous_opinions(totals: list[EvaluatorTotal]) -> str:
    """The evaluators' opinions as the comment of 第三方评分完成 has them, labelled 评价人员一、二…"""
    return "\n".join(f"{t.label}：{t.opinion or '（未填写）'}" for t in totals)


def _auto_event(submission: Submission) -> Any:
    if hasattr(submission, "_auto_event"):  # primed by prime_evaluations
        return submission._auto_event
    return submission.events.filter(transition=AUTO_TRANSITION).order_by("-at", "-id").first()


def evaluation_result(user: Any, submission: Submission) -> dict[str, Any] | None:
    """The result of a service evaluation as `user` may see it (None for other workflows): the
    aggregate score, the proposed grade, the evaluators' opinions, each evaluator's total (the
    inputs of the aggregate, with the trimmed ones marked) and the confirmed grade, each empty
    until the third-party scoring is complete. Whether it is shown at all is decided by
    permissions.can_view_evaluation_result — the pages and the API both read it from here. Who is
    not allowed to see the evaluators' identities (permissions.can_view_evaluator_identities) gets
    them as 评价人员一、二… in the totals and the opinions; `named` says which of the two it got."""
    if not is_service_evaluation(submission):
        return None
    visible, reason = permissions.can_view_evaluation_result(user, submission)
    if not visible:
        return {
            "visible": False,
            "reason": reason,
            "score": "",
            "proposed_grade": "",
            "grade": "",
            "opinions": "",
            "evaluator_totals": [],
            "named": False,
        }
    event = _auto_event(submission)
    named = permissions.can_view_evaluator_identities(user, submission)[0]
    totals = evaluator_totals(evaluation_for(submission), named=named) if event is not None else []
    opinions = event.comment if event is not None else ""
    if not named and totals:
        opinions = anonymous_opinions(totals)
    return {
        "visible": True,
        "reason": "",
        "score": str(submission.data.get("score", "")),
        "proposed_grade": str(submission.data.get("proposed_grade", "")),
        "grade": str(submission.data.get("grade", "")) if submission.state == CONFIRMED_STATE else "",
        "opinions": opinions,
        "evaluator_totals": totals,
        "named": named,
    }


def confirmed_grade(cluster: Any) -> dict[str, Any] | None:
    """The latest grade confirmed by the city for `cluster` (what fund eligibility uses:
    沪经信企〔2025〕73号 二，评价结果“良好”及以上的集群可申报专项资金), or None."""
    from apps.assessment.scoring import may_apply_for_fund

    sub = (
        Submission.objects.filter(workflow_key=WORKFLOW_KEY, cluster=cluster, state="confirmed", data__has_key="grade")
        .order_by("-year", "-last_transition_at", "-pk")
        .first()
    )
    if sub is None:
        return None
    grade = str(sub.data["grade"])
    evaluation = evaluation_for(sub)
    if evaluation is not None:
        from apps.assessment.services import evaluation_summary

        info = evaluation_summary(evaluation)
        bands, fund_min = info["bands"], info["fund_min_label"]
    else:
        from apps.assessment.scoring import get_rubric

        rubric = get_rubric(rubric_code_for(sub))
        bands, fund_min = list(rubric.default_bands), rubric.fund_min_label
    return {
        "submission": sub,
        "grade": grade,
        "year": evaluation_year(sub),
        "score": sub.data.get("score", ""),
        "fund_min_label": fund_min,
        "may_apply_for_fund": may_apply_for_fund(grade, bands, fund_min),
    }
