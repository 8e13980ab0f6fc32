"""Who fills which part of a form, through the review workflow: the district writes its 推荐意见
(with seal and date) into the municipal application when it recommends, and the printed form
shows it; in the national flow the county department (申报主体) opens, fills and submits the
application, the province returns it with reasons per field and the county fixes only those."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from docx import Document

from apps.core.errors import AccessDenied, ServiceError
from apps.filings import permissions as filing_perms
from apps.filings import services as filing_services
from apps.filings.models import ApplicantKind, Filing, FilingStatus
from apps.filings.selectors import filings_visible_to
from apps.orgs.models import Role
from apps.workflow.models import Submission
from apps.workflow.services import application_start, submission_open_form, transition_apply
from apps.workflow.subjects import adapter_for
from tests import factories as f
from tests import factories_filings as ff
from tests import factories_workflow as fw
from tests.unit.form_definitions.builders import complete_values

pytestmark = pytest.mark.django_db


def apply(actor: Any, sub: Submission, transition: str, comment: str = "", **kw: Any) -> Submission:
    sub.refresh_from_db()
    return transition_apply(
        actor=actor, instance=sub, transition=transition, comment=comment, expected_state=sub.state, **kw
    )


def _campaign_on(world: Any, template: str, version: str, **kw: Any) -> Any:
    c = fw.campaign(world.shanghai, world.city_staff, templates={"municipal_application": template}, **kw)
    c.tracks.update(template_version=version)
    return c


@pytest.fixture
def application(world: Any) -> Submission:
    c = _campaign_on(world, "sh_municipal_application", "2025.2")
    sub = application_start(actor=world.operator, campaign=c, track=c.tracks.get(), cluster=world.cluster_pudong)
    fw.complete_application(world, sub.subject)
    apply(world.operator, sub, "submit")
    return sub


def test_the_district_types_its_recommendation_and_the_printed_form_shows_it(
    world: Any, application: Submission
) -> None:
    filing = application.subject
    inputs = adapter_for(filing).reviewer_inputs(filing, "district", world.district, "district_recommendation")
    assert [i.key for i in inputs] == ["district_recommendation_seal", "district_recommendation_date"]
    assert inputs[0].value == world.pudong.name  # the seal line defaults to the district
    apply(
        world.district,
        application,
        "district_recommend",
        "材料齐全，符合申报条件，同意推荐。",
        subject_values={"district_recommendation_seal": "浦东新区科经委", "district_recommendation_date": "2025-06-02"},
    )
    filing.refresh_from_db()
    assert filing.data["district_recommendation"] == "材料齐全，符合申报条件，同意推荐。"
    assert filing.data["district_recommendation_date"] == "2025-06-02"
    assert filing.status == FilingStatus.SUBMITTED
    from apps.documents.filing_docs import filing_document

    body, _name, _type = filing_document(filing, "docx")
    doc = Document(BytesIO(body))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "材料齐全，符合申报条件，同意推荐。" in text and "浦东新区科经委" in text


def test_a_recommendation_without_an_opinion_is_refused_and_nothing_changes(
    world: Any, application: Submission
) -> None:
    filing = application.subject
    with pytest.raises(ServiceError):
        apply(world.district, application, "district_recommend", " ")
    application.refresh_from_db()
    filing.refresh_from_db()
    assert application.state == "district_review" and "district_recommendation" not in filing.data


def test_the_annual_report_takes_the_districts_assessment_on_confirmation(world: Any) -> None:
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        tracks=(("annual_report", "recognised"),),
        templates={"annual_report": "sh_annual_report"},
    )
    c.tracks.update(template_version="2025.2")
    sub = fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    filing = submission_open_form(actor=world.operator, submission=sub)
    fw.complete_application(world, filing)
    apply(world.operator, sub, "submit")
    with pytest.raises(filing_services.FilingInvalid, match="区中小企业主管部门考核意见”为必填项"):
        apply(world.district, sub, "district_confirm")
    apply(world.district, sub, "district_confirm", "报告属实，考核合格。")
    filing.refresh_from_db()
    assert filing.data["district_assessment"] == "报告属实，考核合格。" and filing.status == FilingStatus.LOCKED


# —— the national flow: the county department is the applicant ——


@pytest.fixture
def county(world: Any) -> Any:
    return f.user_with(world.xihu, Role.DISTRICT_REVIEWER, username="county_xihu")


@pytest.fixture
def national(world: Any) -> Submission:
    c = fw.campaign(
        world.zhejiang,
        world.province_zj_admin,
        document_number="浙经信企〔2025〕1号",
        tracks=(("national_application", "new_applicants"),),
        templates={"national_application": "national_application"},
        quotas={"province": 8},
    )
    c.tracks.update(template_version="2025.2")
    return fw.submission(c, world.cluster_xihu, workflow_key="national_application")


def fill_as_applicant(actor: Any, filing: Filing) -> Filing:
    """Every field the applicant fills, every evidence the submission asks for, every warning explained."""
    template = filing_services.template_of(filing)
    values = {k: v for k, v in complete_values(template).items() if not template.field(k).by_reviewer}
    filing_services.filing_save_draft(actor=actor, filing=filing, values=values, expected_revision=filing.revision)
    filing.refresh_from_db()
    issues = filing_services.filing_issues(filing, for_submit=True)
    for issue in issues:
        if issue.code.endswith(":evidence"):
            ff.evidence_for(filing, field_key=issue.field, option_key=issue.option or "", uploaded_by=actor)
    warnings = {i.code: "已核实（测试说明）。" for i in issues if i.severity == "warning"}
    if warnings:
        filing.refresh_from_db()
        filing_services.filing_save_draft(
            actor=actor, filing=filing, values={}, expected_revision=filing.revision, warning_explanations=warnings
        )
    filing.refresh_from_db()
    return filing


def test_the_county_opens_fills_and_submits_the_national_application(
    world: Any, county: Any, national: Submission
) -> None:
    op_xihu = f.user_with(world.op_xihu, Role.OPERATOR_STAFF, username="op_xihu")
    for not_applicant in (op_xihu, world.district):  # the cluster's operator; another district's county
        with pytest.raises(AccessDenied, match="该表单须由县级（区级）主管部门（申报主体）填写"):
            submission_open_form(actor=not_applicant, submission=national)
    assert national.subject is None
    filing = submission_open_form(actor=county, submission=national)
    assert filing.applicant == ApplicantKind.COUNTY and filing.template_version == "2025.2"
    assert adapter_for(filing).edit_url(filing, county).endswith(f"/{filing.pk}/edit/")
    fill_as_applicant(county, filing)
    apply(county, national, "submit")
    filing.refresh_from_db()
    assert national.state == "province_review" and filing.status == FilingStatus.SUBMITTED
    assert filing.submitted_by == county and "provincial_recommendation" not in filing.data


def test_the_clusters_operator_reads_the_national_form_and_another_districts_operator_does_not_see_it(
    world: Any, county: Any, national: Submission
) -> None:
    filing = submission_open_form(actor=county, submission=national)
    op_xihu = f.user_with(world.op_xihu, Role.OPERATOR_STAFF, username="op_xihu")
    assert filings_visible_to(op_xihu).filter(pk=filing.pk).exists()
    ok, reason = filing_perms.can_edit_filing(op_xihu, filing)
    assert (ok, reason) == (False, "只有集群所在区县中小企业主管部门（申报主体）的工作人员可以修改填报内容。")
    with pytest.raises(AccessDenied):
        filing_services.filing_save_draft(
            actor=op_xihu, filing=filing, values={"cluster_name": "改名"}, expected_revision=filing.revision
        )
    for outsider in (world.operator, world.district, world.nobody):
        assert not filings_visible_to(outsider).filter(pk=filing.pk).exists()
        assert not filing_perms.can_edit_filing(outsider, filing)[0]


def test_the_province_returns_with_reasons_and_the_county_fixes_only_those_fields(
    world: Any, county: Any, national: Submission
) -> None:
    filing = fill_as_applicant(county, submission_open_form(actor=county, submission=national))
    apply(county, national, "submit")
    template = filing_services.template_of(filing)
    flagged, other = "cluster_name", next(k for k, fl in template.fields.items() if fl.kind == "narrative")
    apply(world.province_zj_admin, national, "province_return", "请修改", field_reasons={flagged: "名称不规范"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED and filing.reopened_fields == [flagged]
    with pytest.raises(ServiceError, match="未被退回修改"):
        filing_services.filing_save_draft(
            actor=county, filing=filing, values={other: "改别的"}, expected_revision=filing.revision
        )
    filing_services.filing_save_draft(
        actor=county,
        filing=filing,
        values={flagged: "浙江省杭州市西湖区数字安防产业集群"},
        expected_revision=filing.revision,
    )
    apply(county, national, "resubmit")
    apply(
        world.province_zj_admin,
        national,
        "province_recommend",
        "发展水平居细分领域前列，同意推荐。",
        data={"rank": 1},
        subject_values={"provincial_recommendation_seal": "浙江省经济和信息化厅"},
    )
    filing.refresh_from_db()
    assert filing.data["provincial_recommendation"] == "发展水平居细分领域前列，同意推荐。"
    assert filing.status == FilingStatus.LOCKED and national.state == "ministry_review"
