"""Access decisions of the documents app: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility is the selectors' job (out of scope → 404). Here:
- batch export (批量导出): district reviewers for their district, city/province staff for their
  jurisdiction (and ministry staff for theirs); the result is downloaded by the authorities whose
  area covers the export's area, once it is done;
- a filing's documents (.docx, .pdf, 佐证材料汇编): whoever may view the filing;
- Word import (Word 导入): the operator's filling staff, for the clusters their organisation runs;
  a district department's staff, for the district-level forms (区级表单, template `subject:
  district`: the district summary) of their own district — the same rules as 新建填报.
"""

from __future__ import annotations

from typing import Any

from apps.filings.models import ApplicantKind
from apps.filings.permissions import (
    can_create_district_filing,
    can_create_filing,
    can_view_filing,
    is_county_staff,
    is_operator_staff,
)
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
    """Upload a filled official form for a cluster (None: may use the import page at all — an
    operator's filling staff, or a district department's staff for its district-level forms); the
    import creates a filing, so the form's applicant (申报主体, `Template.applicant`) decides as
    for 新建填报: an operator's national form (the county department applies) is refused, and the
    county department imports no cluster form (it fills the national forms online)."""
    if cluster is None:
        if is_operator_staff(user) or is_county_staff(user):
            return True, ""
        return (
            False,
            "只有集群运营管理机构的填报人员，或区级中小企业主管部门的工作人员（区级表单）可以从 Word 导入填报内容。",
        )
    if not is_operator_staff(user):
        return False, "只有集群运营管理机构的填报人员可以从 Word 导入按集群填写的表单。"
    return can_create_filing(user, cluster, applicant)


def can_import_district_word(user: Any, district: Any | None) -> Decision:
    """Upload a filled district-level form (区级表单, template `subject: district`: the district
    summary) for `district`: as 新建填报, only that district department's own staff."""
    return can_create_district_filing(user, district)


def can_confirm_word_import(user: Any, word_import: WordImport) -> Decision:
    from apps.filings.definitions import load_template

    applicant = load_template(word_import.template_code, word_import.template_version).applicant
    if word_import.district_id is not None:
        ok, reason = can_import_district_word(user, word_import.district)
    else:
        ok, reason = can_import_word(user, word_import.cluster, applicant)
    if not ok:
        return ok, reason
    if word_import.status != WordImportStatus.PREVIEW:
        return False, f"该导入的状态为“{word_import.get_status_display()}”，不能再确认或放弃。"
    return True, ""
