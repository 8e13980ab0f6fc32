"""Fields a reviewing authority fills (填写方 `filled_by`): the operator can neither change them
nor is asked for them at its submission; the district fills them while the form is under its
review, through `filing_fill_reviewer_fields`, audited and validated by the template."""

from __future__ import annotations

from typing import Any

import pytest

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings import permissions as perms
from apps.filings import services
from apps.filings.models import Filing, FilingRevision, FilingStatus, RevisionKind
from apps.workflow.demo_forms import fill_application
from tests import factories_filings as ff

pytestmark = pytest.mark.django_db

OPINION = "district_recommendation"


@pytest.fixture
def filing(world: Any) -> Filing:
    return ff.pudong_application(world)


@pytest.fixture
def submitted(world: Any, filing: Filing) -> Filing:
    fill_application(actor=world.operator, filing=filing)
    filing.refresh_from_db()
    return services.filing_submit(actor=world.operator, filing=filing)


def _snapshot(filing: Filing) -> tuple[Any, ...]:
    filing.refresh_from_db()
    return (filing.revision, dict(filing.data), filing.revisions.count(), AuditEvent.objects.count())


def test_operator_cannot_change_a_district_field_and_the_database_is_unchanged(world: Any, filing: Filing) -> None:
    before = _snapshot(filing)
    with pytest.raises(ServiceError, match="栏目“区级中小企业主管部门推荐意见”由区级中小企业主管部门填写") as exc:
        services.filing_save_draft(
            actor=world.operator,
            filing=filing,
            values={"cover_cluster_name": "改名", OPINION: "自己推荐自己"},
            expected_revision=filing.revision,
        )
    assert exc.value.field == OPINION
    assert _snapshot(filing) == before
    assert OPINION not in filing.data and filing.data.get("cover_cluster_name") != "改名"


def test_the_district_fields_are_not_editable_for_the_operator_but_its_own_fields_are(
    world: Any, filing: Filing
) -> None:
    keys = perms.editable_field_keys(world.operator, filing)
    assert keys is not None and "cover_cluster_name" in keys
    assert not {OPINION, "district_recommendation_seal", "district_recommendation_date"} & keys
    ok, reason = perms.can_edit_field(world.operator, filing, "district_recommendation_seal")
    assert not ok and reason == "栏目“推荐单位（公章）”由区级中小企业主管部门填写，申报（填报）单位不能更改。"
    assert not perms.can_upload_evidence(world.operator, filing, OPINION)[0]


def test_the_operator_submits_without_the_districts_opinion(world: Any, submitted: Filing) -> None:
    assert submitted.status == FilingStatus.SUBMITTED and OPINION not in submitted.data


def test_the_district_fills_its_opinion_while_the_form_is_under_review_and_it_is_audited(
    world: Any, submitted: Filing
) -> None:
    services.filing_fill_reviewer_fields(
        actor=world.district,
        filing=submitted,
        party="district",
        values={OPINION: "材料齐全，同意推荐。", "district_recommendation_seal": "浦东新区科经委"},
    )
    submitted.refresh_from_db()
    assert submitted.data[OPINION] == "材料齐全，同意推荐。"
    assert submitted.data["district_recommendation_seal"] == "浦东新区科经委"
    assert submitted.status == FilingStatus.SUBMITTED
    rev = FilingRevision.objects.filter(filing=submitted).order_by("-number", "-id").first()
    assert rev is not None and rev.kind == RevisionKind.REVIEW_FILL and rev.author == world.district
    event = AuditEvent.objects.get(action="filing.review_fill", object_id=str(submitted.pk))
    assert "区级中小企业主管部门推荐意见" in event.changes


def test_the_district_cannot_fill_the_operators_fields_or_leave_its_opinion_blank(
    world: Any, submitted: Filing
) -> None:
    before = _snapshot(submitted)
    with pytest.raises(ServiceError, match="栏目“集群名称”由申报（填报）单位填写，区级中小企业主管部门不能填写"):
        services.filing_fill_reviewer_fields(
            actor=world.district, filing=submitted, party="district", values={"cover_cluster_name": "改名"}
        )
    with pytest.raises(services.FilingInvalid, match="区级中小企业主管部门推荐意见”为必填项"):
        services.filing_fill_reviewer_fields(
            actor=world.district, filing=submitted, party="district", values={"district_recommendation_seal": "章"}
        )
    assert _snapshot(submitted) == before


def test_only_the_clusters_own_district_fills_and_only_while_submitted(
    world: Any, filing: Filing, submitted: Filing
) -> None:
    for user in (world.district_huangpu, world.operator, world.city_staff, world.nobody):
        with pytest.raises(AccessDenied):
            services.filing_fill_reviewer_fields(actor=user, filing=submitted, party="district", values={OPINION: "x"})
    services.filing_lock(actor=world.district, filing=submitted)
    with pytest.raises(AccessDenied, match="只有已提交、审核中的表单可以填写审核意见"):
        services.filing_fill_reviewer_fields(
            actor=world.district, filing=submitted, party="district", values={OPINION: "x"}
        )


def test_a_return_cannot_flag_a_field_the_district_fills(world: Any, submitted: Filing) -> None:
    with pytest.raises(ServiceError, match="由区级中小企业主管部门填写，不能退回给申报（填报）单位修改"):
        services.filing_return(actor=world.district, filing=submitted, field_reasons={OPINION: "请补充"})
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED


def test_on_a_first_2025_filing_the_operator_is_refused_the_districts_opinion_through_the_overlay(
    world: Any,
) -> None:
    # The published 2025 file cannot change; its filled_by overlay gives the opinion to the district.
    old = ff.pudong_application(world, "2025")
    keys = perms.editable_field_keys(world.operator, old)
    assert keys is not None and OPINION not in keys and "cover_cluster_name" in keys
    before = _snapshot(old)
    with pytest.raises(ServiceError, match="栏目“区级中小企业主管部门推荐意见”由区级中小企业主管部门填写") as exc:
        services.filing_save_draft(
            actor=world.operator, filing=old, values={OPINION: "自己推荐自己"}, expected_revision=old.revision
        )
    assert exc.value.field == OPINION and _snapshot(old) == before
    with pytest.raises(AccessDenied, match="表单当前状态为“草稿”"):
        services.filing_fill_reviewer_fields(actor=world.district, filing=old, party="district", values={})
    fill_application(actor=world.operator, filing=old)
    old.refresh_from_db()
    old = services.filing_submit(actor=world.operator, filing=old)  # the opinion is not asked of the operator
    services.filing_fill_reviewer_fields(
        actor=world.district, filing=old, party="district", values={OPINION: "同意推荐。"}
    )
    old.refresh_from_db()
    assert old.template_version == "2025" and old.data[OPINION] == "同意推荐。"
