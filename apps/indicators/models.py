"""指标目录 (indicator catalogue) in the database, synced from data/indicators/catalogue.yaml."""

from __future__ import annotations

from django.db import models


class IndicatorKind(models.TextChoices):
    STOCK = "stock", "存量（期末数）"
    FLOW = "flow", "流量（年度发生额）"
    RATIO = "ratio", "比率"
    COUNT = "count", "计数（期末个数）"


class Indicator(models.Model):
    """One stable indicator code. Rows are written only by `sync_indicators`; a code that
    disappears from the file is deactivated, never deleted (stored values keep pointing at it)."""

    code = models.CharField("指标代码", max_length=80, unique=True)
    name = models.CharField("指标名称", max_length=200)
    unit = models.CharField("计量单位", max_length=40)
    dimension = models.CharField("量纲", max_length=40)
    decimals = models.PositiveSmallIntegerField("小数位数", default=2)
    kind = models.CharField("指标类型", max_length=10, choices=IndicatorKind.choices)
    definition = models.TextField("口径说明", blank=True)
    formula = models.CharField("计算公式", max_length=300, blank=True)
    list_aggregate = models.CharField("由企业清单汇总", max_length=300, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    catalogue_version = models.PositiveIntegerField("目录版本", default=1)
    is_active = models.BooleanField("有效", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标目录"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"
