"""工作通知 (campaign): a notice published by an authority that asks clusters or districts to fill
forms by stage deadlines, with quotas for recommending upward."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.orgs.models import Organisation


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class Audience(models.TextChoices):
    RECOGNISED = "recognised", "全部已认定集群"
    NEW_APPLICANTS = "new_applicants", "新申报集群"
    REREVIEW_DUE = "rereview_due", "到期需复核集群"
    DISTRICTS = "districts", "各区中小企业主管部门"


AUDIENCES = dict(Audience.choices)

# Default national quotas (工信厅企业函〔2025〕77号 一（三）); a campaign may override them.
DEFAULT_QUOTAS: dict[str, int] = {
    "province": 8,
    "autonomous_region": 8,
    "municipality": 8,
    "plan_city": 2,
    "corps": 2,
}


def default_quotas() -> dict[str, int]:
    return dict(DEFAULT_QUOTAS)


def default_reminder_days() -> list[int]:
    return [7, 3, 1]


class Campaign(models.Model):
    """工作通知."""

    authority = models.ForeignKey(
        Organisation, verbose_name="发文单位", on_delete=models.PROTECT, related_name="campaigns"
    )
    document_number = models.CharField("文号", max_length=80, unique=True, help_text="如 沪经信企〔2025〕73号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    quotas = models.JSONField(
        "推荐名额", default=default_quotas, help_text="按省级单位类型的推荐上限，如 {province: 8, plan_city: 2}"
    )
    reminder_days = models.JSONField("截止前提醒（天）", default=default_reminder_days)
    scoring_rubric = models.CharField("专家评分细则", max_length=80, blank=True, default="municipal_expert_review.v1")
    experts_per_submission = models.PositiveSmallIntegerField("每项申报专家人数", default=3)
    recognition_prefix = models.CharField("认定编号前缀", max_length=30, blank=True, default="")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "工作通知"
        verbose_name_plural = "工作通知"
        ordering = ["-year", "-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"

    def deadline_for(self, stage: str) -> CampaignDeadline | None:
        for d in self.deadlines.all():
            if d.stage == stage:
                return d
        return None

    def quota_for(self, provincial_type: str) -> int | None:
        value = (self.quotas or {}).get(provincial_type)
        return int(value) if value is not None else None


class CampaignTrack(models.Model):
    """One thing a campaign asks for: a workflow, the template to fill and who must respond."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tracks")
    workflow_key = models.CharField("流程", max_length=60)
    workflow_version = models.PositiveSmallIntegerField("流程版本")
    template_code = models.CharField("填报模板", max_length=60, blank=True)
    template_version = models.CharField("模板版本", max_length=20, blank=True)
    audience = models.CharField("报送对象", max_length=30, choices=Audience.choices)
    title = models.CharField("事项名称", max_length=200)

    class Meta:
        verbose_name = "通知事项"
        verbose_name_plural = "通知事项"
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.title


class CampaignDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField("环节", max_length=40)
    due_at = models.DateTimeField("截止时间")

    class Meta:
        verbose_name = "截止时间"
        verbose_name_plural = "截止时间"
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["campaign", "stage"], name="uniq_campaign_stage")]

    def __str__(self) -> str:
        return f"{self.campaign.document_number} {self.stage} {self.due_at:%Y-%m-%d}"

    @property
    def stage_label(self) -> str:
        from ..definitions import DEADLINE_STAGES

        return DEADLINE_STAGES.get(self.stage, self.stage)


class CampaignAttachment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("附件名称", max_length=200)
    file = models.FileField("文件", upload_to="workflow/campaigns/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "通知附件"
        verbose_name_plural = "通知附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
