"""A submission (申报/报送事项) moves through a workflow; its subject (the filled form) is generic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.clusters.models import Cluster
from apps.orgs.models import Organisation

from .campaigns import Campaign, CampaignTrack

if TYPE_CHECKING:
    from ..definitions import Workflow


class Submission(models.Model):
    """申报/报送事项: one cluster's (or district's) response to one campaign track."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="工作通知", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    track = models.ForeignKey(
        CampaignTrack, verbose_name="通知事项", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    workflow_key = models.CharField("流程", max_length=60, db_index=True)
    workflow_version = models.PositiveSmallIntegerField("流程版本")
    cluster = models.ForeignKey(
        Cluster, verbose_name="集群", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    district = models.ForeignKey(
        Organisation, verbose_name="所属区县", on_delete=models.PROTECT, related_name="workflow_submissions"
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=40, db_index=True)
    version = models.PositiveIntegerField("版本", default=1, help_text="乐观锁：每次流转加一")
    field_reasons = models.JSONField("待修改栏目及原因", default=dict, blank=True)
    data = models.JSONField("流程数据", default=dict, blank=True)
    rank = models.PositiveIntegerField("推荐排序", null=True, blank=True)
    quota_slot = models.CharField("占用名额", max_length=80, blank=True, default="", db_index=True)
    is_late = models.BooleanField("逾期提交", default=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    last_transition_at = models.DateTimeField("最近流转", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "申报/报送事项"
        verbose_name_plural = "申报/报送事项"
        ordering = ["-year", "district__path", "id"]
        indexes = [models.Index(fields=["workflow_key", "state"]), models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "workflow_key", "cluster"],
                condition=models.Q(cluster__isnull=False),
                name="uniq_submission_per_cluster",
            ),
            models.UniqueConstraint(
                fields=["campaign", "workflow_key", "district"],
                condition=models.Q(cluster__isnull=True),
                name="uniq_submission_per_district",
            ),
        ]

    def __str__(self) -> str:
        who = self.cluster.name if self.cluster_id and self.cluster else self.district.name
        return f"{who} · {self.workflow.title} · {self.year}年"

    @property
    def workflow(self) -> Workflow:
        from ..definitions import get_workflow

        return get_workflow(self.workflow_key, self.workflow_version)

    @property
    def state_label(self) -> str:
        return self.workflow.state_label(self.state)

    @property
    def public_label(self) -> str:
        return self.workflow.public_label(self.state)

    @property
    def is_final(self) -> bool:
        st = self.workflow.states.get(self.state)
        return bool(st and st.final)

    def editable_fields(self) -> list[str] | None:
        """None: every field; []: none; otherwise only the flagged fields (退回修改)."""
        mode = self.workflow.states[self.state].editable
        if mode == "all":
            return None
        if mode == "flagged":
            return sorted(self.field_reasons)
        return []


class WorkflowEvent(models.Model):
    """One transition: who, when, from, to, comment, reasons per field, the form revision then."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("流转", max_length=60)
    transition_label = models.CharField("操作", max_length=100)
    from_state = models.CharField("原状态", max_length=40)
    to_state = models.CharField("新状态", max_length=40)
    from_label = models.CharField("原环节", max_length=60)
    to_label = models.CharField("新环节", max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("操作人", max_length=200)
    actor_org_label = models.CharField("操作单位", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    comment = models.TextField("意见", blank=True)
    field_reasons = models.JSONField("栏目及原因", default=dict, blank=True)
    data = models.JSONField("流程数据", default=dict, blank=True)
    workflow_version = models.PositiveSmallIntegerField("流程版本")
    subject_revision = models.PositiveIntegerField("表单版本号", null=True, blank=True)
    subject_snapshot = models.JSONField("表单内容（当时）", null=True, blank=True)
    late = models.BooleanField("逾期", default=False)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.from_label} → {self.to_label}"
