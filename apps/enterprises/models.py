"""企业库 (enterprise lists): firms, their yearly rows per cluster, qualifications, imports.

A firm (企业) is identified by its 统一社会信用代码 and keeps its name history. Each year a
cluster lists its firms: a `FirmList` (清单版本) per import, holding one `FirmYear` per firm with
every column the forms ask a list for (000 附件1/4, 001, 003, 004). One list per cluster-year is
current; `FirmYear.objects` and `FirmQualification.objects` see only current lists' rows.

Why versions: the preview writes the uploaded list as a pending version while it validates (the
database stores it on the other core), so confirming it only makes that version current — the
commit costs milliseconds however long the list, and a preview that is cancelled or found invalid
is deleted without the current list ever changing. A superseded version's record stays (which
import, when, how many firms); its rows are purged by a background task.

Amounts are Decimal in 万元; totals convert to the catalogue unit (e.g. 亿元) in `totals.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from .sme_size import RULES, SIZE_LABELS, Industry, SizeClass, classify_values


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
    # On PostgreSQL the column has the "C" collation (migration 0005: the codes are ASCII, and
    # byte-wise comparison makes the unique index cheaper to search); an AlterField of this
    # column must keep it.
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称（现名）", max_length=200)
    # Database defaults too: the list writer COPYs firms and rows without these columns, and
    # PostgreSQL's own now() costs nothing where parsing a timestamp text per row did.
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_default=Now())

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


class ListStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CURRENT = "current", "现行"
    SUPERSEDED = "superseded", "已被替换"


class FirmList(models.Model):
    """企业清单（版本）: a cluster-year list as one import (or the demo) wrote it.

    A preview writes its rows into a PENDING list; confirming the import makes it CURRENT and the
    previous one SUPERSEDED (its record kept as history, its rows purged). At most one list per
    cluster-year is current.
    """

    cluster = models.ForeignKey(
        "clusters.Cluster", verbose_name="集群", on_delete=models.CASCADE, related_name="firm_lists", db_index=False
    )
    year = models.PositiveIntegerField("数据年度")
    status = models.CharField("状态", max_length=12, choices=ListStatus.choices, default=ListStatus.PENDING)
    source_import = models.OneToOneField(
        "EnterpriseImport",
        verbose_name="来源导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="firm_list",
    )
    row_count = models.PositiveIntegerField("企业数", default=0)
    qualification_count = models.PositiveIntegerField("资质数", default=0)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    activated_at = models.DateTimeField("生效时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业清单版本"
        verbose_name_plural = "企业清单版本"
        ordering = ["cluster", "-year", "-id"]
        indexes = [models.Index(fields=["cluster", "year", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                condition=models.Q(status="current"),
                name="uniq_current_firm_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} · {self.year}年 · {self.get_status_display()}"

    @classmethod
    def current_id_query(cls, cluster_id: int, year: int) -> models.Subquery:
        """The cluster-year's current list id as a scalar subquery (NULL when it has none)."""
        return models.Subquery(
            cls.objects.filter(cluster_id=cluster_id, year=year, status=ListStatus.CURRENT).order_by().values("pk")[:1]
        )

    @classmethod
    def current_for(cls, cluster_id: int, year: int) -> FirmList:
        """The cluster-year's current list, created (empty) when it has none."""
        found = cls.objects.filter(cluster_id=cluster_id, year=year, status=ListStatus.CURRENT).first()
        if found is not None:
            return found
        from django.utils import timezone

        return cls.objects.create(
            cluster_id=cluster_id, year=year, status=ListStatus.CURRENT, activated_at=timezone.now()
        )


class CurrentFirmYearManager(models.Manager["FirmYear"]):
    """Rows of current lists only: a preview's pending rows and superseded versions stay out of
    every page, total, check and export (they are reached through `FirmYear.all_lists`)."""

    def get_queryset(self) -> models.QuerySet[FirmYear]:
        return super().get_queryset().filter(firm_list__status=ListStatus.CURRENT)

    def for_cluster_year(self, cluster_id: int, year: int) -> models.QuerySet[FirmYear]:
        """The cluster-year's current rows, found by the (cluster, year, firm_list) index: the
        current list's id comes from a scalar subquery (run once), so a pending list of the same
        cluster-year (being previewed, as long as the current one) is not read row by row."""
        return self.filter(cluster_id=cluster_id, year=year, firm_list_id=FirmList.current_id_query(cluster_id, year))


class CurrentQualificationManager(models.Manager["FirmQualification"]):
    """Qualifications of current lists' rows only (see `CurrentFirmYearManager`)."""

    def get_queryset(self) -> models.QuerySet[FirmQualification]:
        return super().get_queryset().filter(firm_year__firm_list__status=ListStatus.CURRENT)


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(f"{label}（万元）", max_digits=16, decimal_places=2, null=True, blank=True)


class FirmYear(models.Model):
    """集群企业清单中的一行: one firm's data for one year, as listed by one cluster (in one version)."""

    # Foreign keys of the list tables without a database constraint (here, `firm` and
    # FirmQualification.firm_year): a list's rows are written only by store.ListWriter, which
    # takes the list and firm ids from rows it has just read or written, and deleted only by
    # store.delete_list (rows before firms) or by Django's ORM cascade, which emulates on_delete
    # without the constraint. Checking 230,000 keys one by one at COMMIT cost the database as
    # much as storing the rows (about 1.2 s for a 100,000-firm list, half the preview's budget);
    # tests/services/enterprises check that no path leaves a row without its list or firm.
    # No index of its own: a list's rows are found by their cluster and year (the list's own),
    # whose index holds only the current and pending lists (superseded rows are purged).
    firm_list = models.ForeignKey(
        FirmList,
        verbose_name="清单版本",
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    # The list's cluster and year, repeated so that pages and totals filter without a join. No
    # index or foreign-key constraint of its own: lookups go through the list's (cluster, year)
    # and the unique (firm_list, firm) index, and the list's own foreign key holds the integrity.
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name="集群",
        on_delete=models.CASCADE,
        related_name="firm_years",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveIntegerField("数据年度")
    # No index of its own: the unique (firm, firm_list) index serves lookups by firm; no
    # database constraint (see firm_list).
    firm = models.ForeignKey(
        Firm,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="years",
        db_index=False,
        db_constraint=False,
    )
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
    size_override = models.CharField("人工认定规模", max_length=10, choices=SizeChoice.choices, blank=True)
    size_override_note = models.TextField("人工认定说明", blank=True)
    # Not indexed: always filtered within a cluster-year or a year, which have their own indexes.
    size = models.CharField("规模（采用）", max_length=10, choices=SizeChoice.choices)
    is_sme = models.BooleanField("中小企业", default=False)
    warnings = models.JSONField("数据提示", default=list, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_default=Now())  # see Firm

    all_lists = models.Manager()  # every version's rows (pending and superseded ones too)
    objects = CurrentFirmYearManager()

    class Meta:
        default_manager_name = "objects"
        verbose_name = "集群企业（年度）"
        verbose_name_plural = "集群企业（年度）"
        ordering = ["cluster", "-year", "name"]
        base_manager_name = "all_lists"
        constraints = [
            models.UniqueConstraint(fields=["firm", "firm_list"], name="uniq_firm_per_list"),
        ]
        # Pages, totals and checks ask for a cluster-year's current rows (`for_cluster_year`), and
        # the writer for a list's rows, by cluster, year and list.
        indexes = [models.Index(fields=["cluster", "year", "firm_list"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.year}年"

    def save(self, *args: object, **kwargs: object) -> None:
        # A row saved on its own (a size override, the demo, a test's factory) belongs to its
        # cluster-year's current list; imports write whole lists in store.py.
        if self.firm_list_id is None:
            self.firm_list = FirmList.current_for(self.cluster_id, self.year)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def size_reason(self) -> str:
        """划型依据: computed from the stored industry and metrics by the same rule that set
        `computed_size` (the standard's text is fixed, so the reason is not stored per row)."""
        return classify_values(self.industry or "", self.employees, self.revenue, self.total_assets)[1]

    def apply_size(self) -> None:
        """Set the adopted size and SME flag from the override (if any) or the computed class."""
        self.size = self.size_override or self.computed_size
        self.is_sme = self.size in SME_SIZES


class FirmQualification(models.Model):
    """资质 held by a firm in a year's list (one firm may hold several)."""

    # No index of its own: the unique (firm_year, kind) index serves lookups by firm-year.
    firm_year = models.ForeignKey(
        FirmYear,
        verbose_name="集群企业",
        on_delete=models.CASCADE,
        related_name="qualifications",
        db_index=False,
        db_constraint=False,  # see FirmYear.firm_list
    )
    kind = models.CharField("资质", max_length=30, choices=QualificationKind.choices)
    level = models.CharField("级别", max_length=20, choices=QualificationLevel.choices)
    year = models.PositiveIntegerField("认定年份", null=True, blank=True)

    all_lists = models.Manager()
    objects = CurrentQualificationManager()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "all_lists"
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        # No index on (kind, level): qualifications are always reached through their rows.
        constraints = [models.UniqueConstraint(fields=["firm_year", "kind"], name="uniq_qualification_kind")]

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
