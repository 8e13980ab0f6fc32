"""The Shanghai district summary (区级发展总结报告, 沪经信企〔2025〕73号 附件2) is the district
department's report on its clusters as a whole: a district-level form (template `subject:
district`, through its published overlay) that belongs to the district, not to a cluster. The
district's staff create it for their own district; an operator, another district, the city and
the no-access user are refused and nothing is made; the permissions and the scope follow the
district (its own department edits and submits, the city reviews, operators never see it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings import permissions as perms
from apps.filings import services
from apps.filings.models import ApplicantKind, Filing, FilingStatus
from apps.filings.selectors import filings_visible_to
from tests.unit.form_definitions.builders import complete_values

CODE = "sh_district_summary"


def _create(actor: Any, district: Any, **kwargs: Any) -> Filing:
    return services.filing_create(
        actor=actor, district=district, template_code=CODE, template_version="2025", reporting_year=2025, **kwargs
    )


def test_the_district_creates_its_summary_for_its_district_without_a_cluster(world: Any) -> None:
    filing = _create(world.district, world.pudong)
    assert filing.cluster is None and filing.district == world.pudong and filing.is_district_level
    assert filing.applicant == ApplicantKind.COUNTY and filing.subject_name == "浦东新区"
    assert str(filing) == "浦东新区 · XX区促进中小企业特色产业集群发展总结报告 · 2025年"
    audit = AuditEvent.objects.get(action="filing.create")
    assert audit.changes["申报（填报）主体"] == ApplicantKind.COUNTY.label


def test_a_second_summary_of_the_same_district_and_year_is_refused(world: Any) -> None:
    _create(world.district, world.pudong)
    with pytest.raises(ServiceError, match="“浦东新区”2025年度的《XX区促进中小企业特色产业集群发展总结报告》已经存在"):
        _create(world.district, world.pudong)
    assert Filing.objects.count() == 1


def test_the_summary_cannot_be_opened_for_a_cluster_nor_a_cluster_form_for_a_district(world: Any) -> None:
    with pytest.raises(ServiceError, match="是区级表单，为本区填写，不选择集群"):
        _create(world.district, world.pudong, cluster=world.cluster_pudong)
    with pytest.raises(ServiceError, match="按集群填写，请选择集群"):
        services.filing_create(
            actor=world.district, district=world.pudong, template_code="national_application", reporting_year=2025
        )
    assert not Filing.objects.exists()


def test_the_database_refuses_a_filing_with_both_or_neither_subject(world: Any) -> None:
    filing = _create(world.district, world.pudong)
    for cluster, district in ((world.cluster_pudong, world.pudong), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Filing.objects.filter(pk=filing.pk).update(cluster=cluster, district=district)


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("operator", "区级表单由区级中小企业主管部门填写"),
        ("nobody", "区级表单由区级中小企业主管部门填写"),
        ("city_staff", "区级表单由区级中小企业主管部门填写"),
        ("district_huangpu", "只能为本区新建区级表单"),
    ],
)
def test_nobody_but_the_districts_own_department_creates_its_summary(world: Any, role: str, message: str) -> None:
    user = getattr(world, role) if role == "district_huangpu" else world.users_by_role()[role]
    with pytest.raises(AccessDenied, match=message):
        _create(user, world.pudong)
    assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(action="filing.create").exists()


def test_the_district_sees_its_own_the_city_and_ministry_their_subtree_and_nobody_else_any(world: Any) -> None:
    pudong = _create(world.district, world.pudong)
    huangpu = _create(world.district_huangpu, world.huangpu)
    assert list(filings_visible_to(world.district)) == [pudong]
    assert list(filings_visible_to(world.district_huangpu)) == [huangpu]
    assert set(filings_visible_to(world.city_staff)) == {pudong, huangpu}
    assert set(filings_visible_to(world.ministry_user)) == {pudong, huangpu}
    for user in (world.operator, world.operator_huangpu, world.nobody, world.province_zj_admin, world.expert):
        assert not filings_visible_to(user).exists()


def test_only_the_districts_department_edits_and_submits_and_the_city_reviews(world: Any) -> None:
    filing = _create(world.district, world.pudong)
    assert perms.can_edit_filing(world.district, filing) == (True, "")
    assert perms.can_submit_filing(world.district, filing) == (True, "")
    for user in (world.district_huangpu, world.city_staff, world.operator, world.nobody):
        ok, reason = perms.can_edit_filing(user, filing)
        assert not ok and reason == "只有本区中小企业主管部门（申报主体）的工作人员可以修改填报内容。"
        assert not perms.can_submit_filing(user, filing)[0]
    filing.status = FilingStatus.SUBMITTED
    assert perms.can_return_filing(world.city_staff, filing) == (True, "")
    assert perms.can_lock_filing(world.city_admin, filing) == (True, "")
    for user in (world.district, world.district_huangpu, world.province_zj_admin, world.operator):
        assert not perms.can_return_filing(user, filing)[0]
        assert not perms.can_lock_filing(user, filing)[0]


def test_the_district_fills_and_submits_its_summary_and_the_city_locks_it(world: Any) -> None:
    filing = _create(world.district, world.pudong)
    template = services.template_of(filing)
    values = complete_values(template, signed_on="2025-03-28")
    saved = services.filing_save_draft(
        actor=world.district, filing=filing, values=values, expected_revision=filing.revision
    ).filing
    assert saved.data["district_name"] == values["district_name"]
    submitted = services.filing_submit(actor=world.district, filing=saved)
    assert submitted.status == FilingStatus.SUBMITTED and submitted.submitted_by == world.district
    locked = services.filing_lock(actor=world.city_staff, filing=submitted)
    assert locked.status == FilingStatus.LOCKED
    subjects = set(AuditEvent.objects.filter(action__startswith="filing.").values_list("subject_type", "subject_id"))
    assert subjects == {("orgs.organisation", str(world.pudong.pk))}  # the district, not a cluster


def test_a_new_summary_is_prefilled_from_the_districts_own_last_year_summary_only(world: Any) -> None:
    last = services.filing_create(
        actor=world.district, district=world.pudong, template_code=CODE, reporting_year=2024, prefill=False
    )
    services.filing_save_draft(
        actor=world.district,
        filing=last,
        values={"district_authority": "浦东新区科技和经济委员会"},
        expected_revision=1,
    )
    other = services.filing_create(
        actor=world.district_huangpu, district=world.huangpu, template_code=CODE, reporting_year=2024
    )
    services.filing_save_draft(
        actor=world.district_huangpu, filing=other, values={"overview": "黄浦区的总体情况"}, expected_revision=1
    )
    filing = _create(world.district, world.pudong)
    assert filing.data == {"district_authority": "浦东新区科技和经济委员会"}
    assert [s["filing"] for s in filing.prefilled_from] == [last.pk]
