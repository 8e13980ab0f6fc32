"""Cluster registry (集群名录): clusters, their recognition history and major changes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from apps.orgs.models import Organisation


class Domain(models.TextChoices):
    """主导产业所属产业领域 — the list of 000 附件4 (Shanghai 2025 application)."""

    INTEGRATED_CIRCUITS = "integrated_circuits", "集成电路"
    BIOMEDICINE = "biomedicine", "生物医药"
    ARTIFICIAL_INTELLIGENCE = "artificial_intelligence", "人工智能"
    ELECTRONIC_INFORMATION = "electronic_information", "电子信息"
    LIFE_HEALTH = "life_health", "生命健康"
    AUTOMOTIVE = "automotive", "汽车"
    HIGH_END_EQUIPMENT = "high_end_equipment", "高端装备"
    ADVANCED_MATERIALS = "advanced_materials", "先进材料"
    FASHION_CONSUMER = "fashion_consumer", "时尚消费品"
    DIGITAL_ECONOMY = "digital_economy", "数字经济"
    GREEN_LOW_CARBON = "green_low_carbon", "绿色低碳"
    METAVERSE = "metaverse", "元宇宙"
    SMART_TERMINALS = "smart_terminals", "智能终端"
    FUTURE_HEALTH = "future_health", "未来健康"
    FUTURE_INTELLIGENCE = "future_intelligence", "未来智能"
    FUTURE_ENERGY = "future_energy", "未来能源"
    FUTURE_SPACE = "future_space", "未来空间"
    FUTURE_MATERIALS = "future_materials", "未来材料"
    OTHER = "other", "其他"


class IndustryType(models.TextChoices):
    PRIMARY = "primary", "第一产业"
    SECONDARY = "secondary", "第二产业"
    TERTIARY = "tertiary", "第三产业"


class RecognitionLevel(models.TextChoices):
    MUNICIPAL = "municipal", "市级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


class ClusterStatus(models.TextChoices):
    CULTIVATING = "cultivating", "培育中"
    RECOGNISED = "recognised", "已认定"
    UNDER_REREVIEW = "under_rereview", "复核中"
    EXPIRED = "expired", "已期满"
    REVOKED = "revoked", "已撤销"


class Cluster(models.Model):
    """中小企业特色产业集群."""

    name = models.CharField("集群名称", max_length=120, unique=True, help_text="格式：上海市XX区XX产业集群")
    short_name = models.CharField("简称", max_length=60, blank=True)
    district = models.ForeignKey(
        Organisation, verbose_name="所属区县", on_delete=models.PROTECT, related_name="district_clusters"
    )
    operator = models.ForeignKey(
        Organisation, verbose_name="集群运营管理机构", on_delete=models.PROTECT, related_name="operated_clusters"
    )
    leading_industry = models.CharField("主导产业（细分领域）", max_length=120)
    domain = models.CharField("主导产业所属产业领域", max_length=40, choices=Domain.choices)
    domain_other = models.CharField("其他领域说明", max_length=60, blank=True)
    industry_type = models.CharField(
        "产业类型", max_length=20, choices=IndustryType.choices, default=IndustryType.SECONDARY
    )
    area_km2 = models.DecimalField(
        "集群占地面积（平方公里）", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    core_parks = models.TextField("核心园区", blank=True)
    description = models.TextField("简介", blank=True)
    status = models.CharField("状态", max_length=20, choices=ClusterStatus.choices, default=ClusterStatus.CULTIVATING)
    is_demo = models.BooleanField("演示数据", default=False)
    version = models.PositiveIntegerField("版本", default=1, help_text="乐观锁：每次修改加一")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "集群"
        verbose_name_plural = "集群"
        ordering = ["district__path", "name"]

    def __str__(self) -> str:
        return self.name

    def current_recognition(self) -> Recognition | None:
        return self.recognitions.filter(is_current=True).order_by("-valid_from").first()


class Recognition(models.Model):
    """认定记录: one recognition (or re-review extension) of a cluster at a level."""

    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.CASCADE, related_name="recognitions")
    level = models.CharField("认定级别", max_length=20, choices=RecognitionLevel.choices)
    batch_year = models.PositiveIntegerField("批次年份")
    document_number = models.CharField("认定文号", max_length=80, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    status = models.CharField("状态", max_length=20, choices=ClusterStatus.choices, default=ClusterStatus.RECOGNISED)
    status_reason = models.TextField("状态变更原因", blank=True)
    is_current = models.BooleanField("当前有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "认定记录"
        verbose_name_plural = "认定记录"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.get_level_display()} · {self.batch_year}年"


class MajorChangeKind(models.TextChoices):
    """重大变动 (002 第十九条(四)): unreported changes are a revocation ground."""

    OPERATOR = "operator", "运营管理机构变更"
    LEADING_INDUSTRY = "leading_industry", "主导产业变更"
    SPATIAL_SCOPE = "spatial_scope", "空间范围变更"


class MajorChangeStatus(models.TextChoices):
    REPORTED = "reported", "已报备，待区确认"
    CONFIRMED = "confirmed", "区已确认"
    REJECTED = "rejected", "区不予确认"


class MajorChange(models.Model):
    cluster = models.ForeignKey(Cluster, verbose_name="集群", on_delete=models.CASCADE, related_name="major_changes")
    kind = models.CharField("变动类型", max_length=30, choices=MajorChangeKind.choices)
    before = models.TextField("变更前")
    after = models.TextField("变更后")
    reason = models.TextField("变更说明")
    effective_date = models.DateField("变更日期")
    status = models.CharField(
        "状态", max_length=20, choices=MajorChangeStatus.choices, default=MajorChangeStatus.REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报备人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报备时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_comment = models.TextField("确认意见", blank=True)

    class Meta:
        verbose_name = "重大变动报备"
        verbose_name_plural = "重大变动报备"
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.get_kind_display()}"
