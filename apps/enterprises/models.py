"""企业库 (enterprise lists): firms, their yearly rows per cluster, qualifications, imports.

A firm (企业) is identified by its 统一社会信用代码 and keeps its name history. Each year a
cluster lists its firms: one `FirmYear` per (cluster, year, firm) carrying every column the
forms ask a list for (000 附件1/4, 001, 003, 004). Amounts are Decimal in 万元; totals
convert to the catalogue unit (e.g. 亿元 for output_value) in `totals.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .sme_size import RULES, SIZE_LABELS, Industry, SizeClass


class SizeChoice(models.TextChoices):
    LARGE = SizeClass.LARGE.value, SIZE_LABELS[SizeClass.LARGE]
    MEDIUM = SizeClass.MEDIUM.value, SIZE_LABELS[SizeClass.MEDIUM]
    SMALL = SizeClass.SMALL.value, SIZE_LABELS[SizeClass.SMALL]
    MICRO = SizeClass.MICRO.value, SIZE_LABELS[SizeClass.MICRO]
    UNKNOWN = SizeClass.UNKNOWN.value, SIZE_LABELS[SizeClass.UNKNOWN]


INDUSTRY_CHOICES = [(ind.value, RULES[ind].label) for ind in Industry]
SME_SIZES = (SizeChoice.MEDIUM, SizeChoice.SMALL, SizeChoice.MICRO)


class ListingStatus(models.TextChoices):
    NONE = "none", "未上市"
    LISTED = "listed", "上市"
    TUTORING = "tutoring", "上市辅导期"
    QUOTED = "quoted", "挂牌"


class QualificationKind(models.TextChoices):
    """资质 a firm may hold (issue 4 §1; 000 附件1/4, 003, 004 §2.2 and green lists)."""

    SPECIALISED = "specialised", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"
    SINGLE_CHAMPION = "single_champion", "制造业单项冠军企业"
    HIGH_TECH = "high_tech", "高新技术企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    TWO_INTEGRATION = "two_integration", "两化融合管理体系贯标"
    SMART_FACTORY = "smart_factory", "智能工厂"
    GREEN_FACTORY = "green_factory", "绿色工厂"
    GREEN_SUPPLY_CHAIN = "green_supply_chain", "绿色供应链管理企业"


class QualificationLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    NONE = "none", "不分级"
    PILOT = "pilot", "领航级"
    EXCELLENT = "excellent", "卓越级"
    ADVANCED = "advanced", "先进级"
    BASIC = "basic", "基础级"


# Levels a qualification may have; the first is the default when a sheet just says “是”.
QUALIFICATION_LEVELS: dict[str, tuple[str, ...]] = {
    QualificationKind.SPECIALISED: (QualificationLevel.MUNICIPAL, QualificationLevel.PROVINCIAL),
    QualificationKind.LITTLE_GIANT: (QualificationLevel.NATIONAL,),
    QualificationKind.SINGLE_CHAMPION: (
        QualificationLevel.NATIONAL,
        QualificationLevel.PROVINCIAL,
        QualificationLevel.MUNICIPAL,
    ),
    QualificationKind.HIGH_TECH: (QualificationLevel.NATIONAL,),
    QualificationKind.INNOVATIVE_SME: (QualificationLevel.NONE,),
    QualificationKind.TWO_INTEGRATION: (QualificationLevel.NONE,),
    QualificationKind.SMART_FACTORY: (
        QualificationLevel.PILOT,
        QualificationLevel.EXCELLENT,
        QualificationLevel.ADVANCED,
        QualificationLevel.BASIC,
    ),
    QualificationKind.GREEN_FACTORY: (
        QualificationLevel.NATIONAL,
        QualificationLevel.PROVINCIAL,
        QualificationLevel.MUNICIPAL,
    ),
    QualificationKind.GREEN_SUPPLY_CHAIN: (
        QualificationLevel.NATIONAL,
        QualificationLevel.PROVINCIAL,
        QualificationLevel.MUNICIPAL,
    ),
}

# The qualifications that make a 优质中小企业 (catalogue: quality_firm_count).
QUALITY_KINDS = (
    QualificationKind.SPECIALISED,
    QualificationKind.LITTLE_GIANT,
    QualificationKind.SINGLE_CHAMPION,
    QualificationKind.HIGH_TECH,
    QualificationKind.INNOVATIVE_SME,
)


class Firm(models.Model):
    """企业, identified by its 统一社会信用代码 (normalised, checksum-valid)."""

    # Unique by a constraint rather than `unique=True`: on PostgreSQL the latter adds a second
    # (varchar_pattern_ops) index for LIKE 'x%' that no query uses (the list search is
    # icontains), and every imported firm would pay for maintaining it.
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称（现名）", max_length=200)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["credit_code"], name="uniq_firm_credit_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class FirmName(models.Model):
    """名称沿革: every name a firm has been listed under, with the first year it was listed so.

    Recorded once a firm has been listed under a second name (its old and new name, and from
    then on every name it is listed under); a firm never renamed has no rows here — its one
    name is `Firm.name`.
    """

    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="names")
    name = models.CharField("企业名称", max_length=200)
    first_year = models.PositiveIntegerField("首次出现年度", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "企业名称沿革"
        verbose_name_plural = "企业名称沿革"
        ordering = ["firm", "recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["firm", "name"], name="uniq_firm_name")]

    def __str__(self) -> str:
        return self.name


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(f"{label}（万元）", max_digits=16, decimal_places=2, null=True, blank=True)


class FirmYear(models.Model):
    """集群企业清单中的一行: one firm's data for one year, as listed by one cluster."""

    # No index of its own: the unique (cluster, year, firm) index serves lookups by cluster.
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name="集群",
        on_delete=models.CASCADE,
        related_name="firm_years",
        db_index=False,
    )
    year = models.PositiveIntegerField("数据年度")
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.PROTECT, related_name="years")
    name = models.CharField("企业名称（当年）", max_length=200)
    # 所在地
    location_district = models.CharField("所在区（县）", max_length=60, blank=True)
    location_town = models.CharField("所在街镇", max_length=60, blank=True)
    location_park = models.CharField("所在园区", max_length=120, blank=True)
    # 划型
    industry = models.CharField("划型行业", max_length=30, choices=INDUSTRY_CHOICES, blank=True)
    employees = models.PositiveIntegerField("从业人员期末人数（人）", null=True, blank=True)
    revenue = _money("营业收入")
    total_assets = _money("资产总额")
    output_value = _money("产值/营业收入")
    rd_expense = _money("研发费用")
    rd_staff = models.PositiveIntegerField("研发人员（人）", null=True, blank=True)
    invention_patents = models.PositiveIntegerField("有效发明专利（个）", null=True, blank=True)
    pct_applications = models.PositiveIntegerField("PCT国际专利申请量（个）", null=True, blank=True)
    above_scale = models.BooleanField("规上企业", default=False)
    listing_status = models.CharField(
        "上市情况", max_length=10, choices=ListingStatus.choices, default=ListingStatus.NONE
    )
    cloud = models.BooleanField("已上云", default=False)
    industrial_internet = models.BooleanField("应用工业互联网平台", default=False)
    digital_rd_tools = models.BooleanField("应用数字化研发工具", default=False)
    export_amount = _money("主导产品出口额")
    fdi_amount = _money("外商直接投资额")
    leading_industry_related = models.BooleanField("与主导产业相关", default=True)
    main_products = models.JSONField("主导产品（不超过3个）", default=list, blank=True)
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    # 企业规模: computed from the 2011 standard; an override keeps the computed value beside it.
    computed_size = models.CharField("测算规模", max_length=10, choices=SizeChoice.choices)
    size_reason = models.TextField("划型依据")
    size_override = models.CharField("人工认定规模", max_length=10, choices=SizeChoice.choices, blank=True)
    size_override_note = models.TextField("人工认定说明", blank=True)
    # Not indexed: always filtered within a cluster-year or a year, which have their own indexes.
    size = models.CharField("规模（采用）", max_length=10, choices=SizeChoice.choices)
    is_sme = models.BooleanField("中小企业", default=False)
    warnings = models.JSONField("数据提示", default=list, blank=True)
    source_import = models.ForeignKey(
        "EnterpriseImport",
        verbose_name="来源导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "集群企业（年度）"
        verbose_name_plural = "集群企业（年度）"
        ordering = ["cluster", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "firm"], name="uniq_firm_year_per_cluster"),
        ]
        indexes = [models.Index(fields=["year", "firm"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.year}年"

    def apply_size(self) -> None:
        """Set the adopted size and SME flag from the override (if any) or the computed class."""
        self.size = self.size_override or self.computed_size
        self.is_sme = self.size in SME_SIZES


class FirmQualification(models.Model):
    """资质 held by a firm in a year's list (one firm may hold several)."""

    # No index of its own: the unique (firm_year, kind) index serves lookups by firm-year.
    firm_year = models.ForeignKey(
        FirmYear, verbose_name="集群企业", on_delete=models.CASCADE, related_name="qualifications", db_index=False
    )
    kind = models.CharField("资质", max_length=30, choices=QualificationKind.choices)
    level = models.CharField("级别", max_length=20, choices=QualificationLevel.choices)
    year = models.PositiveIntegerField("认定年份", null=True, blank=True)

    class Meta:
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        constraints = [models.UniqueConstraint(fields=["firm_year", "kind"], name="uniq_qualification_kind")]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_level_display()}）"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    PARSING = "parsing", "正在读取和校验"
    PREVIEW = "preview", "待确认导入"
    INVALID = "invalid", "有错误，未导入"
    COMMITTING = "committing", "正在导入"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "导入失败，未做任何修改"
    CANCELLED = "cancelled", "已放弃"


class EnterpriseImport(models.Model):
    """一次企业清单导入: the uploaded file (in default_storage), its preview and its outcome."""

    cluster = models.ForeignKey(
        "clusters.Cluster", verbose_name="集群", on_delete=models.CASCADE, related_name="enterprise_imports"
    )
    year = models.PositiveIntegerField("数据年度")
    file_name = models.CharField("存储文件", max_length=300)
    original_name = models.CharField("上传文件名", max_length=255)
    size_bytes = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    status = models.CharField("状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    progress_label = models.CharField("进度说明", max_length=100, blank=True)
    message = models.TextField("结果说明", blank=True)
    summary = models.JSONField("预览与结果", default=dict, blank=True)
    error_file_name = models.CharField("错误清单文件", max_length=300, blank=True)
    file_sha256 = models.CharField("上传文件SHA-256", max_length=64, blank=True)
    stage_file_name = models.CharField("暂存校验结果文件", max_length=300, blank=True)
    stage_sha256 = models.CharField("暂存校验结果SHA-256", max_length=64, blank=True)
    # On PostgreSQL the preview stages its rows in two tables of its own instead of a file (store.py).
    stage_table = models.CharField("暂存校验结果表", max_length=63, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业清单导入"
        verbose_name_plural = "企业清单导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.year}年 · {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.PARSING, ImportStatus.COMMITTING)
