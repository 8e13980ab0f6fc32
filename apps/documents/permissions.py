"""Access decisions of the documents app: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility is the selectors' job (out of scope → 404). Here:
- batch export (批量导出): district reviewers for their district, city/province staff for their
  jurisdiction (and ministry staff for theirs); the result is downloaded by the authorities whose
  area covers the export's area, once it is done;
- a filing's documents (.docx, .pdf, 佐证材料汇编): whoever may view the filing;
- Word import (Word 导入): the operator's filling staff, for the clusters their organisation runs.
"""

from __future__ import annotations

from typing import Any

from apps.filings.models import ApplicantKind
from apps.filings.permissions import can_create_filing, can_view_filing, is_operator_staff
from apps.orgs.models import OrgKind, Role

from .models import ExportJob, ExportStatus, WordImport, WordImportStatus

Decision = tuple[bool, str]


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_start_export(user: Any) -> Decision:
    if _active(user) and getattr(user, "is_superuser", False):
        return True, ""
    org = getattr(user, "organisation", None)
    if not _active(user) or org is None or not org.is_active:
        return False, "只有主管部门工作人员可以批量导出申报材料。"
    if org.kind == OrgKind.DISTRICT and user.has_role(Role.DISTRICT_REVIEWER):
        return True, ""
    if org.kind in (OrgKind.PROVINCE, OrgKind.CITY) and user.has_role(Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN):
        return True, ""
    if org.kind == OrgKind.MINISTRY and user.has_role(Role.MINISTRY_STAFF, Role.AUTHORITY_ADMIN):
        return True, ""
    return False, "只有区县主管部门审核人员和市/省级主管部门工作人员可以批量导出申报材料。"


def can_download_export(user: Any, job: ExportJob) -> Decision:
    """Callers found `job` through selectors.export_jobs_visible_to (its area is in theirs)."""
    ok, reason = can_start_export(user)
    if not ok and job.created_by_id != getattr(user, "pk", None):
        return False, reason
    if job.status != ExportStatus.DONE or not job.result_name:
        return False, f"导出状态为“{job.get_status_display()}”，还不能下载。"
    return True, ""


def can_download_filing_documents(user: Any, filing: Any) -> Decision:
    ok, _reason = can_view_filing(user, filing)
    if not ok:
        return False, "无权下载该填报表单的文书。"
    return True, ""


def can_import_word(user: Any, cluster: Any | None = None, applicant: str = ApplicantKind.OPERATOR) -> Decision:
    """Upload a filled official form for a cluster (None: may use the import page at all); the
    import creates a filing, so the form's applicant (申报主体, `Template.applicant`) decides as
    for 新建填报: an operator's national form (the county department applies) is refused."""
    if not is_operator_staff(user):
        return False, "只有集群运营管理机构的填报人员可以从 Word 导入填报内容。"
    if cluster is None:
        return True, ""
    return can_create_filing(user, cluster, applicant)


def can_confirm_word_import(user: Any, word_import: WordImport) -> Decision:
    from apps.filings.definitions import load_template

    applicant = load_template(word_import.template_code, word_import.template_version).applicant
    ok, reason = can_import_word(user, word_import.cluster, applicant)
    if not ok:
        return ok, reason
    if word_import.status != WordImportStatus.PREVIEW:
        return False, f"该导入的状态为“{word_import.get_status_display()}”，不能再确认或放弃。"
    return True, ""
