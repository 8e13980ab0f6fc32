"""The applicant (申报主体) of a new filing comes from its form template, not from the caller:
the national application and re-review are the county department's (工信厅企业函〔2025〕77号
一（一）、二（一）), the Shanghai forms the operator's. Whoever else asks is refused, nothing made."""

from __future__ import annotations

from typing import Any

import pytest

from apps.core.errors import AccessDenied
from apps.core.models import AuditEvent
from apps.filings import services
from apps.filings.models import ApplicantKind, Filing

NATIONAL = ("national_application", "national_rereview")


def _create(actor: Any, cluster: Any, code: str, version: str | None = None) -> Filing:
    return services.filing_create(
        actor=actor, cluster=cluster, template_code=code, template_version=version, reporting_year=2025
    )


@pytest.mark.parametrize("code", NATIONAL)
def test_an_operator_cannot_create_a_national_form_and_nothing_is_created(world: Any, code: str) -> None:
    with pytest.raises(AccessDenied, match="由县级（区级）中小企业主管部门作为申报主体填写"):
        _create(world.operator, world.cluster_pudong, code)
    assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(action="filing.create").exists()


@pytest.mark.parametrize("code", NATIONAL)
@pytest.mark.parametrize("version", ["2025", "2025.2"])
def test_the_county_creates_a_national_form_of_its_district_as_the_applicant(
    world: Any, code: str, version: str
) -> None:
    filing = _create(world.district, world.cluster_pudong, code, version)
    assert filing.applicant == ApplicantKind.COUNTY and filing.created_by == world.district
    audit = AuditEvent.objects.get(action="filing.create")
    assert audit.changes["申报（填报）主体"] == ApplicantKind.COUNTY.label


def test_the_county_cannot_create_a_national_form_for_another_districts_cluster(world: Any) -> None:
    with pytest.raises(AccessDenied, match="只能为本辖区的集群新建申报表"):
        _create(world.district, world.cluster_huangpu, "national_application")
    assert not Filing.objects.exists()


def test_the_county_cannot_create_the_operators_municipal_application(world: Any) -> None:
    with pytest.raises(AccessDenied, match="由集群运营管理机构填报"):
        _create(world.district, world.cluster_pudong, "sh_municipal_application")
    assert not Filing.objects.exists()


def test_the_operators_municipal_application_still_has_the_operator_as_applicant(world: Any) -> None:
    filing = _create(world.operator, world.cluster_pudong, "sh_municipal_application")
    assert filing.applicant == ApplicantKind.OPERATOR


@pytest.mark.parametrize("code", ["national_application", "sh_municipal_application"])
def test_the_no_access_user_creates_nothing(world: Any, code: str) -> None:
    with pytest.raises(AccessDenied):
        _create(world.nobody, world.cluster_pudong, code)
    assert not Filing.objects.exists()
