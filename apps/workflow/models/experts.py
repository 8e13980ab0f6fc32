"""Expert review (专家评审): pool profiles, declared conflicts, reproducible draws, assignments, scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.clusters.models import Cluster
from apps.orgs.models import Organisation

from .campaigns import Campaign
from .submissions import Submission


class ExpertProfile(models.Model):
    """专家库信息 beside the user (specialties stay in User.specialties as clusters.Domain codes)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile")
    affiliation = models.CharField("工作单位", max_length=200)
    title = models.CharField("职称/职务", max_length=100, blank=True)
    district = models.ForeignKey(
        Organisation, verbose_name="所在区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliated_orgs = models.ManyToManyField(
        Organisation,
        verbose_name="申报的关联单位",
        blank=True,
        related_name="+",
        help_text="任职、兼职或有利益关系的单位（运营管理机构、主管部门等）",
    )
    is_available = models.BooleanField("可抽取", default=True)

    class Meta:
        verbose_name = "专家信息"
        verbose_name_plural = "专家信息"

    def __str__(self) -> str:
        return f"{self.user} · {self.affiliation}"


class ConflictDeclaration(models.Model):
    """An expert's own declaration of a conflict with a cluster (回避申报)."""

    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("回避原因", max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["expert", "cluster"], name="uniq_conflict")]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.cluster}"


class ExpertDraw(models.Model):
    """专家随机抽取: seed, parameters and result, so the draw can be replayed and checked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="expert_draws")
    seed = models.CharField("随机种子", max_length=64)
    params = models.JSONField("抽取参数")
    result = models.JSONField("抽取结果")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专家抽取记录"
        verbose_name_plural = "专家抽取记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign.document_number} 抽取 #{self.pk}"


class AssignmentMethod(models.TextChoices):
    MANUAL = "manual", "人工指定"
    DRAW = "draw", "随机抽取"


class ReviewAssignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="review_assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    method = models.CharField("方式", max_length=20, choices=AssignmentMethod.choices)
    draw = models.ForeignKey(ExpertDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        ordering = ["submission", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "expert"], name="uniq_review_assignment")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.submission_id}"


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", "暂存"
    SUBMITTED = "submitted", "已提交"


class ExpertScore(models.Model):
    """One expert's scores for one submission; item values are Decimal strings."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="score")
    rubric = models.CharField("评分细则", max_length=80)
    items = models.JSONField("分项得分", default=dict)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)
    status = models.CharField("状态", max_length=20, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"

    def __str__(self) -> str:
        return f"{self.assignment} {self.total}"
