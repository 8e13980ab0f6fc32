"""State changes of the documents app: batch exports (批量导出) and Word imports (Word 导入).

Keyword-only with `actor=`, one transaction each, permission checked again, audited. Refusals
raise ServiceError / AccessDenied with Chinese messages naming the field.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.errors import ServiceError, require
from apps.filings import evidence as filing_evidence
from apps.filings import services as filing_services
from apps.filings.definitions import Issue, Template, current_templates, list_templates, load_template, validate
from apps.filings.models import Filing
from apps.filings.selectors import filings_visible_to, in_area, subject_path

from . import permissions as perms
from .batch import ExportItem, ItemResult, export_zip
from .filing_docs import export_item
from .forms.reader import import_docx
from .models import ExportJob, ExportScope, ExportStatus, WordImport, WordImportStatus
from .selectors import export_districts_for, exportable_filings

logger = logging.getLogger(__name__)

MAX_EXPORT_ITEMS = 2000
WORD_IMPORT_MAX_BYTES = 20 * 1024 * 1024


def export_workers() -> int:
    """Worker processes of one export (settings.DOCUMENTS_EXPORT_WORKERS, default 2)."""
    return max(1, int(getattr(settings, "DOCUMENTS_EXPORT_WORKERS", 2)))


# —— batch export ——————————————————————————————————————————————————————————————————————


def export_job_start(
    *,
    actor: Any,
    campaign: Any = None,
    filing_ids: Iterable[int] | None = None,
    district: Any = None,
    include_drafts: bool = False,
) -> ExportJob:
    """Start a batch export of a campaign's forms or of chosen filings (发起批量导出).

    `district` limits the export to one district (None: the actor's whole jurisdiction; a
    district's staff always export their own district). The filings are fixed now; the zip is
    made by a background task (`tasks.export_job_run_task`) while the page shows the progress.
    """
    require(perms.can_start_export(actor))
    if (campaign is None) == (filing_ids is None):
        raise ServiceError("请选择一个工作通知，或选择要导出的填报表单。", field="scope")
    org = actor.organisation if getattr(actor, "organisation", None) is not None else None
    if district is not None and not export_districts_for(actor).filter(pk=district.pk).exists():
        raise ServiceError("所选区县不在您的管辖范围内。", field="district")
    if district is None and org is not None and org.kind == "district":
        district = org
    if campaign is not None:
        from apps.workflow.selectors import campaigns_visible_to

        if not campaigns_visible_to(actor).filter(pk=campaign.pk).exists():
            raise ServiceError("该工作通知不存在或您无权查看。", field="campaign")
        filings = list(exportable_filings(actor, campaign=campaign, district=district, include_drafts=include_drafts))
        what = f"{campaign.document_number} {campaign.title}"
        scope = ExportScope.CAMPAIGN
    else:
        ids = sorted({int(i) for i in filing_ids or []})
        if not ids:
            raise ServiceError("请至少选择一份填报表单。", field="filings")
        qs = filings_visible_to(actor).filter(pk__in=ids)
        if district is not None:
            qs = qs.filter(in_area(district.path))
        filings = list(qs.order_by(subject_path(), "cluster__name", "template_code", "pk"))
        if len(filings) != len(ids):
            missing = len(ids) - len(filings)
            raise ServiceError(f"所选表单中有 {missing} 份不存在或不在所选区域内，请重新选择。", field="filings")
        what = f"选定的 {len(filings)} 份表单"
        scope = ExportScope.FILINGS
    area = district.name if district is not None else f"全辖区（{org.name if org else '全部'}）"
    if not filings:
        drafts = "" if include_drafts else "（草稿不导出）"
        raise ServiceError(f"“{what}”在{area}内没有可导出的申报{drafts}。", field="scope")
    if len(filings) > MAX_EXPORT_ITEMS:
        raise ServiceError(
            f"一次最多导出 {MAX_EXPORT_ITEMS} 份（所选范围有 {len(filings)} 份），请按区县分批导出。", field="scope"
        )
    scope_org = district if district is not None else org
    if scope_org is None:  # a superuser without an organisation: the area of the first filing's root
        scope_org = filings[0].subject_district.ancestors()[0]
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=actor,
            scope=scope,
            campaign=campaign,
            scope_org=scope_org,
            whole_jurisdiction=district is None,
            scope_label=f"{what} · {area}"[:300],
            total=len(filings),
        )
        job.filings.set(filings)
        audit_record(
            actor=actor,
            action="documents.export_start",
            action_label="发起批量导出",
            obj=job,
            changes={"范围": job.scope_label, "份数": len(filings), "含草稿": include_drafts},
        )
    from .tasks import export_job_run_task

    export_job_run_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def export_job_run(job_id: int) -> ExportJob:
    """Make the zip of an export job (the background task's body). Never raises for one item."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ExportStatus.QUEUED:
            return job
        job.status = ExportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    failures: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    try:
        items: list[ExportItem] = []
        filings = job.filings.select_related("cluster", "cluster__district", "district").order_by(
            subject_path(), "cluster__name", "template_code", "reporting_year", "pk"
        )
        for filing in filings:
            try:
                items.append(export_item(filing))
            except Exception as exc:  # e.g. a template file that no longer loads
                failures.append(_failure(filing, f"无法读取表单（{type(exc).__name__}）：{exc}"))
        done_before = len(failures)
        counts = {"failed": len(failures)}

        def progress(done: int, total: int, result: ItemResult) -> None:
            if result.error:
                counts["failed"] += 1
                failures.append(
                    {"filing": result.key, "label": result.label, "folder": result.folder, "reason": result.error}
                )
            if result.warnings:
                warnings.append({"filing": result.key, "label": result.label, "notes": result.warnings})
            ExportJob.objects.filter(pk=job.pk).update(done=done_before + done, failed=counts["failed"])

        with tempfile.TemporaryFile(prefix="clusterhub_export_") as tmp:
            export_zip(items, tmp, workers=export_workers(), progress=progress)
            size = tmp.tell()
            tmp.seek(0)
            name = default_storage.save(f"documents/exports/{job.pk}/{uuid.uuid4().hex}.zip", File(tmp))
        ok = job.total - len(failures)
        job.refresh_from_db()
        job.status = ExportStatus.DONE
        job.result_name = name
        job.result_size = size
        job.done = job.total
        job.failed = len(failures)
        job.failures = failures
        job.warnings = warnings
        job.message = f"共 {job.total} 份，成功 {ok} 份" + (
            f"，失败 {len(failures)} 份（见失败清单）" if failures else ""
        )
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=None,
            actor_label="系统（批量导出）",
            action="documents.export_done",
            action_label="批量导出完成",
            obj=job,
            changes={"成功": ok, "失败": len(failures)},
            note="；".join(f"{f['label']}：{f['reason']}" for f in failures)[:2000],
        )
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            failures=failures,
            message=f"导出未完成（{type(exc).__name__}）：{exc}。请稍后重新发起，或联系系统管理员。",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    return job


def _failure(filing: Filing, reason: str) -> dict[str, Any]:
    return {
        "filing": str(filing.pk),
        "label": f"{filing.subject_name}《{filing.template_title}》{filing.reporting_year}年",
        "folder": filing.subject_name,
        "reason": reason,
    }


def export_job_download(*, actor: Any, job: ExportJob) -> IO[bytes]:
    """Open the finished zip for the actor (下载批量导出结果); the download is audited."""
    require(perms.can_download_export(actor, job))
    try:
        handle = default_storage.open(job.result_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise ServiceError("导出文件已不在存储中，请重新发起导出。") from exc
    audit_record(actor=actor, action="documents.export_download", action_label="下载批量导出结果", obj=job)
    return handle


# —— Word import ——————————————————————————————————————————————————————————————————————


def importable_templates(applicant: str | None = None) -> list[Any]:
    """The forms whose official Word file can be filled and imported: the current published
    version of each (an import creates a new draft, and new drafts use the current version, as
    新建填报 does; a .docx of an older version is refused by `_check_same_form` with its version named).
    With `applicant`: only the forms whose template names that applicant (申报主体)."""
    return current_templates(applicant)


def importable_templates_for(user: Any) -> list[Any]:
    """The forms `user` may import from Word (offered on the import page): an operator's staff
    the operator's cluster forms; a district department's staff its district-level forms (区级表单,
    template `subject: district`: the district summary) — the county department's national forms
    are filled online, not imported. Nobody else any. A form posted outside these is refused by
    word_import_upload with the reason."""
    from apps.filings.models import ApplicantKind
    from apps.filings.permissions import is_county_staff, is_operator_staff

    if is_operator_staff(user):
        return importable_templates(ApplicantKind.OPERATOR)
    if is_county_staff(user):
        return [t for t in importable_templates(ApplicantKind.COUNTY) if t.subject == "district"]
    return []


def _check_same_form(data: bytes, template: Template) -> None:
    """Refuse a .docx of another form (or of another version of this form), in Chinese."""
    from io import BytesIO

    from docx import Document

    doc = Document(BytesIO(data))
    subject = (doc.core_properties.subject or "").strip()
    if "/" in subject:
        code, _, version = subject.partition("/")
        if code != template.code:
            other = next((t.title for t in list_templates() if t.code == code), code)
            raise ServiceError(f"上传的是《{other}》，不是《{template.title}》，请选择正确的表单。", field="file")
        if version != template.version:
            raise ServiceError(
                f"上传的《{template.title}》是{version}版，本次导入的是{template.version}版；"
                "请下载本版空白表重新填写。",
                field="file",
            )
    text = "".join(p.text for p in doc.paragraphs[:80]).replace(" ", "").replace("\u3000", "")
    if template.title.replace(" ", "") not in text:
        raise ServiceError(
            f"上传的文件不是《{template.title}》：封面上找不到表名。请下载本平台提供的空白表填写后上传。",
            field="file",
        )


def _is_value_issue(issue: Issue) -> bool:
    return (
        issue.severity == "error"
        and not issue.code.startswith("rule:")
        and issue.code.rsplit(":", 1)[-1] in filing_services.VALUE_ISSUE_SUFFIXES
    )


def _set_aside_invalid(
    template: Template,
    values: dict[str, Any],
    provenance: dict[str, dict[str, str]],
    unreadable: list[dict[str, str]],
) -> None:
    """Values that read but break a value rule of the form (three decimals, a percentage over 100 …)
    move to the unreadable list with the rule's message, so confirming never fails on them."""
    for issue in validate(template, values, for_submit=False):
        if not _is_value_issue(issue) or issue.field not in values:
            continue
        f = template.fields[issue.field]
        if f.kind == "year_series" and issue.year is not None and isinstance(values[issue.field], dict):
            path = f"{issue.field}[{issue.year}]"
            values[issue.field].pop(str(issue.year), None)
            if not values[issue.field]:
                values.pop(issue.field)
            paths = [path]
        else:
            values.pop(issue.field, None)
            paths = [p for p in provenance if p == issue.field or p.startswith(issue.field + "[")]
        for path in paths or [issue.field]:
            source = provenance.pop(path, {"label": f.label, "source": "", "text": ""})
            unreadable.append({"path": path, **source, "reason": issue.message})


def word_import_upload(
    *,
    actor: Any,
    cluster: Any = None,
    district: Any = None,
    template_code: str,
    template_version: str,
    reporting_year: int,
    file: Any,
) -> WordImport:
    """Read an uploaded filled form (.docx) into values for confirmation (上传 Word 填报表).

    The subject is a `cluster`, or — for a district-level form (区级表单, template `subject:
    district`: the district summary) — the `district`, which only its own department's staff may
    import into (as 新建填报). Nothing is created for a bad file: empty, not a .docx (an old .doc
    says so), a .docx of another form, or a form with nothing filled in.
    """
    require(perms.can_import_word(actor))
    if not any(t.code == template_code and t.version == template_version for t in importable_templates()):
        raise ServiceError("请选择要导入的表单。", field="template")
    if not 2000 <= int(reporting_year) <= 2100:
        raise ServiceError("填报年度应为四位年份。", field="reporting_year")
    template = load_template(template_code, template_version)
    if template.subject == "district":
        require(perms.can_import_district_word(actor, district))
        if cluster is not None:
            raise ServiceError(f"《{template.title}》是区级表单，为本区填写，不选择集群。", field="cluster")
        subject: Any = district
    else:
        if cluster is None or district is not None:
            raise ServiceError(f"《{template.title}》按集群填写，请选择集群。", field="cluster")
        # The form's applicant (申报主体) fills it: an operator's Word file of a national form (the
        # county department applies, 77号) is refused before it is read or stored.
        require(perms.can_import_word(actor, cluster, template.applicant))
        subject = cluster
    name = filing_evidence.safe_original_name(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    file.seek(0)
    data = file.read(WORD_IMPORT_MAX_BYTES + 1)
    if not data or size == 0:
        raise ServiceError(f"上传的文件“{name}”是空文件（0 字节），请选择填好的 Word 文件。", field="file")
    if len(data) > WORD_IMPORT_MAX_BYTES:
        limit = filing_evidence.human_size(WORD_IMPORT_MAX_BYTES)
        raise ServiceError(f"上传的文件“{name}”超过 {limit}，请确认是否选错了文件。", field="file")
    from io import BytesIO

    kind = filing_evidence.sniff(BytesIO(data), name)
    if kind is filing_evidence.DOC:
        raise ServiceError(
            f"“{name}”是旧版 Word（.doc）文件，请在 Word 中“另存为”Word 文档（.docx）后再上传。", field="file"
        )
    if kind is not filing_evidence.DOCX:
        raise ServiceError(f"“{name}”不是 Word（.docx）文件，请上传填好的《{template.title}》Word 文件。", field="file")
    _check_same_form(data, template)
    values, provenance, unreadable = import_docx(template, data)
    _set_aside_invalid(template, values, provenance, unreadable)
    if not values:
        raise ServiceError(
            f"没有从“{name}”中读到任何已填写的内容，请确认上传的是填好的《{template.title}》。", field="file"
        )
    sha = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        stored = f"documents/word_imports/{sha[:2]}/{sha}.docx"
        if not default_storage.exists(stored):
            stored = default_storage.save(stored, ContentFile(data))
        item = WordImport.objects.create(
            cluster=cluster,
            district=district if template.subject == "district" else None,
            template_code=template.code,
            template_version=template.version,
            template_title=template.title,
            reporting_year=int(reporting_year),
            original_name=name,
            stored_name=stored,
            sha256=sha,
            size=len(data),
            values=values,
            provenance=provenance,
            unreadable=unreadable,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="documents.word_import_upload",
            action_label="上传 Word 填报表",
            obj=item,
            subject=subject,
            changes={
                "表单": template.title,
                "文件": name,
                "SHA-256": sha,
                "读出栏目": len(provenance),
                "未能读取": len(unreadable),
            },
        )
    return item


def word_import_confirm(*, actor: Any, word_import: WordImport) -> Filing:
    """Create the draft filing from the confirmed values (确认导入), through the filings services.

    All or nothing: when the filing cannot be created (one already exists for the cluster — or the
    district, for a district-level form — the form and the year) or the values are refused,
    nothing is created and the import stays open.
    """
    require(perms.can_confirm_word_import(actor, word_import))
    with transaction.atomic():
        locked = (  # of self: the cluster and the district are nullable (outer joins cannot be locked)
            WordImport.objects.select_for_update(of=("self",))
            .select_related("cluster", "district")
            .get(pk=word_import.pk)
        )
        require(perms.can_confirm_word_import(actor, locked))
        filing = filing_services.filing_create(
            actor=actor,
            cluster=locked.cluster,
            district=locked.district,
            template_code=locked.template_code,
            template_version=locked.template_version,
            reporting_year=locked.reporting_year,
            prefill=False,
        )
        # The reviewing authority's part of the paper form (filled_by: district/province — its
        # opinion, seal, date) is never imported into the applicant's draft.
        template = filing_services.template_of(filing)
        values = {
            k: v for k, v in locked.values.items() if k not in template.fields or not template.field(k).by_reviewer
        }
        try:
            filing_services.filing_save_draft(
                actor=actor, filing=filing, values=values, expected_revision=filing.revision
            )
        except filing_services.FilingInvalid as exc:
            details = "；".join(i.message for i in exc.issues[:5])
            raise ServiceError(f"导入未完成，没有生成草稿：{details}", field="values") from exc
        locked.status = WordImportStatus.CONFIRMED
        locked.filing = filing
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "filing", "decided_at"])
        audit_record(
            actor=actor,
            action="documents.word_import_confirm",
            action_label="确认 Word 导入，生成填报草稿",
            obj=locked,
            subject=filing,
            changes={"文件": locked.original_name, "栏目数": len(locked.values)},
        )
    filing.refresh_from_db()
    return filing


def word_import_discard(*, actor: Any, word_import: WordImport) -> WordImport:
    """Discard an import without creating anything (放弃导入); the uploaded file is deleted."""
    require(perms.can_confirm_word_import(actor, word_import))
    with transaction.atomic():
        locked = WordImport.objects.select_for_update().get(pk=word_import.pk)
        require(perms.can_confirm_word_import(actor, locked))
        locked.status = WordImportStatus.DISCARDED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=actor,
            action="documents.word_import_discard",
            action_label="放弃 Word 导入",
            obj=locked,
            subject=locked.cluster or locked.district,
            changes={"文件": locked.original_name},
        )
        name, sha = locked.stored_name, locked.sha256
        in_use = WordImport.objects.filter(sha256=sha).exclude(pk=locked.pk).exclude(status=WordImportStatus.DISCARDED)
        if not in_use.exists():  # the same file may back another upload (kept with a confirmed draft)
            transaction.on_commit(lambda: default_storage.delete(name))
    return locked
