"""公示 objections and revocations (002 第十九条)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.clusters.models import Cluster, Recognition

from .submissions import Submission


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class Objection(models.Model):
    """公示期内的实名异议及其处理."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="objections")
    objector_name = models.CharField("异议人（实名）", max_length=100)
    objector_contact = models.CharField("联系方式", max_length=100)
    content = models.TextField("异议内容及理由")
    evidence = models.FileField("证明材料", upload_to="workflow/objections/%Y/", blank=True)
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "处理结果", max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    handling = models.TextField("核查及处理情况", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.objector_name}"


class RevocationGround(models.TextChoices):
    """撤销认定的情形（沪经信规范〔2024〕1号 第十九条）."""

    EXPIRED_OR_FAILED = "expired_or_failed", "（一）有效期满未申请复核或者经复核未通过的"
    FALSE_APPLICATION = "false_application", "（二）存在虚假申报或者违法违规行为的"
    NO_ANNUAL_REPORT = "no_annual_report", "（三）未及时报送集群年度发展情况报告，不接受、不配合跟踪监督工作的"
    UNREPORTED_CHANGE = "unreported_change", "（四）发生主导产业、空间范围、运营管理机构变更等重大变动未及时更新报备的"
    INCIDENT = (
        "incident",
        "（五）集群企业发生较大及以上事故、重大网络和数据安全事件，或偷税漏税、违法违规、严重失信等重大问题的",
    )


class Revocation(models.Model):
    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.PROTECT, related_name="revocations")
    recognition = models.ForeignKey(
        Recognition, verbose_name="认定记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ground = models.CharField("撤销情形", max_length=30, choices=RevocationGround.choices)
    evidence = models.TextField("事实与证据")
    evidence_file = models.FileField("证据材料", upload_to="workflow/revocations/%Y/", blank=True)
    decision = models.TextField("撤销决定")
    document_number = models.CharField("决定文号", max_length=80)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "撤销认定"
        verbose_name_plural = "撤销认定"
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.get_ground_display()}"
