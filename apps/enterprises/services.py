"""State changes of enterprise lists. Each is a transaction with an audit record.

Import flow (企业清单导入):
1. `enterprise_import_upload` stores the file (default_storage) and starts the preview: the
   file is read, every row validated and classified, and compared with the current list —
   nothing is written to the list. Errors make the import INVALID and an error file (the
   failing rows with an error column) is stored for download.
2. `enterprise_import_commit` writes the whole list in one transaction (all or nothing):
   firms upserted by credit code, the cluster-year rows replaced (size overrides kept),
   qualifications rebuilt. Files above a size run both steps as background tasks
   (django-tasks) while the page polls `EnterpriseImport.progress`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.clusters.models import Cluster
from apps.core.audit import audit_record, diff, snapshot
from apps.core.errors import ConcurrentEdit, ServiceError, require

from . import permissions
from .excel_out import error_file_bytes
from .importer import MAX_SHOWN_ERRORS, ParsedRow, ParseResult, validate_sheet
from .models import (
    EnterpriseImport,
    Firm,
    FirmName,
    FirmQualification,
    FirmYear,
    ImportStatus,
    SizeChoice,
)
from .reader import ReadError, read_sheet

T = TypeVar("T")
logger = logging.getLogger(__name__)
COMPARED_FIELDS = [
    "name",
    "location_district",
    "location_town",
    "location_park",
    "industry",
    "employees",
    "revenue",
    "total_assets",
    "output_value",
    "rd_expense",
    "rd_staff",
    "invention_patents",
    "pct_applications",
    "above_scale",
    "listing_status",
    "cloud",
    "industrial_internet",
    "digital_rd_tools",
    "export_amount",
    "fdi_amount",
    "leading_industry_related",
    "main_products",
    "contact_name",
    "contact_phone",
]
YOY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("revenue", "营业收入", "万元"),
    ("output_value", "产值", "万元"),
    ("employees", "从业人员", "人"),
    ("rd_expense", "研发费用", "万元"),
)
MAX_LISTED = 200
BATCH = 2000
IN_CHUNK = 900  # SQLite's bound-parameter limit is the tighter one


def inline_max_bytes() -> int:
    """Files up to this size are read inline; larger ones go to the background worker."""
    return int(getattr(settings, "ENTERPRISE_IMPORT_INLINE_MAX_BYTES", 1024 * 1024))


def yoy_factor() -> Decimal:
    return Decimal(str(getattr(settings, "ENTERPRISE_YOY_JUMP_FACTOR", "3")))


def _chunks(items: list[T], n: int) -> Iterator[list[T]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _year_ok(year: int) -> None:
    now = timezone.localdate().year
    if not 2000 <= year <= now:
        raise ServiceError(f"数据年度应在2000年至{now}年之间。", field="year")


def _progress(batch: EnterpriseImport, pct: int, label: str, status: str | None = None) -> None:
    fields: dict[str, Any] = {"progress": pct, "progress_label": label}
    if status:
        fields["status"] = status
    EnterpriseImport.objects.filter(pk=batch.pk).update(**fields)
    batch.progress, batch.progress_label = pct, label
    if status:
        batch.status = status


# —— upload and preview ——


def enterprise_import_upload(*, actor: Any, cluster: Cluster, year: int, upload: UploadedFile) -> EnterpriseImport:
    """Store the upload and start its preview (inline for small files, else in the background)."""
    require(permissions.can_import_enterprise_list(actor, cluster))
    _year_ok(year)
    original = (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        stored = default_storage.save(f"enterprises/imports/{cluster.pk}/{year}/{uuid.uuid4().hex}-{original}", upload)
        batch = EnterpriseImport.objects.create(
            cluster=cluster,
            year=year,
            file_name=stored,
            original_name=original,
            size_bytes=upload.size or 0,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="enterprise_import.upload",
            action_label=f"上传{year}年度企业清单",
            obj=batch,
            subject=cluster,
            note=original,
        )
    _dispatch(batch, "preview")
    batch.refresh_from_db()
    return batch


def _dispatch(batch: EnterpriseImport, step: str, actor_id: int | None = None) -> None:
    from .tasks import enterprise_import_commit_task, enterprise_import_preview_task

    if batch.size_bytes <= inline_max_bytes():
        if step == "preview":
            run_preview(batch.pk)
        else:
            run_commit(batch.pk, actor_id)
    elif step == "preview":
        enterprise_import_preview_task.enqueue(batch.pk)
    else:
        enterprise_import_commit_task.enqueue(batch.pk, actor_id)


def _read(batch: EnterpriseImport) -> ParseResult:
    with default_storage.open(batch.file_name, "rb") as fh:
        data = fh.read()
    sheet = read_sheet(data, batch.original_name)
    return validate_sheet(sheet, batch.year)


def _signature(values: dict[str, Any], quals: Iterable[tuple[str, str, int | None]]) -> tuple[Any, ...]:
    sig = []
    for f in COMPARED_FIELDS:
        v = values.get(f)
        sig.append(str(v.quantize(Decimal("0.01"))) if isinstance(v, Decimal) else v)
    return (*sig, tuple(sorted((k, lv, y) for k, lv, y in quals)))


def _existing(cluster: Cluster, year: int) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """Current list of the cluster-year: credit code → (name, signature)."""
    rows = list(FirmYear.objects.filter(cluster=cluster, year=year).values("id", "firm__credit_code", *COMPARED_FIELDS))
    quals: dict[int, list[tuple[str, str, int | None]]] = {}
    for fy_id, kind, level, qyear in FirmQualification.objects.filter(
        firm_year__cluster=cluster, firm_year__year=year
    ).values_list("firm_year_id", "kind", "level", "year"):
        quals.setdefault(fy_id, []).append((kind, level, qyear))
    return {r["firm__credit_code"]: (r["name"], _signature(r, quals.get(r["id"], []))) for r in rows}


def _stamp(cluster: Cluster, year: int) -> str:
    agg = FirmYear.objects.filter(cluster=cluster, year=year).aggregate(m=Max("updated_at"))
    n = FirmYear.objects.filter(cluster=cluster, year=year).count()
    return f"{n}|{agg['m'].isoformat() if agg['m'] else ''}"


def _yoy_warnings(cluster: Cluster, year: int, rows: list[ParsedRow]) -> None:
    """Year-on-year jumps above the configured factor, against the firm's previous-year row."""
    factor = yoy_factor()
    codes = [r.code for r in rows]
    prev: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(codes, IN_CHUNK):
        for rec in (
            FirmYear.objects.filter(year=year - 1, firm__credit_code__in=chunk)
            .order_by("id")
            .values("firm__credit_code", "cluster_id", *(f for f, _, _ in YOY_FIELDS))
        ):
            code = rec["firm__credit_code"]
            if code not in prev or rec["cluster_id"] == cluster.pk:
                prev[code] = rec
    if not prev:
        return
    for r in rows:
        old = prev.get(r.code)
        if not old:
            continue
        for f, label, unit in YOY_FIELDS:
            a, b = old.get(f), r.values.get(f)
            if not a or not b:
                continue
            ratio = Decimal(b) / Decimal(a)
            if ratio > factor or ratio < 1 / factor:
                word = "增长" if ratio > 1 else "下降"
                r.warnings.append(f"{label}较上年（{a}{unit} → {b}{unit}）{word}超过{factor.normalize()}倍，请核实")


def _summary(batch: EnterpriseImport, result: ParseResult) -> dict[str, Any]:
    sizes: dict[str, int] = {}
    for r in result.rows:
        sizes[r.size] = sizes.get(r.size, 0) + 1
    warnings = [f"第{r.row}行 {r.values.get('name', '')}：{w}" for r in result.rows for w in r.warnings]
    return {
        "sheet_name": result.sheet_name,
        "header_row": result.header_row,
        "columns": [list(c) for c in result.detected],
        "unknown_headers": result.unknown_headers[:50],
        "missing_columns": result.missing_columns,
        "total_rows": len(result.rows) + len(result.failing_rows),
        "valid_rows": len(result.rows),
        "error_rows": len(result.failing_rows),
        "error_count": len(result.errors) + len(result.missing_columns) + (0 if result.rows or result.errors else 1),
        "errors": result.error_texts(MAX_SHOWN_ERRORS),
        "preview_headers": [c[1] for c in result.detected],
        "preview_rows": result.preview,
        "size_counts": {SizeChoice(k).label: v for k, v in sizes.items()},
        "warning_count": len(warnings),
        "warnings": warnings[:MAX_LISTED],
    }


def run_preview(batch_id: int) -> None:
    """Read, validate, classify and compare; write only the import record (never the list)."""
    batch = EnterpriseImport.objects.select_related("cluster").get(pk=batch_id)
    _progress(batch, 5, "正在读取文件", ImportStatus.PARSING)
    try:
        result = _read(batch)
    except ReadError as exc:
        _finish(batch, ImportStatus.INVALID, str(exc), {"error_count": 1, "errors": [str(exc)]})
        return
    _progress(batch, 60, "正在与现有清单比对")
    _yoy_warnings(batch.cluster, batch.year, result.rows)
    summary = _summary(batch, result)
    if result.missing_columns:
        missing = "、".join(f"「{c}」" for c in result.missing_columns)
        msg = f"缺少必填列：{missing}。请使用下载的模板，或在表头中补上这些列。"
        summary["errors"] = [msg, *summary["errors"]]
        _finish(batch, ImportStatus.INVALID, msg, summary)
        return
    if not result.rows and not result.errors:
        msg = "表头下没有企业数据。"
        summary["errors"] = [msg]
        _finish(batch, ImportStatus.INVALID, msg, summary)
        return
    if result.errors:
        messages: dict[int, list[str]] = {}
        for e in result.errors:
            messages.setdefault(e.row, []).append(f"「{e.column}」{e.message}" if e.column else e.message)
        content = error_file_bytes(header=result.raw_header, failing_rows=result.failing_rows, messages=messages)
        err_name = default_storage.save(
            f"enterprises/imports/{batch.cluster_id}/{batch.year}/{uuid.uuid4().hex}-错误清单.xlsx",
            ContentFile(content),
        )
        EnterpriseImport.objects.filter(pk=batch.pk).update(error_file_name=err_name)
        msg = (
            f"共 {summary['total_rows']} 行，其中 {summary['error_rows']} 行有错误"
            f"（{len(result.errors)} 处），未导入任何数据。"
        )
        _finish(batch, ImportStatus.INVALID, msg, summary)
        return
    existing = _existing(batch.cluster, batch.year)
    new_codes = {r.code for r in result.rows}
    added = [r for r in result.rows if r.code not in existing]
    changed = [
        r for r in result.rows if r.code in existing and existing[r.code][1] != _signature(r.values, r.qualifications)
    ]
    removed = [(code, name) for code, (name, _sig) in existing.items() if code not in new_codes]
    summary.update(
        {
            "added_count": len(added),
            "added": [f"{r.values['name']}（{r.code}）" for r in added[:MAX_LISTED]],
            "changed_count": len(changed),
            "changed": [f"{r.values['name']}（{r.code}）" for r in changed[:MAX_LISTED]],
            "removed_count": len(removed),
            "removed": [f"{name}（{code}）" for code, name in removed[:MAX_LISTED]],
            "unchanged_count": len(result.rows) - len(added) - len(changed),
            "base_stamp": _stamp(batch.cluster, batch.year),
        }
    )
    msg = (
        f"共 {len(result.rows)} 家企业，校验通过：新增 {len(added)}、修改 {len(changed)}、"
        f"删除 {len(removed)}。请确认后导入。"
    )
    _finish(batch, ImportStatus.PREVIEW, msg, summary)


def _finish(batch: EnterpriseImport, status: str, message: str, summary: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": status, "message": message, "progress": 100, "progress_label": ""}
    if summary is not None:
        fields["summary"] = summary
    if status in (ImportStatus.INVALID, ImportStatus.COMMITTED, ImportStatus.FAILED, ImportStatus.CANCELLED):
        fields["finished_at"] = timezone.now()
    EnterpriseImport.objects.filter(pk=batch.pk).update(**fields)


# —— commit ——


def enterprise_import_commit(*, actor: Any, batch: EnterpriseImport) -> EnterpriseImport:
    """Confirm a previewed import; the list is replaced in one transaction (all or nothing)."""
    require(permissions.can_commit_enterprise_import(actor, batch))
    if _stamp(batch.cluster, batch.year) != batch.summary.get("base_stamp"):
        raise ConcurrentEdit("预览之后该集群该年度的企业清单已被修改，请重新上传以查看最新的新增、修改和删除情况。")
    updated = EnterpriseImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.COMMITTING, progress=0, progress_label="排队等待导入"
    )
    if not updated:
        raise ConcurrentEdit("该导入已在处理中或已完成。")
    batch.status = ImportStatus.COMMITTING
    _dispatch(batch, "commit", actor.pk if actor is not None else None)
    batch.refresh_from_db()
    return batch


def run_commit(batch_id: int, actor_id: int | None) -> None:
    from apps.orgs.models import User

    batch = EnterpriseImport.objects.select_related("cluster").get(pk=batch_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    _progress(batch, 5, "正在读取文件")
    try:
        result = _read(batch)
        if not result.ok:
            raise ServiceError("文件内容与预览时不一致，未导入。")
        _yoy_warnings(batch.cluster, batch.year, result.rows)
        _progress(batch, 40, "正在写入数据库")
        with transaction.atomic():
            counts = write_rows(batch.cluster, batch.year, result.rows, batch)
            audit_record(
                actor=actor,
                action="enterprise_import.commit",
                action_label=f"导入{batch.year}年度企业清单",
                obj=batch,
                subject=batch.cluster,
                changes={
                    "企业数": [counts["before"], counts["after"]],
                    "新增": [None, batch.summary.get("added_count", 0)],
                    "修改": [None, batch.summary.get("changed_count", 0)],
                    "删除": [None, batch.summary.get("removed_count", 0)],
                },
                note=batch.original_name,
            )
            _finish(
                batch,
                ImportStatus.COMMITTED,
                f"已导入 {counts['after']} 家企业（新增 {batch.summary.get('added_count', 0)}、"
                f"修改 {batch.summary.get('changed_count', 0)}、删除 {batch.summary.get('removed_count', 0)}）。",
            )
    except (ServiceError, ReadError) as exc:
        msg = getattr(exc, "message", str(exc))
        _finish(batch, ImportStatus.FAILED, f"导入失败，未做任何修改：{msg}")
    except Exception:
        logger.exception("enterprise import %s failed", batch.pk)
        _finish(batch, ImportStatus.FAILED, "导入失败，未做任何修改：服务器处理出错，请稍后重试或联系管理员。")


def write_rows(cluster: Cluster, year: int, rows: list[ParsedRow], batch: EnterpriseImport | None) -> dict[str, int]:
    """Replace the cluster-year list with `rows` (must run inside a transaction)."""
    codes = [r.code for r in rows]
    firms: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(codes, IN_CHUNK):
        firms.update(
            {
                c: (i, n)
                for c, i, n in Firm.objects.filter(credit_code__in=chunk).values_list("credit_code", "id", "name")
            }
        )
    new_firms = [Firm(credit_code=r.code, name=r.values["name"]) for r in rows if r.code not in firms]
    Firm.objects.bulk_create(new_firms, batch_size=BATCH)
    for chunk in _chunks([f.credit_code for f in new_firms], IN_CHUNK):
        firms.update(
            {
                c: (i, n)
                for c, i, n in Firm.objects.filter(credit_code__in=chunk).values_list("credit_code", "id", "name")
            }
        )
    renamed = [Firm(pk=firms[r.code][0], name=r.values["name"]) for r in rows if firms[r.code][1] != r.values["name"]]
    if renamed:
        Firm.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    names = [FirmName(firm_id=firms[f.credit_code][0], name=f.name, first_year=year) for f in new_firms]
    names += [FirmName(firm_id=f.pk, name=f.name, first_year=year) for f in renamed]
    FirmName.objects.bulk_create(names, batch_size=BATCH, ignore_conflicts=True)

    current = FirmYear.objects.filter(cluster=cluster, year=year)
    overrides = {
        fid: (size, note)
        for fid, size, note in current.exclude(size_override="").values_list(
            "firm_id", "size_override", "size_override_note"
        )
    }
    before = current.count()
    FirmQualification.objects.filter(firm_year__cluster=cluster, firm_year__year=year).delete()
    current.delete()
    objs: list[FirmYear] = []
    for r in rows:
        fid = firms[r.code][0]
        fy = FirmYear(
            cluster=cluster,
            year=year,
            firm_id=fid,
            computed_size=r.size,
            size_reason=r.size_reason,
            warnings=r.warnings,
            source_import=batch,
            **r.values,
        )
        if fid in overrides:
            fy.size_override, fy.size_override_note = overrides[fid]
        fy.apply_size()
        objs.append(fy)
    FirmYear.objects.bulk_create(objs, batch_size=BATCH)
    if any(fy.pk is None for fy in objs):  # backends that cannot return ids from bulk inserts
        ids = dict(FirmYear.objects.filter(cluster=cluster, year=year).values_list("firm_id", "id"))
        for fy in objs:
            fy.pk = ids[fy.firm_id]
    quals = [
        FirmQualification(firm_year_id=fy.pk, kind=kind, level=level, year=qyear)
        for fy, r in zip(objs, rows, strict=True)
        for kind, level, qyear in r.qualifications
    ]
    FirmQualification.objects.bulk_create(quals, batch_size=BATCH)
    return {"before": before, "after": len(objs)}


def enterprise_import_cancel(*, actor: Any, batch: EnterpriseImport) -> None:
    require(permissions.can_import_enterprise_list(actor, batch.cluster))
    with transaction.atomic():
        if batch.status not in (ImportStatus.PREVIEW, ImportStatus.INVALID):
            raise ServiceError("只能放弃待确认或有错误的导入。")
        EnterpriseImport.objects.filter(pk=batch.pk).update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
        audit_record(
            actor=actor,
            action="enterprise_import.cancel",
            action_label="放弃企业清单导入",
            obj=batch,
            subject=batch.cluster,
        )


# —— size override ——


def firm_year_override_size(*, actor: Any, firm_year: FirmYear, size: str, note: str) -> FirmYear:
    """人工认定企业规模 with a note (size "" clears the override); audited before → after."""
    require(permissions.can_override_firm_size(actor, firm_year))
    note = note.strip()
    if size and size not in SizeChoice.values:
        raise ServiceError("请选择企业规模。", field="size")
    if size == SizeChoice.UNKNOWN:
        raise ServiceError("人工认定时不能选择“无法划型”。", field="size")
    if size and not note:
        raise ServiceError("人工认定企业规模须填写说明（依据）。", field="note")
    with transaction.atomic():
        fy = FirmYear.objects.select_for_update().get(pk=firm_year.pk)
        before = snapshot(fy, ["size_override", "size_override_note", "size", "is_sme"])
        fy.size_override = size
        fy.size_override_note = note if size else ""
        fy.apply_size()
        fy.save(update_fields=["size_override", "size_override_note", "size", "is_sme", "updated_at"])
        audit_record(
            actor=actor,
            action="firm_year.override_size" if size else "firm_year.clear_size_override",
            action_label="人工认定企业规模" if size else "取消人工认定企业规模",
            obj=fy,
            subject=fy.cluster,
            changes=diff(before, snapshot(fy, ["size_override", "size_override_note", "size", "is_sme"])),
            note=note,
        )
    return fy
