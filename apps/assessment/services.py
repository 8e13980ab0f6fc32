"""State changes of the assessment app. Each runs in one transaction and writes an audit record."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.errors import ConcurrentEdit, ServiceError, require

from . import permissions
from .dossier import Dossier, DossierError
from .engine import Engine
from .models import (
    AssessmentRecord,
    EvaluationScore,
    EvaluatorSubmission,
    GradeBandSet,
    RuleJudgment,
    ServiceEvaluation,
    StoredRuleSet,
)
from .rulesets import OP_INCLUSIVE, OP_SYMBOLS, WORD_OPS, RuleSet, RuleSetError, build, content_hash, get_ruleset
from .scoring import get_rubric


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


@transaction.atomic
def assessment_run(
    *,
    actor: Any,
    cluster: Any,
    ruleset_id: str,
    dossier_data: dict[str, Any],
    subject: models.Model | None = None,
    purpose: str = "self_check",
) -> AssessmentRecord:
    """Evaluate and store the result of the day (with the dossier it was computed from)."""
    require(permissions.can_run_assessment(actor, cluster))
    try:
        ruleset = get_ruleset(ruleset_id)
        dossier = Dossier.from_dict(dossier_data)
    except (RuleSetError, DossierError) as exc:
        raise ServiceError(str(exc), field="dossier") from exc
    result = Engine(ruleset).evaluate(dossier)
    record = AssessmentRecord.objects.create(
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        cluster=cluster,
        purpose=purpose,
        ruleset_code=ruleset.id,
        ruleset_title=ruleset.title,
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.content_hash,
        verdict=result.verdict,
        result=result.as_dict(),
        dossier=_json_safe(dossier_data),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.run",
        action_label="运行评估",
        obj=record,
        subject=cluster,
        changes={"ruleset": [None, ruleset.id], "verdict": [None, result.verdict_label]},
    )
    return record


@transaction.atomic
def judgment_record(*, actor: Any, record: AssessmentRecord, rule_id: str, decision: str, comment: str) -> RuleJudgment:
    """A reviewer decides a “需人工判断” item, with a comment."""
    require(permissions.can_judge_assessment(actor, record))
    items = {r["rule_id"] for r in record.judgment_items()}
    if rule_id not in items:
        raise ServiceError(f"条款“{rule_id}”不是需人工判断的条款。", field="rule_id")
    if decision not in ("pass", "fail"):
        raise ServiceError("请选择“认定符合”或“认定不符合”。", field="decision")
    if not comment.strip():
        raise ServiceError("请填写判断意见。", field="comment")
    existing = RuleJudgment.objects.select_for_update().filter(record=record, rule_id=rule_id).first()
    before: list[str | None] = [existing.decision, existing.comment] if existing else [None, None]
    judgment, _ = RuleJudgment.objects.update_or_create(
        record=record,
        rule_id=rule_id,
        defaults={"decision": decision, "comment": comment.strip(), "decided_by": actor},
    )
    audit_record(
        actor=actor,
        action="assessment.judgment",
        action_label="人工判断",
        obj=judgment,
        subject=record.cluster,
        changes={"rule_id": [None, rule_id], "decision": [before[0], decision], "comment": [before[1], comment]},
    )
    return judgment


def _next_version(authority_code: str, year: int, kind: str) -> int:
    from .rulesets import file_rulesets

    versions = [
        rs.version
        for rs in file_rulesets().values()
        if rs.authority.get("code") == authority_code and rs.year == year and rs.kind == kind
    ]
    versions += list(
        StoredRuleSet.objects.filter(code__startswith=f"{authority_code}-{kind}-{year}-").values_list(
            "version", flat=True
        )
    )
    return max(versions, default=0) + 1


@transaction.atomic
def ruleset_copy(*, actor: Any, source_id: str, year: int) -> StoredRuleSet:
    """Copy a rule set (file or database) to a new draft for `year`, owned by the actor's authority."""
    require(permissions.can_edit_rulesets(actor))
    try:
        source = get_ruleset(source_id)
    except RuleSetError as exc:
        raise ServiceError(str(exc), field="source") from exc
    if not 2000 <= year <= 2100:
        raise ServiceError("年度无效。", field="year")
    org = actor.organisation
    authority_code = source.authority.get("code", "authority") if org is None else f"org{org.pk}"
    version = _next_version(authority_code, year, source.kind)
    content = copy.deepcopy(source.content)
    code = f"{authority_code}-{source.kind}-{year}-v{version}"
    content.update(
        {
            "id": code,
            "year": year,
            "version": version,
            "status": "draft",
            "authority": {
                "code": authority_code,
                "name": org.name if org else "",
                "region_name": org.region_name if org else "",
            },
        }
    )
    build(content, origin="db")
    stored = StoredRuleSet.objects.create(
        code=code,
        authority=org,
        year=year,
        version=version,
        kind=source.kind,
        title=str(content["title"]),
        content=content,
        copied_from=source.id,
        created_by=actor,
    )
    audit_record(
        actor=actor, action="ruleset.copy", action_label="复制规则集", obj=stored, changes={"from": [None, source.id]}
    )
    return stored


@transaction.atomic
def ruleset_update_rule(
    *,
    actor: Any,
    stored: StoredRuleSet,
    rule_id: str,
    revision: int,
    threshold: str | None = None,
    wording: str | None = None,
    title: str | None = None,
) -> StoredRuleSet:
    """Change one rule's threshold, wording or title in a draft rule set (optimistic lock)."""
    locked = StoredRuleSet.objects.select_for_update().get(pk=stored.pk)
    require(permissions.can_edit_stored_ruleset(actor, locked))
    if locked.revision != revision:
        raise ConcurrentEdit("该规则集已被他人修改，请刷新后重新编辑（您的输入已保留）。")
    content = copy.deepcopy(locked.content)
    rule = next((r for r in content["rules"] if r["id"] == rule_id), None)
    if rule is None:
        raise ServiceError(f"规则“{rule_id}”不存在。", field="rule_id")
    before = copy.deepcopy(rule)
    name = f"规则“{rule.get('title', rule_id)}”（{rule_id}）"
    if threshold is not None:
        if rule["check"].get("type") != "threshold":
            raise ServiceError(f"{name}没有单一阈值，请在规则文件中修改。", field="threshold")
        try:
            value = Decimal(threshold.strip())
        except InvalidOperation as exc:
            raise ServiceError(f"{name}的阈值：“{threshold}”不是有效数值。", field="threshold") from exc
        if not value.is_finite():
            raise ServiceError(f"{name}的阈值：“{threshold}”不是有效数值。", field="threshold")
        rule["check"]["threshold"] = str(value)
    if wording is not None:
        if not wording.strip() and before.get("legal_basis", {}).get("wording"):
            raise ServiceError(f"{name}的依据原文：不能为空，请照录文件原文。", field="wording")
        rule.setdefault("legal_basis", {})["wording"] = wording.strip()
    if title is not None:
        if not title.strip():
            raise ServiceError(f"{name}的名称：不能为空。", field="title")
        rule["title"] = title.strip()
    try:
        build(content, origin="db")
    except RuleSetError as exc:
        text = str(exc)
        word = rule["check"].get("word")
        if word and word not in rule.get("legal_basis", {}).get("wording", "") and "比较用语" in text:
            text = (
                f"{name}的依据原文：比较用语“{word}”未出现在原文中。比较方式按原文用语确定"
                f"（“{word}”即 {OP_SYMBOLS[WORD_OPS[str(word)]]}，{OP_INCLUSIVE[WORD_OPS[str(word)]]}），请保留该用语。"
            )
        raise ServiceError(text, field="wording") from exc
    locked.content = content
    locked.revision += 1
    locked.save(update_fields=["content", "revision", "updated_at"])
    audit_record(
        actor=actor,
        action="ruleset.update",
        action_label="修改规则",
        obj=locked,
        changes={
            rule_id: [before.get("check", {}).get("threshold"), rule["check"].get("threshold")],
            "wording": [before.get("legal_basis", {}).get("wording"), rule.get("legal_basis", {}).get("wording")],
        },
    )
    return locked


@transaction.atomic
def ruleset_publish(*, actor: Any, stored: StoredRuleSet, revision: int) -> StoredRuleSet:
    """Publish a draft: its content hash is frozen and it can no longer be changed."""
    locked = StoredRuleSet.objects.select_for_update().get(pk=stored.pk)
    require(permissions.can_edit_stored_ruleset(actor, locked))
    if locked.revision != revision:
        raise ConcurrentEdit("该规则集已被他人修改，请刷新后再发布。")
    content = {**locked.content, "status": "published"}
    build(content, origin="db")
    locked.content = content
    locked.status = "published"
    locked.content_hash = content_hash(content)
    locked.published_by = actor
    locked.published_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="ruleset.publish",
        action_label="发布规则集",
        obj=locked,
        changes={"hash": [None, locked.content_hash]},
    )
    return locked


def ruleset_preview(ruleset: RuleSet, clusters: Any) -> dict[str, Any]:
    """How many of `clusters` pass each rule on their latest available dossier (read-only)."""
    from .sources import latest_dossiers

    engine = Engine(ruleset)
    counts = {r.id: dict.fromkeys(("pass", "fail", "warning", "judgment", "missing"), 0) for r in ruleset.rules}
    assessed = without = 0
    clusters = list(clusters)
    found_by = latest_dossiers(clusters)
    for cluster in clusters:
        found = found_by[cluster.pk]
        if found is None:
            without += 1
            continue
        assessed += 1
        for r in engine.evaluate(found.dossier).results:
            counts[r.rule_id][r.status] += 1
    return {"assessed": assessed, "without_dossier": without, "counts": counts}


@transaction.atomic
def evaluation_score_save(
    *, actor: Any, evaluation: ServiceEvaluation, item_code: str, points: str, comment: str
) -> EvaluationScore:
    """An evaluator scores one rubric item (0 … item maximum) with a comment."""
    require(permissions.can_score_evaluation(actor, evaluation))
    rubric = get_rubric(evaluation.rubric_code)
    try:
        item = rubric.item(item_code)
    except KeyError as exc:
        raise ServiceError(f"评分项“{item_code}”不存在。", field="item_code") from exc
    try:
        value = Decimal(str(points).strip())
    except InvalidOperation as exc:
        raise ServiceError(f"“{item.title}”的得分“{points}”不是有效数值。", field=item_code) from exc
    if not Decimal(0) <= value <= item.max:
        raise ServiceError(f"“{item.title}”的得分须在 0 至 {item.max} 分之间。", field=item_code)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ServiceError(f"“{item.title}”的得分最多保留两位小数。", field=item_code)
    score, created = EvaluationScore.objects.update_or_create(
        evaluation=evaluation,
        evaluator=actor,
        item_code=item_code,
        defaults={"points": value, "comment": comment.strip()},
    )
    audit_record(
        actor=actor,
        action="evaluation.score",
        action_label="服务评价评分",
        obj=score,
        subject=evaluation.cluster,
        changes={item_code: [None if created else "已修改", str(value)]},
    )
    return score


@transaction.atomic
def grade_bands_set(
    *, actor: Any, authority: Any, year: int, bands: list[tuple[str, str]], fund_min_label: str
) -> GradeBandSet:
    require(permissions.can_set_grade_bands(actor, authority))
    parsed: list[dict[str, str]] = []
    for label, minimum in bands:
        if not label.strip():
            raise ServiceError("等次名称不能为空。", field="bands")
        try:
            parsed.append({"label": label.strip(), "min": str(Decimal(minimum))})
        except InvalidOperation as exc:
            raise ServiceError(f"“{label}”的分数线“{minimum}”不是有效数值。", field="bands") from exc
    mins = [Decimal(b["min"]) for b in parsed]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise ServiceError("等次须按分数线从高到低排列且分数线互不相同。", field="bands")
    if fund_min_label not in [b["label"] for b in parsed]:
        raise ServiceError("可申报专项资金的最低等次须为所列等次之一。", field="fund_min_label")
    obj, _ = GradeBandSet.objects.update_or_create(
        authority=authority,
        year=year,
        defaults={"bands": parsed, "fund_min_label": fund_min_label, "updated_by": actor},
    )
    audit_record(
        actor=actor,
        action="evaluation.grade_bands",
        action_label="设置评价等次",
        obj=obj,
        changes={"bands": [None, parsed]},
    )
    return obj


@transaction.atomic
def evaluation_submit(*, actor: Any, evaluation: ServiceEvaluation, opinion: str = "") -> EvaluatorSubmission:
    """An evaluator submits their scores: every item must be scored; the scores are then final
    and the evaluator may see the other evaluators' scores and the aggregate.

    `opinion` (评价意见) is the evaluator's overall opinion. Listeners of
    `signals.evaluation_submitted` run inside this transaction (the review cycle moves its
    service-evaluation submission on after the last evaluator); a refusal there undoes the submit."""
    from .signals import evaluation_submitted

    evaluation = ServiceEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    require(permissions.can_score_evaluation(actor, evaluation))
    rubric = get_rubric(evaluation.rubric_code)
    scores = {s.item_code: s.points for s in evaluation.scores.filter(evaluator=actor)}
    missing = [i.title for i in rubric.items() if i.code not in scores]
    if missing:
        shown = "、".join(missing[:5]) + (f"等 {len(missing)} 项" if len(missing) > 5 else "")
        raise ServiceError(f"尚有评分项未评分：{shown}。全部评分后方可提交。", field="items")
    total = sum(scores.values(), Decimal(0))
    submission = EvaluatorSubmission.objects.create(
        evaluation=evaluation, evaluator=actor, total=total, opinion=(opinion or "").strip()[:2000]
    )
    audit_record(
        actor=actor,
        action="evaluation.submit",
        action_label="提交服务评价评分",
        obj=submission,
        subject=evaluation.cluster,
        changes={"total": [None, str(total)]},
        note=submission.opinion,
    )
    evaluation_submitted.send(sender=ServiceEvaluation, evaluation=evaluation, submission=submission, actor=actor)
    return submission


def evaluation_summary(evaluation: ServiceEvaluation) -> dict[str, Any]:
    """Per evaluator totals, the aggregated score (submitted evaluators only), grade and fund eligibility."""
    from .scoring import aggregate, grade_for, may_apply_for_fund

    rubric = get_rubric(evaluation.rubric_code)
    per: dict[int, Decimal] = {}
    for s in evaluation.scores.all():
        per[s.evaluator_id] = per.get(s.evaluator_id, Decimal(0)) + s.points
    submitted = {sub.evaluator_id: sub.total for sub in evaluation.submissions.all()}
    finished = list(submitted.values())
    score, method = aggregate(finished)
    authority = grade_authority(evaluation)
    band_row = GradeBandSet.objects.filter(authority=authority, year=evaluation.year + 1).first()
    bands = band_row.band_list() if band_row else list(rubric.default_bands)
    fund_min = band_row.fund_min_label if band_row else rubric.fund_min_label
    grade = grade_for(score, bands) if score is not None else ""
    from apps.orgs.models import Assignment

    assigned = Assignment.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceEvaluation),
        object_id=evaluation.pk,
        purpose="service_evaluation",
        is_active=True,
    ).count()
    return {
        "evaluators_assigned": assigned,
        "provisional": len(finished) < assigned,
        "evaluators_finished": len(finished),
        "evaluators_started": len(set(per) | set(submitted)),
        "score": score,
        "method": method,
        "grade": grade,
        "bands": bands,
        "fund_min_label": fund_min,
        "bands_source": f"{authority}设定" if band_row else "默认等次（待设定）",
        "may_apply_for_fund": bool(grade) and may_apply_for_fund(grade, bands, fund_min),
        "fund_basis": rubric.fund_basis,
        "max_total": rubric.max_total,
    }


def grade_authority(evaluation: ServiceEvaluation) -> Any:
    """The authority whose grade bands apply: the cluster's province (直辖市 / 省), else its district."""
    return evaluation.cluster.district.province() or evaluation.cluster.district


@transaction.atomic
def evaluation_create(
    *, actor: Any, cluster: Any, year: int, rubric_code: str, evaluators: list[Any]
) -> ServiceEvaluation:
    """Open the service evaluation (服务评价) of a cluster for a year and assign the evaluators."""
    from apps.orgs.models import Assignment, Role

    require(permissions.can_manage_evaluations(actor, cluster))
    try:
        get_rubric(rubric_code)
    except Exception as exc:
        raise ServiceError(f"评分细则“{rubric_code}”不存在。", field="rubric_code") from exc
    if not 2000 <= year <= 2100:
        raise ServiceError(f"评价年度“{year}”无效。", field="year")
    if not evaluators:
        raise ServiceError("请至少选择一名第三方评价人员。", field="evaluators")
    not_evaluators = [str(u) for u in evaluators if not u.has_role(Role.EVALUATOR)]
    if not_evaluators:
        raise ServiceError(f"{'、'.join(not_evaluators)} 不是第三方评价人员。", field="evaluators")
    if ServiceEvaluation.objects.filter(cluster=cluster, year=year, rubric_code=rubric_code).exists():
        raise ServiceError(f"{cluster.name} {year} 年度的服务评价已存在。", field="cluster")
    evaluation = ServiceEvaluation.objects.create(cluster=cluster, year=year, rubric_code=rubric_code, created_by=actor)
    ct = ContentType.objects.get_for_model(ServiceEvaluation)
    for user in evaluators:
        Assignment.objects.create(user=user, content_type=ct, object_id=evaluation.pk, purpose="service_evaluation")
    audit_record(
        actor=actor,
        action="evaluation.create",
        action_label="组织服务评价",
        obj=evaluation,
        subject=cluster,
        changes={"year": [None, year], "evaluators": [None, [str(u) for u in evaluators]]},
    )
    return evaluation


@transaction.atomic
def evaluation_assign_evaluators(*, actor: Any, evaluation: ServiceEvaluation, evaluators: list[Any]) -> list[Any]:
    """Add third-party evaluators to an open service evaluation (those already assigned are kept
    as they are). Returns the users newly assigned."""
    from apps.orgs.models import Assignment, Role

    locked = ServiceEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    require(permissions.can_manage_evaluations(actor, locked.cluster))
    if locked.status != "open":
        raise ServiceError("该评价已汇总，不能再分配评价人员。", field="evaluators")
    if not evaluators:
        raise ServiceError("请至少选择一名第三方评价人员。", field="evaluators")
    not_evaluators = [str(u) for u in evaluators if not u.has_role(Role.EVALUATOR)]
    if not_evaluators:
        raise ServiceError(f"{'、'.join(not_evaluators)} 不是第三方评价人员。", field="evaluators")
    ct = ContentType.objects.get_for_model(ServiceEvaluation)
    added = []
    for user in evaluators:
        row, created = Assignment.objects.get_or_create(
            user=user, content_type=ct, object_id=locked.pk, purpose="service_evaluation"
        )
        if created or not row.is_active:
            if not row.is_active:
                row.is_active = True
                row.save(update_fields=["is_active"])
            added.append(user)
    if added:
        audit_record(
            actor=actor,
            action="evaluation.assign",
            action_label="分配第三方评价人员",
            obj=locked,
            subject=locked.cluster,
            changes={"evaluators": [None, [str(u) for u in added]]},
        )
    return added


@transaction.atomic
def evaluation_withdraw_evaluator(*, actor: Any, evaluation: ServiceEvaluation, evaluator: Any, reason: str) -> int:
    """撤回评价人员: take an evaluator who has not submitted off an open service evaluation. Their
    Assignment is deactivated (the scoring page answers 404 to them afterwards) and their draft
    scores are discarded; at least one evaluator stays on the panel. Returns the number of draft
    scores discarded. Audited."""
    from apps.orgs.models import Assignment

    locked = ServiceEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    require(permissions.can_manage_evaluations(actor, locked.cluster))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤回原因。", field="reason")
    if locked.status != "open":
        raise ServiceError("该评价已汇总，不能再撤回评价人员。", field="evaluator")
    panel = Assignment.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceEvaluation),
        object_id=locked.pk,
        purpose="service_evaluation",
        is_active=True,
    )
    row = panel.filter(user=evaluator).first()
    if row is None:
        raise ServiceError(f"{evaluator} 不是本评价的评价人员。", field="evaluator")
    if locked.submissions.filter(evaluator=evaluator).exists():
        raise ServiceError(f"{evaluator} 已提交评分，不能撤回。", field="evaluator")
    if panel.count() <= 1:
        raise ServiceError(
            f"{evaluator} 是本评价仅剩的评价人员，至少须保留一名；请先分配其他评价人员再撤回。", field="evaluator"
        )
    row.is_active = False
    row.save(update_fields=["is_active"])
    discarded, _ = locked.scores.filter(evaluator=evaluator).delete()
    audit_record(
        actor=actor,
        action="evaluation.withdraw_evaluator",
        action_label="撤回评价人员",
        obj=locked,
        subject=locked.cluster,
        changes={"evaluators": [str(evaluator), None], "discarded_scores": [discarded, 0]},
        note=reason,
    )
    return discarded
