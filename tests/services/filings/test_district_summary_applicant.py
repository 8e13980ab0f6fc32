"""The Shanghai district summary (区级发展总结报告, 沪经信企〔2025〕73号 附件2) is written by the
district department: its published 2025 file names the county as applicant through an overlay,
so the district creates it for its own clusters and an operator is refused, nothing made."""

from __future__ import annotations

from typing import Any

import pytest

from apps.core.errors import AccessDenied
from apps.core.models import AuditEvent
from apps.filings import services
from apps.filings.models import ApplicantKind, Filing

CODE = "sh_district_summary"


def _create(actor: Any, cluster: Any) -> Filing:
    return services.filing_create(
        actor=actor, cluster=cluster, template_code=CODE, template_version="2025", reporting_year=2025
    )


def test_the_district_creates_its_summary_as_the_applicant(world: Any) -> None:
    filing = _create(world.district, world.cluster_pudong)
    assert filing.applicant == ApplicantKind.COUNTY and filing.created_by == world.district
    audit = AuditEvent.objects.get(action="filing.create")
    assert audit.changes["申报（填报）主体"] == ApplicantKind.COUNTY.label


def test_an_operator_cannot_create_the_district_summary_and_nothing_is_created(world: Any) -> None:
    with pytest.raises(AccessDenied, match="由县级（区级）中小企业主管部门作为申报主体填写"):
        _create(world.operator, world.cluster_pudong)
    assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(action="filing.create").exists()


def test_another_districts_department_cannot_create_the_summary_for_pudong(world: Any) -> None:
    huangpu_staff = world.district_huangpu
    with pytest.raises(AccessDenied, match="只能为本辖区的集群新建"):
        _create(huangpu_staff, world.cluster_pudong)
    assert _create(huangpu_staff, world.cluster_huangpu).applicant == ApplicantKind.COUNTY
    assert Filing.objects.get().cluster == world.cluster_huangpu


@pytest.mark.parametrize("role", ["nobody", "city_staff"])
def test_users_who_are_not_the_district_create_no_summary(world: Any, role: str) -> None:
    with pytest.raises(AccessDenied):
        _create(world.users_by_role()[role], world.cluster_pudong)
    assert not Filing.objects.exists()
