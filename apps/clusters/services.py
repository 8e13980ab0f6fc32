"""State changes of the cluster registry. Each is one transaction with an audit record whose
subject is the cluster, so every change shows on the cluster's timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.audit import audit_record, diff, snapshot
from apps.core.errors import ConcurrentEdit, ServiceError, require
from apps.orgs.models import Organisation, OrgKind

from . import permissions
from .models import (
    Cluster,
    ClusterStatus,
    Domain,
    IndustryType,
    MajorChange,
    MajorChangeKind,
    MajorChangeStatus,
    Recognition,
    RecognitionLevel,
)

CLUSTER_FIELDS = [
    "name",
    "short_name",
    "district",
    "operator",
    "leading_industry",
    "domain",
    "domain_other",
    "industry_type",
    "area_km2",
    "core_parks",
    "description",
    "status",
]
EDITABLE_FIELDS = frozenset(CLUSTER_FIELDS) - {"status"}
RECOGNITION_FIELDS = ["level", "batch_year", "document_number", "valid_from", "valid_to", "status", "is_current"]
NAME_SUFFIX = "产业集群"
VALIDITY_YEARS = 3  # 管理办法 第十四条: recognition is valid for three years


# ---- official name ---------------------------------------------------------------------------


def expected_name_prefix(district: Organisation) -> str:
    """上海市浦东新区 / 浙江省杭州市西湖区: region names from the province down to the district."""
    parts = [
        o.region_name
        for o in district.ancestors()
        if o.kind in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT) and o.region_name
    ]
    return "".join(parts)


def check_cluster_name(name: str, district: Organisation) -> str:
    """The documents' format: 上海市 + the district's region name + XX + 产业集群."""
    name = re.sub(r"\s+", "", name or "")
    if not name:
        raise ServiceError("请填写集群名称。", field="name")
    if not district.region_name:
        raise ServiceError(
            f"区县“{district.name}”未填写行政区划名称，无法核对集群名称，请先由管理员补充。", field="district"
        )
    prefix = expected_name_prefix(district)
    example = f"{prefix}智能传感器{NAME_SUFFIX}"
    if not name.startswith(prefix):
        raise ServiceError(
            f"集群名称须以所属区县“{prefix}”开头（所选区县：{district.name}），例如“{example}”。", field="name"
        )
    if not name.endswith(NAME_SUFFIX) or len(name) <= len(prefix) + len(NAME_SUFFIX):
        raise ServiceError(f"集群名称须为“{prefix}XX{NAME_SUFFIX}”格式，例如“{example}”。", field="name")
    return name


# ---- clusters --------------------------------------------------------------------------------


def _clean_cluster(values: dict[str, Any], cluster_pk: int | None) -> dict[str, Any]:
    district = values["district"]
    operator = values["operator"]
    if district is None or district.kind != OrgKind.DISTRICT:
        raise ServiceError("请选择所属区县。", field="district")
    if operator is None or operator.kind != OrgKind.OPERATOR:
        raise ServiceError("请选择集群运营管理机构。", field="operator")
    if operator.parent_id != district.pk:
        raise ServiceError(f"运营管理机构“{operator.name}”不属于“{district.name}”。", field="operator")
    values["name"] = check_cluster_name(values["name"], district)
    clash = Cluster.objects.filter(name=values["name"])
    if cluster_pk is not None:
        clash = clash.exclude(pk=cluster_pk)
    if clash.exists():
        raise ServiceError(f"已有名为“{values['name']}”的集群。", field="name")
    if not (values.get("leading_industry") or "").strip():
        raise ServiceError("请填写主导产业（细分领域）。", field="leading_industry")
    if values.get("domain") not in Domain.values:
        raise ServiceError("请选择主导产业所属产业领域。", field="domain")
    if values["domain"] == Domain.OTHER and not (values.get("domain_other") or "").strip():
        raise ServiceError("产业领域选择“其他”时须说明具体领域。", field="domain_other")
    if values.get("industry_type") not in IndustryType.values:
        raise ServiceError("请选择产业类型。", field="industry_type")
    try:
        area = Decimal(str(values.get("area_km2")))
    except (InvalidOperation, ValueError):
        raise ServiceError("集群占地面积须为数字（平方公里）。", field="area_km2") from None
    if not area.is_finite() or area < 0:
        raise ServiceError("集群占地面积不能为负数。", field="area_km2")
    values["area_km2"] = area.quantize(Decimal("0.01"))
    return values


@transaction.atomic
def cluster_create(
    *,
    actor: Any,
    name: str,
    district: Organisation,
    operator: Organisation,
    leading_industry: str,
    domain: str,
    area_km2: Decimal | str,
    industry_type: str = IndustryType.SECONDARY,
    short_name: str = "",
    domain_other: str = "",
    core_parks: str = "",
    description: str = "",
    is_demo: bool = False,
) -> Cluster:
    if actor is not None:
        require(permissions.can_create_cluster(actor, district))
    values = _clean_cluster(
        {
            "name": name,
            "district": district,
            "operator": operator,
            "leading_industry": leading_industry.strip(),
            "domain": domain,
            "domain_other": domain_other.strip(),
            "industry_type": industry_type,
            "area_km2": area_km2,
            "short_name": short_name.strip(),
            "core_parks": core_parks.strip(),
            "description": description.strip(),
        },
        None,
    )
    cluster = Cluster.objects.create(**values, is_demo=is_demo)
    audit_record(
        actor=actor,
        action="cluster.create",
        action_label="登记集群",
        obj=cluster,
        changes=diff({}, snapshot(cluster, CLUSTER_FIELDS)),
    )
    return cluster


@transaction.atomic
def cluster_update(*, actor: Any, cluster: Cluster, version: int, **fields: Any) -> Cluster:
    """Edit registry fields. `version` is the one the editor loaded: if someone saved in between,
    the edit is refused (ConcurrentEdit) rather than silently overwriting theirs."""
    require(permissions.can_edit_cluster(actor, cluster))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(f"不可修改的字段：{'、'.join(sorted(unknown))}")
    locked = Cluster.objects.select_for_update().select_related("district", "operator").get(pk=cluster.pk)
    if locked.version != version:
        raise ConcurrentEdit(
            f"该集群在您编辑期间已被他人修改（当前版本 {locked.version}，您编辑的是版本 {version}），"
            "为避免覆盖他人的修改，本次未保存。请刷新页面查看最新内容后重新修改。"
        )
    if "district" in fields:
        require(permissions.can_edit_cluster(actor, Cluster(district=fields["district"])))
    before = snapshot(locked, CLUSTER_FIELDS)
    current = {f: getattr(locked, f) for f in EDITABLE_FIELDS}
    values = _clean_cluster({**current, **fields}, locked.pk)
    for key, value in values.items():
        setattr(locked, key, value)
    changes = diff(before, snapshot(locked, CLUSTER_FIELDS))
    if not changes:
        return locked
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit_record(actor=actor, action="cluster.update", action_label="修改集群信息", obj=locked, changes=changes)
    return locked


# ---- recognitions ----------------------------------------------------------------------------


def default_valid_to(valid_from: date) -> date:
    """Three years: 2023-06-01 → 2026-05-31."""
    try:
        end = valid_from.replace(year=valid_from.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + VALIDITY_YEARS, day=28)
    return end - timedelta(days=1)


@transaction.atomic
def recognition_add(
    *,
    actor: Any,
    cluster: Cluster,
    level: str,
    batch_year: int,
    valid_from: date,
    document_number: str = "",
    valid_to: date | None = None,
    status: str = ClusterStatus.RECOGNISED,
    reason: str = "",
) -> Recognition:
    """Record a recognition (认定) of `cluster`; it becomes the current one and sets the
    cluster's status."""
    if actor is not None:
        require(permissions.can_manage_recognition(actor, cluster))
    if level not in RecognitionLevel.values:
        raise ServiceError("请选择认定级别。", field="level")
    this_year = timezone.localdate().year
    if not 2000 <= int(batch_year) <= this_year + 1:
        raise ServiceError(f"批次年份须在 2000—{this_year + 1} 之间。", field="batch_year")
    valid_to = valid_to or default_valid_to(valid_from)
    if valid_to <= valid_from:
        raise ServiceError("有效期止须晚于有效期起。", field="valid_to")
    if status not in ClusterStatus.values:
        raise ServiceError("请选择认定状态。", field="status")
    document_number = document_number.strip()
    if document_number and Recognition.objects.filter(cluster=cluster, document_number=document_number).exists():
        raise ServiceError(f"该集群已登记文号为“{document_number}”的认定记录。", field="document_number")
    locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
    Recognition.objects.filter(cluster=locked, is_current=True).update(is_current=False)
    rec = Recognition.objects.create(
        cluster=locked,
        level=level,
        batch_year=batch_year,
        document_number=document_number,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
        status_reason=reason.strip(),
        is_current=True,
    )
    old_status = locked.status
    Cluster.objects.filter(pk=locked.pk).update(status=status, version=F("version") + 1)
    audit_record(
        actor=actor,
        action="recognition.add",
        action_label=f"登记认定（{rec.get_level_display()} {batch_year}年）",
        obj=rec,
        subject=locked,
        changes={**diff({}, snapshot(rec, RECOGNITION_FIELDS)), "cluster_status": [old_status, status]},
        note=reason,
    )
    return rec


@transaction.atomic
def recognition_set_status(*, actor: Any, recognition: Recognition, status: str, reason: str) -> Recognition:
    """Change a recognition's status (复核中, 已期满, 已撤销 …) with the reason of the change."""
    rec = Recognition.objects.select_for_update().select_related("cluster__district").get(pk=recognition.pk)
    if actor is not None:  # None: a system job (e.g. expiry at the end of the validity period)
        require(permissions.can_manage_recognition(actor, rec.cluster))
    if status not in ClusterStatus.values:
        raise ServiceError("请选择状态。", field="status")
    if status == rec.status:
        raise ServiceError(f"状态已是“{rec.get_status_display()}”，无需变更。", field="status")
    reason = reason.strip()
    if not reason:
        raise ServiceError("变更认定状态须填写原因（如撤销依据）。", field="reason")
    before = snapshot(rec, [*RECOGNITION_FIELDS, "status_reason"])
    rec.status = status
    rec.status_reason = reason
    rec.save(update_fields=["status", "status_reason"])
    if rec.is_current:
        Cluster.objects.filter(pk=rec.cluster_id).update(status=status, version=F("version") + 1)
    audit_record(
        actor=actor,
        action="recognition.status",
        action_label=f"变更认定状态为“{rec.get_status_display()}”",
        obj=rec,
        subject=rec.cluster,
        changes=diff(before, snapshot(rec, [*RECOGNITION_FIELDS, "status_reason"])),
        note=reason,
    )
    return rec


# ---- major changes (重大变动报备) ---------------------------------------------------------------


def _current_value(cluster: Cluster, kind: str) -> str:
    if kind == MajorChangeKind.OPERATOR:
        return cluster.operator.name
    if kind == MajorChangeKind.LEADING_INDUSTRY:
        return cluster.leading_industry
    return cluster.core_parks


@transaction.atomic
def major_change_report(
    *,
    actor: Any,
    cluster: Cluster,
    kind: str,
    after: str,
    reason: str,
    effective_date: date,
    before: str | None = None,
) -> MajorChange:
    """The operator reports a change of operator, leading industry or spatial scope (002 第十九条(四))."""
    require(permissions.can_report_major_change(actor, cluster))
    if kind not in MajorChangeKind.values:
        raise ServiceError("请选择变动类型。", field="kind")
    after = after.strip()
    if not after:
        raise ServiceError("请填写变更后的内容。", field="after")
    if not reason.strip():
        raise ServiceError("请填写变更说明。", field="reason")
    if effective_date > timezone.localdate() + timedelta(days=366):
        raise ServiceError("变更日期不能晚于一年之后。", field="effective_date")
    if MajorChange.objects.filter(cluster=cluster, kind=kind, status=MajorChangeStatus.REPORTED).exists():
        raise ServiceError("该类型已有一条待区确认的报备，请等待区主管部门处理后再报备。", field="kind")
    before_value = (before if before is not None else _current_value(cluster, kind)).strip()
    if before_value == after:
        raise ServiceError("变更后的内容与变更前相同。", field="after")
    change = MajorChange.objects.create(
        cluster=cluster,
        kind=kind,
        before=before_value,
        after=after,
        reason=reason.strip(),
        effective_date=effective_date,
        reported_by=actor,
    )
    audit_record(
        actor=actor,
        action="major_change.report",
        action_label=f"报备重大变动：{change.get_kind_display()}",
        obj=change,
        subject=cluster,
        changes={"before": [None, change.before], "after": [None, change.after]},
        note=change.reason,
    )
    return change


@transaction.atomic
def major_change_decide(*, actor: Any, change: MajorChange, confirm: bool, comment: str = "") -> MajorChange:
    """The district confirms (or declines) a reported change. A confirmed change of the leading
    industry or spatial scope updates the registry; a change of operator is carried out by the
    city in the registry (the new operator must first exist as an organisation)."""
    locked = MajorChange.objects.select_for_update().select_related("cluster").get(pk=change.pk)
    require(permissions.can_decide_major_change(actor, locked))
    comment = comment.strip()
    if not confirm and not comment:
        raise ServiceError("不予确认时须填写意见。", field="comment")
    locked.status = MajorChangeStatus.CONFIRMED if confirm else MajorChangeStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = comment
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    cluster_changes: dict[str, list[Any]] = {}
    if confirm and locked.kind in (MajorChangeKind.LEADING_INDUSTRY, MajorChangeKind.SPATIAL_SCOPE):
        field = "leading_industry" if locked.kind == MajorChangeKind.LEADING_INDUSTRY else "core_parks"
        cluster = Cluster.objects.select_for_update().get(pk=locked.cluster_id)
        cluster_changes[field] = [getattr(cluster, field), locked.after]
        Cluster.objects.filter(pk=cluster.pk).update(**{field: locked.after}, version=F("version") + 1)
    audit_record(
        actor=actor,
        action="major_change.confirm" if confirm else "major_change.reject",
        action_label=f"{'确认' if confirm else '不予确认'}重大变动：{locked.get_kind_display()}",
        obj=locked,
        subject=locked.cluster,
        changes={"status": [MajorChangeStatus.REPORTED.label, locked.get_status_display()], **cluster_changes},
        note=comment,
    )
    return locked
