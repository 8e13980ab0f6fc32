"""Access decisions for filings: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility is the selectors' job (out of scope → 404); these functions decide what a user who
sees a filing may do with it:
- the applicant (申报/填报主体, `Filing.applicant`) edits drafts, and after a return only the
  re-opened fields; it uploads evidence and submits. The operator's staff for the municipal
  application and the annual report; the county (区县) department's staff for the national
  application and re-review (工信厅企业函〔2025〕77号 一（一）、二（一）: 县级行政区划中小企业
  主管部门为申报主体, and it signs and seals the 真实性声明). The cluster's operator still sees a
  national form (its cluster's data) but only reads it: the notice makes the county the party
  that fills, declares and answers for it, so a second editor would blur that responsibility;
- never the fields the template marks as filled by a reviewing authority (`filled_by`: district,
  city, province): those the reviewer fills while the form is under its review
  (`can_fill_reviewer_fields`), through `services.filing_fill_reviewer_fields`;
- district/city/ministry authorities read their subtree; district reviewers and city staff
  may return or lock a submitted form (the review workflow drives this);
- experts and evaluators read only what is assigned to them.

A district-level form (区级表单, `Filing.district` instead of a cluster: the Shanghai district
summary, 沪经信企〔2025〕73号 附件2) is the district department's: its staff fill and submit it, the
city (市经济信息化委) above reviews it, no operator has a part in it.
"""

from __future__ import annotations

from typing import Any

from apps.orgs.models import OrgKind, Role

from .definitions import Template, load_template
from .definitions.types import APPLICANT, FILLED_BY_PARTIES
from .models import EDITABLE_STATUSES, ApplicantKind, Filing, FilingStatus

Decision = tuple[bool, str]
REVIEWER_ROLES = (Role.DISTRICT_REVIEWER, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.MINISTRY_STAFF)
AUTHORITY_ROLES = (Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN)
APPLICANT_LABELS = {
    ApplicantKind.OPERATOR: "本集群运营管理机构的填报人员",
    ApplicantKind.COUNTY: "集群所在区县中小企业主管部门（申报主体）的工作人员",
}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_operator_staff(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(
        _active(user) and org is not None and org.kind == OrgKind.OPERATOR and user.has_role(Role.OPERATOR_STAFF)
    )


def is_county_staff(user: Any) -> bool:
    """Staff of a county/district department (区县中小企业主管部门)."""
    org = getattr(user, "organisation", None)
    return bool(
        _active(user) and org is not None and org.kind == OrgKind.DISTRICT and user.has_role(Role.DISTRICT_REVIEWER)
    )


def _is_own_operator(user: Any, filing: Filing) -> bool:
    return (
        is_operator_staff(user) and filing.cluster_id is not None and filing.cluster.operator_id == user.organisation_id  # type: ignore[union-attr]
    )


def _is_county_of(user: Any, cluster: Any) -> bool:
    return _is_county_over(user, cluster.district)


def _is_county_over(user: Any, district: Any) -> bool:
    return bool(is_county_staff(user) and district is not None and district.path.startswith(user.organisation.path))


def _applicant_label(filing: Filing) -> str:
    if filing.is_district_level:
        return "本区中小企业主管部门（申报主体）的工作人员"
    return APPLICANT_LABELS[ApplicantKind(filing.applicant)]


def is_applicant(user: Any, filing: Filing) -> bool:
    """Does `user` fill this filing as its applicant (申报/填报主体)?"""
    if filing.applicant == ApplicantKind.COUNTY:
        return _is_county_over(user, filing.subject_district)
    return _is_own_operator(user, filing)


def _is_reviewer_over(user: Any, filing: Filing) -> bool:
    org = getattr(user, "organisation", None)
    if getattr(user, "is_superuser", False) and _active(user):
        return True
    if filing.applicant == ApplicantKind.COUNTY and is_county_staff(user):
        return False  # the county is the applicant: the province reviews it
    return bool(
        _active(user)
        and org is not None
        and org.is_authority
        and user.has_role(*REVIEWER_ROLES)
        and filing.subject_district.path.startswith(org.path)
    )


def acts_as_party(user: Any, filing: Filing, party: str) -> bool:
    """Does `user` act as the reviewing `party` (FILLED_BY_PARTIES) over the filing's cluster?
    The names are the review workflows' roles: district = the district department's reviewers,
    city = 市经济信息化委 (a provincial-level city such as Shanghai, or a city), province = the
    provincial department."""
    org = getattr(user, "organisation", None)
    if not _active(user) or org is None or not filing.subject_district.path.startswith(org.path):
        return False
    if party == "district":
        return org.kind == OrgKind.DISTRICT and user.has_role(Role.DISTRICT_REVIEWER)
    if party == "city":
        return org.kind in (OrgKind.PROVINCE, OrgKind.CITY) and user.has_role(*AUTHORITY_ROLES)
    if party == "province":
        return org.kind == OrgKind.PROVINCE and user.has_role(*AUTHORITY_ROLES)
    return False


def applicant_kind_of(user: Any) -> ApplicantKind | None:
    """As which applicant (申报/填报主体) the user may open new forms: the operator's filling staff
    its own clusters' operator forms, a county department's staff its district's county forms (the
    national forms, the Shanghai district summary); the template says which applicant a form has
    (`Template.applicant`). None for anyone else."""
    if is_operator_staff(user):
        return ApplicantKind.OPERATOR
    if is_county_staff(user):
        return ApplicantKind.COUNTY
    return None


def can_create_filing(user: Any, cluster: Any, applicant: str = ApplicantKind.OPERATOR) -> Decision:
    """May `user` open a new form of `cluster` whose template names `applicant` as 申报主体?"""
    if applicant == ApplicantKind.COUNTY:
        if not is_county_staff(user):
            return False, (
                "该表单由县级（区级）中小企业主管部门作为申报主体填写，"
                "只有其工作人员可以新建；集群运营管理机构只能查看。"
            )
        if not _is_county_of(user, cluster):
            return False, "只能为本辖区的集群新建申报表。"
        return True, ""
    if is_county_staff(user):
        return False, "该表单由集群运营管理机构填报，县级（区级）中小企业主管部门不能新建。"
    if not is_operator_staff(user):
        return False, "只有集群运营管理机构的填报人员可以新建填报。"
    if cluster.operator_id != user.organisation_id:
        return False, "只能为本机构运营的集群新建填报。"
    return True, ""


def can_create_district_filing(user: Any, district: Any) -> Decision:
    """May `user` open a new district-level form (区级表单, template `subject: district`: the
    district summary, 沪经信企〔2025〕73号 附件2) of `district`? Only the district department's own
    staff: the report is the district's, about its clusters as a whole."""
    if not is_county_staff(user):
        return False, "区级表单由区级中小企业主管部门填写，只有其工作人员可以新建。"
    if district is None or district.kind != OrgKind.DISTRICT or district.pk != user.organisation_id:
        return False, "只能为本区新建区级表单。"
    return True, ""


def can_view_filing(user: Any, filing: Filing) -> Decision:
    """Callers have already found the filing through filings_visible_to; this is the second check."""
    from .selectors import filings_visible_to

    if filings_visible_to(user).filter(pk=filing.pk).exists():
        return True, ""
    return False, "无权查看该填报表单。"


def can_edit_filing(user: Any, filing: Filing) -> Decision:
    if not is_applicant(user, filing):
        return False, f"只有{_applicant_label(filing)}可以修改填报内容。"
    if filing.status not in EDITABLE_STATUSES:
        return False, f"表单当前状态为“{filing.get_status_display()}”，不能修改。"
    return True, ""


def _template(filing: Filing) -> Template:
    """The filing's form template (as services.template_of, which this module cannot import:
    services imports permissions). load_template is cached by file modification time."""
    return load_template(filing.template_code, filing.template_version)


def editable_field_keys(user: Any, filing: Filing) -> frozenset[str] | None:
    """Which fields the user may change: None means every field; an empty set means none.

    Never the fields a reviewing authority fills; after a return (退回修改) only the re-opened
    fields may change.
    """
    if not can_edit_filing(user, filing)[0]:
        return frozenset()
    template = _template(filing)
    mine = frozenset(k for k, f in template.fields.items() if not f.by_reviewer)
    if filing.status == FilingStatus.RETURNED:
        return frozenset(filing.reopened_fields) & mine
    return None if len(mine) == len(template.fields) else mine


def can_edit_field(user: Any, filing: Filing, field_key: str) -> Decision:
    ok, reason = can_edit_filing(user, filing)
    if not ok:
        return ok, reason
    template = _template(filing)
    f = template.fields.get(field_key)
    if f is not None and f.by_reviewer:
        return False, f"栏目“{f.label}”{f.filled_by_note}，申报（填报）单位不能更改。"
    keys = editable_field_keys(user, filing)
    if keys is not None and field_key not in keys:
        label = f.label if f is not None else field_key
        return False, f"栏目“{label}”未被退回修改，不能更改。"
    return True, ""


def can_fill_reviewer_fields(user: Any, filing: Filing, party: str) -> Decision:
    """The reviewing `party` fills its fields (e.g. 区级推荐意见) while the form is under review:
    submitted, not yet locked."""
    if party == APPLICANT or party not in FILLED_BY_PARTIES:
        return False, "申报（填报）单位的栏目请在填报页面填写。"
    template = _template(filing)
    if not template.keys_filled_by(party):
        return False, f"《{template.title}》没有由{FILLED_BY_PARTIES[party]}填写的栏目。"
    if not acts_as_party(user, filing, party):
        return False, f"这些栏目须由集群所在地的{FILLED_BY_PARTIES[party]}填写，您无权填写。"
    if filing.status != FilingStatus.SUBMITTED:
        return False, f"表单当前状态为“{filing.get_status_display()}”，只有已提交、审核中的表单可以填写审核意见。"
    return True, ""


def can_upload_evidence(user: Any, filing: Filing, field_key: str = "") -> Decision:
    if field_key:
        return can_edit_field(user, filing, field_key)
    return can_edit_filing(user, filing)


def can_delete_evidence(user: Any, evidence: Any) -> Decision:
    return can_edit_field(user, evidence.filing, evidence.field_key)


def can_submit_filing(user: Any, filing: Filing) -> Decision:
    if not is_applicant(user, filing):
        return False, f"只有{_applicant_label(filing)}可以提交。"
    if filing.status not in EDITABLE_STATUSES:
        return False, f"表单当前状态为“{filing.get_status_display()}”，不能提交。"
    return True, ""


def can_return_filing(user: Any, filing: Filing) -> Decision:
    if not _is_reviewer_over(user, filing):
        return False, "只有本辖区主管部门的审核人员可以退回修改。"
    if filing.status != FilingStatus.SUBMITTED:
        return False, f"表单当前状态为“{filing.get_status_display()}”，只有已提交的表单可以退回。"
    return True, ""


def can_lock_filing(user: Any, filing: Filing) -> Decision:
    if not _is_reviewer_over(user, filing):
        return False, "只有本辖区主管部门的审核人员可以锁定表单。"
    if filing.status != FilingStatus.SUBMITTED:
        return False, f"表单当前状态为“{filing.get_status_display()}”，只有已提交的表单可以锁定。"
    return True, ""
