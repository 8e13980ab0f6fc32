"""Filled forms (填报表单实例), their indicator values, revision history and evidence.

A `Filing` is one form of one template version, for one cluster — or, for a district-level form
(template `subject: district`, the Shanghai district summary 区级发展总结报告, 沪经信企〔2025〕73号
附件2), for one district (`Filing.district`) — and one reporting year. Its
`data` holds the values in the definitions' format (apps.filings.definitions); every save
rebuilds the `FilingValue` rows from the template's catalogue mapping so values can be queried
across forms and years. `FilingRevision` keeps each save's field-level diff (and a full
snapshot at each submission, so a reviewer can compare two submissions). `Evidence` (佐证材料)
files are stored by SHA-256 content hash through Django's default storage.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from apps.clusters.models import Cluster
from apps.orgs.models import Organisation


class FilingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    LOCKED = "locked", "已锁定"


class ApplicantKind(models.TextChoices):
    """Who fills a filing as its applicant (申报/填报主体). Set when the filing is made, from its form
    template (`Template.applicant`, data under data/form_templates/, see definitions.loader) —
    never by the caller — so 新建填报, Word import and the workflow's 开始填报 agree. Municipal
    applications and annual reports are the operator's; the
    national application and re-review are the county department's (工信厅企业函〔2025〕77号 一（一）、
    二（一）: 县级行政区划中小企业主管部门为申报主体)."""

    OPERATOR = "operator", "集群运营管理机构"
    COUNTY = "county", "县级（区级）中小企业主管部门"


# Statuses in which the applicant may still change values.
EDITABLE_STATUSES = frozenset({FilingStatus.DRAFT, FilingStatus.RETURNED})


class Filing(models.Model):
    """填报表单实例: one form of a cluster (or, for a district-level form, of a district) for a
    reporting year. Exactly one of `cluster` and `district` is set (database constraint)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="集群", null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    district = models.ForeignKey(
        Organisation,
        verbose_name="所属区（区级表单）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_filings",
        help_text="区级表单（如区级发展总结报告）的报送区；集群的表单为空",
    )
    template_code = models.CharField("表单模板", max_length=60, db_index=True)
    template_version = models.CharField("模板版本", max_length=20)
    template_title = models.CharField("表单名称", max_length=200, blank=True)
    reporting_year = models.PositiveSmallIntegerField("填报年度")
    campaign_ref = models.CharField(
        "工作通知", max_length=64, blank=True, default="", help_text="要求填报本表的工作通知（由审核流程关联）"
    )
    status = models.CharField("状态", max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    applicant = models.CharField(
        "申报（填报）主体", max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.OPERATOR
    )
    data = models.JSONField("填报内容", default=dict, blank=True)
    warning_explanations = models.JSONField("警示说明", default=dict, blank=True)
    overrides = models.JSONField(
        "与企业库不一致的说明", default=dict, blank=True, help_text="{字段: {computed, reason}}"
    )
    reopened_fields = models.JSONField("退回修改的栏目", default=list, blank=True)
    return_reasons = models.JSONField("退回原因", default=dict, blank=True)
    prefilled_from = models.JSONField("预填来源", default=list, blank=True)
    revision = models.PositiveIntegerField("版本号", default=1, help_text="乐观锁：每次保存加一")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "填报表单"
        verbose_name_plural = "填报表单"
        ordering = ["-reporting_year", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "template_code", "reporting_year", "campaign_ref"], name="uniq_filing_per_year"
            ),
            models.UniqueConstraint(
                fields=["district", "template_code", "reporting_year", "campaign_ref"],
                condition=models.Q(district__isnull=False),
                name="uniq_district_filing_per_year",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(cluster__isnull=False, district__isnull=True)
                    | models.Q(cluster__isnull=True, district__isnull=False)
                ),
                name="filing_cluster_xor_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.template_title or self.template_code} · {self.reporting_year}年"

    @property
    def is_district_level(self) -> bool:
        """A district-level form (区级表单): about the district, not about one cluster."""
        return self.cluster_id is None

    @property
    def subject(self) -> Cluster | Organisation:
        """What the form is about: its cluster, or its district (区级表单)."""
        if self.cluster_id is not None:
            return self.cluster  # type: ignore[return-value]
        return self.district  # type: ignore[return-value]

    @property
    def subject_name(self) -> str:
        """The cluster's name, or the district's (区名, e.g. 浦东新区) for a district-level form."""
        if self.cluster_id is not None:
            return self.cluster.name  # type: ignore[union-attr]
        district = self.district
        return (district.region_name or district.name) if district is not None else ""

    @property
    def subject_district(self) -> Organisation:
        """The district the form belongs to: the cluster's district, or its own (区级表单)."""
        if self.cluster_id is not None:
            return self.cluster.district  # type: ignore[union-attr]
        return self.district  # type: ignore[return-value]

    @property
    def is_editable_status(self) -> bool:
        return self.status in EDITABLE_STATUSES


class FilingValue(models.Model):
    """One indicator value of a filing for one year, in the catalogue's unit."""

    filing = models.ForeignKey(Filing, verbose_name="填报表单", on_delete=models.CASCADE, related_name="values")
    indicator_code = models.CharField("指标代码", max_length=80)
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=24, decimal_places=6)
    unit = models.CharField("计量单位", max_length=30, blank=True)
    field_key = models.CharField("来源栏目", max_length=120, blank=True)

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        constraints = [
            models.UniqueConstraint(fields=["filing", "indicator_code", "year"], name="uniq_filing_value"),
        ]
        indexes = [models.Index(fields=["indicator_code", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year}: {self.value}"


class RevisionKind(models.TextChoices):
    CREATE = "create", "新建"
    SAVE = "save", "保存"
    MERGE = "merge", "合并保存"
    SUBMIT = "submit", "提交"
    RETURN = "return", "退回修改"
    LOCK = "lock", "锁定"
    REVIEW_FILL = "review_fill", "审核方填写"


class FilingRevision(models.Model):
    """One change of a filing: the field-level diff, who and when.

    `changes` is {field_key: [before, after]}; `snapshot` is the whole data at a submission
    (so two submissions can be compared after a return).
    """

    filing = models.ForeignKey(Filing, verbose_name="填报表单", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("版本号")
    kind = models.CharField("类型", max_length=20, choices=RevisionKind.choices)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    snapshot = models.JSONField("提交时的完整内容", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "填报修改记录"
        verbose_name_plural = "填报修改记录"
        ordering = ["filing", "number", "id"]
        indexes = [models.Index(fields=["filing", "number"])]

    def __str__(self) -> str:
        return f"{self.filing_id} r{self.number} {self.get_kind_display()}"


class Evidence(models.Model):
    """佐证材料: a file attached to a field (and option of a checkbox list) of a filing."""

    filing = models.ForeignKey(Filing, verbose_name="填报表单", on_delete=models.CASCADE, related_name="evidence")
    field_key = models.CharField("栏目", max_length=120)
    option_key = models.CharField("选项", max_length=120, blank=True, default="")
    original_name = models.CharField("原文件名", max_length=120)
    stored_name = models.CharField("存储名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    content_type = models.CharField("文件类型", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["field_key", "option_key", "uploaded_at"]
        indexes = [models.Index(fields=["filing", "field_key", "option_key"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def slot(self) -> str:
        """The key the page groups evidence by: "field" or "field:option"."""
        return f"{self.field_key}:{self.option_key}" if self.option_key else self.field_key

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "name": self.original_name, "size": self.size, "content_type": self.content_type}
