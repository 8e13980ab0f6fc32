"""Organisations (组织机构), users and their roles.

The tree: ministry → provincial level → prefecture city (where there is one) → district/county;
cluster operators hang under their district; expert pools and third-party evaluators are
organisations of their own kind (placed under the authority that keeps them, but they see only
what is assigned to them, never the subtree).

Subtree queries use a materialised path ("/1/5/12/"), so "everything under X" is one indexed
`startswith` on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class OrgKind(models.TextChoices):
    MINISTRY = "ministry", "部级（工业和信息化部）"
    PROVINCE = "province", "省级"
    CITY = "city", "地市级"
    DISTRICT = "district", "区县级"
    OPERATOR = "operator", "集群运营管理机构"
    EXPERT_POOL = "expert_pool", "专家"
    EVALUATOR = "evaluator", "第三方评价机构"


# Government levels that review and see their whole subtree.
AUTHORITY_KINDS = frozenset({OrgKind.MINISTRY, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT})

# Which kind may sit under which: the tree is checked on every create/move.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    OrgKind.MINISTRY: frozenset(),
    OrgKind.PROVINCE: frozenset({OrgKind.MINISTRY}),
    OrgKind.CITY: frozenset({OrgKind.PROVINCE}),
    OrgKind.DISTRICT: frozenset({OrgKind.PROVINCE, OrgKind.CITY}),
    OrgKind.OPERATOR: frozenset({OrgKind.DISTRICT}),
    OrgKind.EXPERT_POOL: frozenset({OrgKind.MINISTRY, OrgKind.PROVINCE, OrgKind.CITY}),
    OrgKind.EVALUATOR: frozenset({OrgKind.MINISTRY, OrgKind.PROVINCE, OrgKind.CITY}),
}


class ProvincialType(models.TextChoices):
    """The type matters for national quotas (003: ≤ 8 per province, ≤ 2 per 计划单列市/兵团)."""

    PROVINCE = "province", "省"
    AUTONOMOUS_REGION = "autonomous_region", "自治区"
    MUNICIPALITY = "municipality", "直辖市"
    PLAN_CITY = "plan_city", "计划单列市"
    CORPS = "corps", "新疆生产建设兵团"


class Organisation(models.Model):
    """组织机构."""

    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    provincial_type = models.CharField("省级单位类型", max_length=20, choices=ProvincialType.choices, blank=True)
    region_name = models.CharField(
        "行政区划名称",
        max_length=60,
        blank=True,
        help_text="如“上海市”“浦东新区”，用于核对集群名称格式。",
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("层级路径", max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField("启用", default=True)
    is_demo = models.BooleanField("演示数据", default=False)
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=60, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path needs the pk, so a new row is saved twice (once to get its id).
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
            kwargs["update_fields"] = None
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        self.path = f"{parent_path}{self.pk}/"
        super().save(*args, **kwargs)

    @property
    def is_authority(self) -> bool:
        return self.kind in AUTHORITY_KINDS

    def is_within(self, other: Organisation) -> bool:
        """True if self is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    def ancestors(self) -> list[Organisation]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        by_id = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def province(self) -> Organisation | None:
        return next((o for o in self.ancestors() if o.kind == OrgKind.PROVINCE), None)

    def district(self) -> Organisation | None:
        return next((o for o in reversed(self.ancestors()) if o.kind == OrgKind.DISTRICT), None)


class Role(models.TextChoices):
    OPERATOR_STAFF = "operator_staff", "集群运营管理机构填报人员"
    DISTRICT_REVIEWER = "district_reviewer", "区县主管部门审核人员"
    AUTHORITY_STAFF = "authority_staff", "市/省主管部门工作人员"
    AUTHORITY_ADMIN = "authority_admin", "市/省主管部门管理员"
    MINISTRY_STAFF = "ministry_staff", "部级工作人员"
    EXPERT = "expert", "评审专家"
    EVALUATOR = "evaluator", "第三方评价人员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


# Roles a user may hold given their organisation's kind.
ROLES_BY_ORG_KIND: dict[str, frozenset[str]] = {
    OrgKind.MINISTRY: frozenset({Role.MINISTRY_STAFF, Role.AUTHORITY_ADMIN, Role.SYSTEM_ADMIN}),
    OrgKind.PROVINCE: frozenset({Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.SYSTEM_ADMIN}),
    OrgKind.CITY: frozenset({Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN}),
    OrgKind.DISTRICT: frozenset({Role.DISTRICT_REVIEWER}),
    OrgKind.OPERATOR: frozenset({Role.OPERATOR_STAFF}),
    OrgKind.EXPERT_POOL: frozenset({Role.EXPERT}),
    OrgKind.EVALUATOR: frozenset({Role.EVALUATOR}),
}


class User(AbstractUser):
    """A person with a login. Belongs to exactly one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名/称呼", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    specialties = models.JSONField("专业领域", default=list, blank=True, help_text="专家的专业领域（产业领域代码列表）")
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name()

    @property
    def role_codes(self) -> frozenset[str]:
        # Cached per instance: role checks run many times per request.
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_codes)]


class UserRole(models.Model):
    """One role held by a user (a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Assignment(models.Model):
    """An object assigned to an expert or evaluator (评审/评价任务分配).

    Experts and evaluators see only what an Assignment names; the selectors read this table.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField("用途", max_length=40, default="review")
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务分配"
        verbose_name_plural = "任务分配"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id", "purpose"], name="uniq_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.content_type.model} #{self.object_id} · {self.purpose}"
