"""Background exports (批量导出) and Word imports (Word 导入) of official documents.

`ExportJob`: one zip of many filled forms — each as .docx and .pdf, its evidence bundle and the
original evidence files — for a campaign (工作通知) or a chosen set of filings, limited to one
district or the starter's whole jurisdiction. The job records who started it, the filings it
covers (frozen at the start), its progress, the failures (an item that fails is listed with its
reason and does not sink the batch) and the result file in default_storage. The result is only
served through a permission-checked view, never a public URL.

`WordImport`: an applicant's uploaded .docx of an official form, the values read from it (each
with its source cell) and the cells that could not be read, waiting for confirmation; confirming
creates a draft Filing through apps.filings.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.clusters.models import Cluster
from apps.filings.models import Filing
from apps.orgs.models import Organisation


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "正在导出"
    DONE = "done", "已完成"
    FAILED = "failed", "导出失败"


class ExportScope(models.TextChoices):
    CAMPAIGN = "campaign", "工作通知的全部申报"
    FILINGS = "filings", "选定的填报表单"


class ExportJob(models.Model):
    """批量导出任务."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField("导出范围", max_length=20, choices=ExportScope.choices)
    campaign = models.ForeignKey(
        "workflow.Campaign",
        verbose_name="工作通知",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_org = models.ForeignKey(
        Organisation,
        verbose_name="区域",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="所选区县，或未选区县时发起人所在单位（全辖区）；查看和下载以此为范围",
    )
    whole_jurisdiction = models.BooleanField("全辖区", default=False)
    scope_label = models.CharField("范围说明", max_length=300)
    filings = models.ManyToManyField(Filing, verbose_name="填报表单", related_name="+", blank=True)
    status = models.CharField("状态", max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField("总份数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    failed = models.PositiveIntegerField("失败份数", default=0)
    failures = models.JSONField(
        "失败清单", default=list, blank=True, help_text="[{filing, cluster, title, reason}]：每份失败的申报及原因"
    )
    warnings = models.JSONField(
        "提示", default=list, blank=True, help_text="导出成功但需注意的事项（如佐证材料无法转换）"
    )
    result_name = models.CharField("导出文件（存储名）", max_length=300, blank=True)
    result_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量导出"
        verbose_name_plural = "批量导出"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"批量导出 #{self.pk} {self.scope_label}"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def progress(self) -> int:
        """Percentage of items processed (0–100)."""
        if not self.total:
            return 100 if self.status == ExportStatus.DONE else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def file_name(self) -> str:
        """The name the download is offered under."""
        stamp = timezone.localtime(self.created_at).strftime("%Y%m%d-%H%M") if self.created_at else ""
        return f"批量导出-{self.scope_label}-{stamp}.zip".replace("/", "-").replace(" ", "")


class WordImportStatus(models.TextChoices):
    PREVIEW = "preview", "待确认"
    CONFIRMED = "confirmed", "已生成草稿"
    DISCARDED = "discarded", "已放弃"


class WordImport(models.Model):
    """Word 导入: a filled official form read back into values, awaiting the applicant's confirmation.

    Its subject is the filing's to be (填报对象): a cluster, or — for a district-level form (区级表单,
    template `subject: district`: the district summary) — the district itself, with no cluster."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="集群", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        Organisation,
        verbose_name="区（区级表单）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="区级表单（如区级发展总结报告）的填报对象：本区；按集群填写的表单为空。",
    )
    template_code = models.CharField("表单模板", max_length=60)
    template_version = models.CharField("模板版本", max_length=20)
    template_title = models.CharField("表单名称", max_length=200)
    reporting_year = models.PositiveSmallIntegerField("填报年度")
    original_name = models.CharField("原文件名", max_length=200)
    stored_name = models.CharField("存储名", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    values = models.JSONField("读出的内容", default=dict, blank=True)
    provenance = models.JSONField("来源单元格", default=dict, blank=True, help_text="{路径: {label, source, text}}")
    unreadable = models.JSONField(
        "未能读取的单元格", default=list, blank=True, help_text="[{path, label, source, text, reason}]"
    )
    status = models.CharField("状态", max_length=20, choices=WordImportStatus.choices, default=WordImportStatus.PREVIEW)
    filing = models.ForeignKey(
        Filing, verbose_name="生成的草稿", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    decided_at = models.DateTimeField("确认/放弃时间", null=True, blank=True)

    class Meta:
        verbose_name = "Word 导入"
        verbose_name_plural = "Word 导入"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cluster__isnull=False, district__isnull=True)
                | models.Q(cluster__isnull=True, district__isnull=False),
                name="word_import_cluster_or_district",
                violation_error_message="Word 导入的填报对象须是一个集群或一个区（区级表单），二者只能有一个。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.template_title} · {self.original_name}"

    @property
    def subject_name(self) -> str:
        """The cluster's name, or the district's for a district-level form."""
        if self.cluster is not None:
            return self.cluster.name
        district = self.district
        return (district.region_name or district.name) if district is not None else ""
