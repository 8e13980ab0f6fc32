"""State changes of enterprise lists. Each is a transaction with an audit record.

Import flow (企业清单导入):
1. `enterprise_import_upload` stores the file (default_storage) and starts the preview: the
   file is read once, every row validated and classified, and compared with the current list.
   The valid rows are written, block by block while the next block is validated, into a
   pending version of the list (`FirmList`, store.py) that no page, total or check sees. Errors
   make the import INVALID, delete the pending version, and store an error file (the failing
   rows with an error column) for download.
2. `enterprise_import_commit` makes the pending version current in one short transaction (all
   or nothing): size overrides of firms still listed are carried over, renamed firms renamed,
   and the previous version marked superseded (its record stays; its rows are purged by a
   background task). It refuses when the upload changed since the
   preview, when the pending version does not hold what the preview counted, or when the
   current list changed meanwhile.
   Files above a size run both steps as background tasks (django-tasks) while the page polls
   `EnterpriseImport.progress`.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from apps.clusters.models import Cluster
from apps.core.audit import audit_record, diff, snapshot
from apps.core.errors import ConcurrentEdit, ServiceError, require

from . import permissions, store
from .excel_out import error_file_bytes
from .importer import (
    FIELD_INDEX,
    MAX_SHOWN_ERRORS,
    ROW_FIELDS,
    ParsedRow,
    ParseResult,
    qualification_key,
    validate_sheet,
)
from .models import (
    EnterpriseImport,
    FirmList,
    FirmQualification,
    FirmYear,
    ImportStatus,
    ListStatus,
    SizeChoice,
)
from .reader import ReadError, read_sheet

T = TypeVar("T")
logger = logging.getLogger(__name__)
YOY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("revenue", "营业收入", "万元"),
    ("output_value", "产值", "万元"),
    ("employees", "从业人员", "人"),
    ("rd_expense", "研发费用", "万元"),
)
MAX_LISTED = 200
PROGRESS_INTERVAL = 0.5  # seconds between two progress updates of a running preview


def inline_max_bytes() -> int:
    """Files up to this size are read inline; larger ones go to the background worker."""
    return int(getattr(settings, "ENTERPRISE_IMPORT_INLINE_MAX_BYTES", 1024 * 1024))


def yoy_factor() -> Decimal:
    return Decimal(str(getattr(settings, "ENTERPRISE_YOY_JUMP_FACTOR", "3")))


def _in_chunk() -> int:
    """Values per `IN (…)`: SQLite binds at most 999 parameters per statement."""
    return 900 if connection.vendor == "sqlite" else 20_000


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
    delete_stale_lists()  # abandoned previews' pending lists go when the next list is uploaded
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


def _upload_bytes(batch: EnterpriseImport) -> bytes:
    with default_storage.open(batch.file_name, "rb") as fh:
        return bytes(fh.read())


Existing = dict[str, tuple[tuple[Any, ...], frozenset[tuple[str, str, int | None]]]]


def _existing(cluster: Cluster, year: int) -> Existing:
    """Current list of the cluster-year: credit code → (ROW_FIELDS values, qualifications).

    Values are compared as they come from the database (amounts as Decimal compare by value).
    """
    current = FirmYear.objects.for_cluster_year(cluster.pk, year)
    rows = current.order_by().values_list("id", "firm__credit_code", *ROW_FIELDS)
    found = {r[1]: (r[0], r[2:]) for r in rows}
    if not found:
        return {}
    quals: dict[int, list[tuple[str, str, int | None]]] = {}
    for fy_id, kind, level, qyear in (
        FirmQualification.objects.filter(
            firm_year__cluster=cluster,
            firm_year__year=year,
            firm_year__firm_list=FirmList.current_id_query(cluster.pk, year),
        )
        .order_by()
        .values_list("firm_year_id", "kind", "level", "year")
    ):
        quals.setdefault(fy_id, []).append((kind, level, qyear))
    empty: frozenset[tuple[str, str, int | None]] = frozenset()
    return {
        code: (values, qualification_key(quals[fy_id]) if fy_id in quals else empty)
        for code, (fy_id, values) in found.items()
    }


def _changed(row: ParsedRow, current: tuple[tuple[Any, ...], frozenset[tuple[str, str, int | None]]]) -> bool:
    values, quals = current
    return tuple(row.data) != values or qualification_key(row.qualifications) != quals


def _stamp(cluster: Cluster | int, year: int) -> str:
    """The current list's version, row count and latest change (an override or import changes it)."""
    cluster_id = cluster if isinstance(cluster, int) else cluster.pk
    agg = (
        FirmYear.objects.for_cluster_year(cluster_id, year)
        .order_by()
        .aggregate(v=Max("firm_list_id"), n=Count("id"), m=Max("updated_at"))
    )
    return f"{agg['v'] or ''}|{agg['n']}|{agg['m'].isoformat() if agg['m'] else ''}"


def _has_previous_year_list(year: int) -> bool:
    """Some cluster has a current list for the year before (else no year-on-year check)."""
    return FirmList.objects.filter(year=year - 1, status=ListStatus.CURRENT).exists()


def _yoy_warnings(cluster: Cluster, year: int, rows: list[ParsedRow]) -> None:
    """Year-on-year jumps above the configured factor, against the firm's previous-year row."""
    if not rows:
        return
    factor = yoy_factor()
    prev: dict[str, tuple[Any, ...]] = {}
    # By firm id (the unique (firm, firm_list) index), then the previous year's current lists:
    # filtered by credit code through a join instead, PostgreSQL read every row of every
    # previous-year list (300,000 for three 100k lists) to find a block's firms.
    known = list(store.known_firm_ids([r.code for r in rows]).values())
    for firm_ids in _chunks(known, _in_chunk()):
        for rec in (
            FirmYear.objects.filter(firm_id__in=firm_ids, year=year - 1)
            .order_by("id")
            .values_list("firm__credit_code", "cluster_id", *(f for f, _, _ in YOY_FIELDS))
        ):
            code = rec[0]
            if code not in prev or rec[1] == cluster.pk:
                prev[code] = rec
    if not prev:
        return
    positions = [(2 + i, FIELD_INDEX[f], label, unit) for i, (f, label, unit) in enumerate(YOY_FIELDS)]
    for r in rows:
        old = prev.get(r.code)
        if not old:
            continue
        for old_pos, new_pos, label, unit in positions:
            a, b = old[old_pos], r.data[new_pos]
            if not a or not b:
                continue
            ratio = Decimal(b) / Decimal(a)
            if ratio > factor or ratio < 1 / factor:
                word = "增长" if ratio > 1 else "下降"
                r.warnings.append(f"{label}较上年（{a}{unit} → {b}{unit}）{word}超过{factor.normalize()}倍，请核实")


def _summary(result: ParseResult) -> dict[str, Any]:
    sizes: dict[str, int] = {}
    warnings: list[str] = []
    warning_count = 0
    for r in result.rows:
        sizes[r.size] = sizes.get(r.size, 0) + 1
        if r.warnings:
            warning_count += len(r.warnings)
            if len(warnings) < MAX_LISTED:
                warnings.extend(f"第{r.row}行 {r.data[0]}：{w}" for w in r.warnings)
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
        "warning_count": warning_count,
        "warnings": warnings[:MAX_LISTED],
    }


PREVIEW_SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005


@contextmanager
def _preview_runtime() -> Iterator[None]:
    """Interpreter settings for the length of a preview, restored afterwards.

    - The cyclic garbage collector is paused: the preview allocates millions of small objects
      (cells, row lists, typed values) that all stay alive until it ends, so every collection
      scanned them again without freeing anything — a third of the validation time at 100,000
      rows. Reference counting still frees what is dropped; the collector runs again after.
    - Threads take turns every millisecond instead of every five: the writer threads
      (store.ListWriter) need the GIL only briefly between their database round trips, and a
      writer waiting up to 5 ms for it each time left its database connection idle.
    """
    enabled = gc.isenabled()
    interval = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(PREVIEW_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        if enabled:
            gc.enable()


def run_preview(batch_id: int) -> None:
    """Read (once), validate, classify and compare; write the valid rows as a pending list.

    The rows are written block by block while the next block is validated (store.ListWriter:
    on PostgreSQL by a second connection, so the database stores them on the other core). A
    preview that finds errors, or fails, deletes its pending list: the current list never changes.
    """
    batch = EnterpriseImport.objects.select_related("cluster").get(pk=batch_id)
    pending = FirmList.objects.create(cluster=batch.cluster, year=batch.year, source_import=batch)
    # A second connection sees the pending list only once it is committed: inside a caller's
    # transaction (a test's, say) the rows are written inline on this connection instead.
    threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    writer = store.ListWriter(pending, threaded=threaded)
    kept = False
    try:
        with _preview_runtime():
            kept = _preview(batch, writer)
    finally:
        if not writer.closed:
            writer.abort()
        if not kept:
            store.delete_list(pending.pk)


def _preview(batch: EnterpriseImport, writer: store.ListWriter) -> bool:
    """The preview's steps; True when its pending list is complete and awaits confirmation."""
    _progress(batch, 5, "正在读取文件", ImportStatus.PARSING)
    reported = [time.monotonic()]
    has_previous_year = _has_previous_year_list(batch.year)

    def validated(done: int, expected: int | None) -> None:
        # The page polls about once a second: a progress row written per block would only
        # queue behind the writers' transactions.
        if time.monotonic() - reported[0] < PROGRESS_INTERVAL:
            return
        reported[0] = time.monotonic()
        pct = 10 + (50 * done // expected if expected else 0)
        _progress(batch, min(pct, 60), f"已校验 {done} 行")

    def checked(rows: list[ParsedRow], errors_so_far: bool, columns: list[list[Any]] | None) -> None:
        """A validated block: its year-on-year warnings, then (while there is no error) written."""
        if has_previous_year:
            _yoy_warnings(batch.cluster, batch.year, rows)
        if not errors_so_far:
            writer.send(rows, columns)

    try:
        data = _upload_bytes(batch)
        file_digest = _digest(data)
        sheet = read_sheet(data, batch.original_name)
        del data  # the reader keeps what it needs
        _progress(batch, 10, "正在校验")
        result = validate_sheet(sheet, batch.year, progress=validated, on_block=checked)
    except ReadError as exc:
        _finish(batch, ImportStatus.INVALID, str(exc), {"error_count": 1, "errors": [str(exc)]})
        return False
    _progress(batch, 60, "正在与现有清单比对")
    summary = _summary(result)
    if result.missing_columns:
        missing = "、".join(f"「{c}」" for c in result.missing_columns)
        msg = f"缺少必填列：{missing}。请使用下载的模板，或在表头中补上这些列。"
        summary["errors"] = [msg, *summary["errors"]]
        _finish(batch, ImportStatus.INVALID, msg, summary)
        return False
    if not result.rows and not result.errors:
        msg = "表头下没有企业数据。"
        summary["errors"] = [msg]
        _finish(batch, ImportStatus.INVALID, msg, summary)
        return False
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
        return False
    summary.update(_differences(result.rows, _existing(batch.cluster, batch.year)))
    summary["base_stamp"] = _stamp(batch.cluster, batch.year)
    valid = len(result.rows)
    # Every row is written or queued for the writers: freeing them here (a million objects at
    # 100,000 rows) overlaps with the database storing the last blocks.
    result.rows.clear()
    _progress(batch, 85, "正在写入待确认的清单")
    try:
        rows, qualifications = writer.close()
    except Exception:
        logger.exception("enterprise import %s: writing the pending list failed", batch.pk)
        _finish(batch, ImportStatus.FAILED, "校验结果保存失败，未做任何修改：服务器处理出错，请稍后重试或联系管理员。")
        return False
    if rows != valid:  # every valid row was sent: a shortfall is a bug
        raise RuntimeError(f"wrote {rows} of {valid} rows")
    FirmList.objects.filter(pk=writer.firm_list.pk).update(row_count=rows, qualification_count=qualifications)
    summary["qualification_count"] = qualifications
    EnterpriseImport.objects.filter(pk=batch.pk).update(file_sha256=file_digest)
    msg = (
        f"共 {valid} 家企业，校验通过：新增 {summary['added_count']}、修改 {summary['changed_count']}、"
        f"删除 {summary['removed_count']}。请确认后导入。"
    )
    _finish(batch, ImportStatus.PREVIEW, msg, summary)
    return True


def _differences(rows: list[ParsedRow], existing: dict[str, Any]) -> dict[str, Any]:
    """新增 / 修改 / 删除 against the current list (by credit code): counts and the first names."""
    new_codes = {r.code for r in rows}
    added = [r for r in rows if r.code not in existing]
    changed = [r for r in rows if r.code in existing and _changed(r, existing[r.code])]
    removed = [(code, values[0]) for code, (values, _quals) in existing.items() if code not in new_codes]
    return {
        "added_count": len(added),
        "added": [f"{r.data[0]}（{r.code}）" for r in added[:MAX_LISTED]],
        "changed_count": len(changed),
        "changed": [f"{r.data[0]}（{r.code}）" for r in changed[:MAX_LISTED]],
        "removed_count": len(removed),
        "removed": [f"{name}（{code}）" for code, name in removed[:MAX_LISTED]],
        "unchanged_count": len(rows) - len(added) - len(changed),
    }


def _finish(batch: EnterpriseImport, status: str, message: str, summary: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": status, "message": message, "progress": 100, "progress_label": ""}
    if summary is not None:
        fields["summary"] = summary
    if status in (ImportStatus.INVALID, ImportStatus.COMMITTED, ImportStatus.FAILED, ImportStatus.CANCELLED):
        fields["finished_at"] = timezone.now()
    EnterpriseImport.objects.filter(pk=batch.pk).update(**fields)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _delete_pending(batch: EnterpriseImport) -> None:
    """A failed or cancelled import's pending list is of no further use: deleted, with the firms
    it alone introduced."""
    pending = FirmList.objects.filter(source_import=batch, status=ListStatus.PENDING)
    list_id = pending.values_list("pk", flat=True).first()
    if list_id is not None:
        store.delete_list(list_id)


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


class PendingListError(ValueError):
    """The preview's pending list is gone or does not hold what the preview counted."""


def _pending_list(batch: EnterpriseImport) -> FirmList:
    """The preview's pending list, after checking that neither it nor the upload changed."""
    pending = FirmList.objects.filter(source_import=batch, status=ListStatus.PENDING).first()
    if pending is None:
        raise PendingListError("预览时保存的校验结果已不存在（预览已过期或已被放弃），请重新上传。")
    if not default_storage.exists(batch.file_name) or _digest(_upload_bytes(batch)) != batch.file_sha256:
        raise PendingListError("上传的文件在预览之后被更改或删除，未导入。请重新上传。")
    counted = (batch.summary.get("valid_rows"), batch.summary.get("qualification_count"))
    if (pending.row_count, pending.qualification_count) != counted or store.list_counts(pending) != counted:
        raise PendingListError("保存的校验结果与预览时不一致，未导入。请重新上传。")
    return pending


STAGE_MAX_AGE = timedelta(days=2)


def delete_stale_lists() -> int:
    """Delete the pending lists of imports no longer awaiting confirmation, and of previews left
    unconfirmed for STAGE_MAX_AGE (confirming one then asks for a new upload)."""

    def keep(ids: set[int]) -> set[int]:
        return set(
            FirmList.objects.filter(
                pk__in=ids,
                source_import__status__in=(
                    ImportStatus.QUEUED,
                    ImportStatus.PARSING,
                    ImportStatus.PREVIEW,
                    ImportStatus.COMMITTING,
                ),
                source_import__created_at__gte=timezone.now() - STAGE_MAX_AGE,
            ).values_list("pk", flat=True)
        )

    return store.delete_stale_lists(keep)


def run_commit(batch_id: int, actor_id: int | None) -> None:
    from apps.orgs.models import User

    batch = EnterpriseImport.objects.select_related("cluster").get(pk=batch_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    _progress(batch, 5, "正在核对待确认的清单")
    try:
        pending = _pending_list(batch)
        _progress(batch, 20, "正在启用新清单")
        with transaction.atomic():
            Cluster.objects.select_for_update().filter(pk=batch.cluster_id).first()  # one import at a time
            if _stamp(batch.cluster_id, batch.year) != batch.summary.get("base_stamp"):
                raise ConcurrentEdit("预览之后该集群该年度的企业清单已被修改，请重新上传。")
            counts = store.activate_list(pending=pending, now=timezone.now())
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
        return
    except (ServiceError, ReadError, PendingListError) as exc:
        msg = getattr(exc, "message", str(exc))
        _finish(batch, ImportStatus.FAILED, f"导入失败，未做任何修改：{msg}")
    except Exception:
        logger.exception("enterprise import %s failed", batch.pk)
        _finish(batch, ImportStatus.FAILED, "导入失败，未做任何修改：服务器处理出错，请稍后重试或联系管理员。")
    _delete_pending(batch)


def enterprise_import_cancel(*, actor: Any, batch: EnterpriseImport) -> None:
    require(permissions.can_import_enterprise_list(actor, batch.cluster))
    with transaction.atomic():
        if batch.status not in (ImportStatus.PREVIEW, ImportStatus.INVALID):
            raise ServiceError("只能放弃待确认或有错误的导入。")
        EnterpriseImport.objects.filter(pk=batch.pk).update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
        transaction.on_commit(lambda: _delete_pending(batch))
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
        fy = FirmYear.objects.select_for_update(of=("self",)).get(pk=firm_year.pk)
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
