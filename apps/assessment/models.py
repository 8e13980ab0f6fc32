"""Stored assessment data: rule sets edited in the browser, assessment snapshots with reviewer
judgments, cluster dossiers, and the service-evaluation (服务评价) scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.clusters.models import Cluster
from apps.orgs.models import Organisation


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class StoredRuleSet(models.Model):
    """规则集（数据库副本）: created by copying a rule set in the editor; frozen once published."""

    code = models.CharField("规则集编号", max_length=80, unique=True)
    authority = models.ForeignKey(Organisation, verbose_name="所属主管部门", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    version = models.PositiveIntegerField("版本")
    kind = models.CharField("类型", max_length=20)
    title = models.CharField("名称", max_length=200)
    content = models.JSONField("规则内容")
    status = models.CharField("状态", max_length=20, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    content_hash = models.CharField("内容哈希", max_length=64, blank=True)
    copied_from = models.CharField("复制自", max_length=80, blank=True)
    revision = models.PositiveIntegerField("修订号", default=1, help_text="乐观锁：每次保存加一")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "规则集"
        verbose_name_plural = "规则集"
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    @property
    def is_published(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED

    def as_ruleset(self) -> Any:
        """The engine's RuleSet; a published copy whose content no longer matches its hash is refused."""
        from .rulesets import RuleSetError, build, content_hash

        if self.is_published and content_hash(self.content) != self.content_hash:
            raise RuleSetError(f"规则集“{self.code}”已发布，但内容与发布时的哈希不符，已拒绝使用。")
        content = {**self.content, "status": self.status}
        return build(content, origin="db", digest=self.content_hash or content_hash(content))


class ClusterDossier(models.Model):
    """评估资料: a cluster's data for one year in the dossier format (docs/dossier.md).

    Filled by imports or (later) by the adapter from filed forms; the rule-set preview and the
    self-check read the latest one through `apps.assessment.sources`.
    """

    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.CASCADE, related_name="dossiers")
    year = models.PositiveIntegerField("数据年度")
    data = models.JSONField("评估资料")
    source_label = models.CharField("来源", max_length=200, help_text="如“2025年申报表”“演示数据”")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评估资料"
        verbose_name_plural = "评估资料"
        ordering = ["cluster", "-year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.year}年 · {self.source_label}"


class Verdict(models.TextChoices):
    MEETS = "meets", "符合"
    FAILS = "fails", "不符合"
    JUDGMENT = "judgment", "需人工判断"
    INCOMPLETE = "incomplete", "资料不全"


class AssessmentRecord(models.Model):
    """评估结果快照: the result of the day, kept even if the rule set changes later.

    `subject` is generic so it can be attached to a submission (filings) or a re-review.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.PROTECT, related_name="assessments")
    purpose = models.CharField("用途", max_length=30, default="self_check")
    ruleset_code = models.CharField("规则集编号", max_length=80)
    ruleset_title = models.CharField("规则集名称", max_length=200)
    ruleset_version = models.PositiveIntegerField("规则集版本")
    ruleset_hash = models.CharField("规则集哈希", max_length=64)
    verdict = models.CharField("结论", max_length=20, choices=Verdict.choices)
    result = models.JSONField("评估结果")
    dossier = models.JSONField("评估资料快照")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("评估时间", auto_now_add=True)

    class Meta:
        verbose_name = "评估结果"
        verbose_name_plural = "评估结果"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.ruleset_title} · {self.get_verdict_display()}"

    def judgment_items(self) -> list[dict[str, Any]]:
        return [r for r in self.result.get("results", []) if r.get("status") == "judgment"]

    def verdict_after_judgments(self) -> str:
        """Verdict once reviewers' judgments replace the judgment items (pending ones stay judgment)."""
        from .engine import overall_verdict

        decided = {j.rule_id: j.decision for j in self.judgments.all()}
        pairs = []
        for r in self.result.get("results", []):
            status = r["status"]
            if status == "judgment" and r["rule_id"] in decided:
                status = decided[r["rule_id"]]
            pairs.append((r["severity"], status))
        return overall_verdict(pairs)


class JudgmentDecision(models.TextChoices):
    PASS = "pass", "认定符合"
    FAIL = "fail", "认定不符合"


class RuleJudgment(models.Model):
    """审核人员对“需人工判断”条款的判断及意见."""

    record = models.ForeignKey(AssessmentRecord, on_delete=models.CASCADE, related_name="judgments")
    rule_id = models.CharField("规则编号", max_length=80)
    decision = models.CharField("判断", max_length=10, choices=JudgmentDecision.choices)
    comment = models.TextField("意见")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("判断时间", auto_now=True)

    class Meta:
        verbose_name = "人工判断"
        verbose_name_plural = "人工判断"
        constraints = [models.UniqueConstraint(fields=["record", "rule_id"], name="uniq_judgment_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id} · {self.get_decision_display()}"


class EvaluationStatus(models.TextChoices):
    OPEN = "open", "评分中"
    CLOSED = "closed", "已汇总"


class ServiceEvaluation(models.Model):
    """推进中小企业特色产业集群高效服务评价 (000 附件3) of one cluster for one year."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="集群", on_delete=models.PROTECT, related_name="service_evaluations"
    )
    year = models.PositiveIntegerField("评价年度", help_text="评价所依据数据的年度，如 2024")
    rubric_code = models.CharField("评分细则", max_length=80)
    status = models.CharField("状态", max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务评价"
        verbose_name_plural = "服务评价"
        ordering = ["-year", "cluster__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "rubric_code"], name="uniq_service_evaluation")
        ]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.year}年度服务评价"


class EvaluationScore(models.Model):
    """One evaluator's score on one rubric item, with a comment."""

    evaluation = models.ForeignKey(ServiceEvaluation, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField("评分项", max_length=80)
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    comment = models.TextField("评分说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "evaluator", "item_code"], name="uniq_score_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.points}"


class GradeBandSet(models.Model):
    """等次划分: score bands set by the city for a year (default 优秀/良好/合格/不合格)."""

    authority = models.ForeignKey(Organisation, verbose_name="主管部门", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("评价年度")
    bands = models.JSONField("等次", help_text="[{label, min}]，按分数从高到低")
    fund_min_label = models.CharField("可申报专项资金的最低等次", max_length=20, default="良好")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评价等次"
        verbose_name_plural = "评价等次"
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="uniq_grade_bands")]

    def __str__(self) -> str:
        return f"{self.authority} · {self.year}年评价等次"

    def band_list(self) -> list[tuple[str, Decimal]]:
        return [(str(b["label"]), Decimal(str(b["min"]))) for b in self.bands]


class EvaluatorSubmission(models.Model):
    """一位评价人员提交本人评分: afterwards the scores are final and the others' scores visible."""

    evaluation = models.ForeignKey(ServiceEvaluation, on_delete=models.CASCADE, related_name="submissions")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    opinion = models.TextField("评价意见", blank=True, help_text="本人对集群服务工作的总体评价意见")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "评分提交"
        verbose_name_plural = "评分提交"
        constraints = [models.UniqueConstraint(fields=["evaluation", "evaluator"], name="uniq_evaluator_submission")]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.evaluator} · {self.total}"
