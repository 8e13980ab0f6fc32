"""The national flow's demo seeder (工信厅企业函〔2025〕77号（演示）): the Xihu county department
(demo_county_xihu, 申报主体) has a partly filled national application on the current 2025.2 form
to complete and submit for the Zhejiang department (demo_zj_admin) to review; the cluster's
operator only reads it, a user of another operator does not see it; reseeding changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.demo import DEMO_PASSWORD
from apps.core.demo_world import build_world
from apps.filings import permissions as filing_perms
from apps.filings.models import ApplicantKind, Filing, FilingStatus
from apps.orgs.models import Organisation, OrgKind, Role
from apps.workflow.demo_national import COUNTY_USERNAME, DOCUMENT_NUMBER, seed_national
from apps.workflow.models import Campaign, Submission
from apps.workflow.models.campaigns import CampaignStatus
from apps.workflow.services import available_transitions
from apps.workflow.todos import workflow_todos
from tests import factories as f


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.mark.django_db
def test_the_county_user_opens_and_edits_its_national_draft_and_the_operator_cannot() -> None:
    world = build_world()
    seed_national(world)
    seed_national(world)  # a second run changes nothing
    campaign = Campaign.objects.get(document_number=DOCUMENT_NUMBER)
    assert campaign.is_demo and campaign.status == CampaignStatus.PUBLISHED and "演示" in campaign.body
    assert campaign.authority == world.orgs["zhejiang"]
    sub = Submission.objects.get(campaign=campaign)
    assert (sub.workflow_key, sub.state, sub.is_demo) == ("national_application", "draft", True)
    filing = sub.subject
    assert isinstance(filing, Filing) and Filing.objects.filter(cluster=sub.cluster).count() == 1
    assert (filing.template_code, filing.template_version) == ("national_application", "2025.2")
    assert filing.applicant == ApplicantKind.COUNTY and filing.status == FilingStatus.DRAFT
    assert filing.data["cover_cluster_name"] == sub.cluster.name and filing.data["area_km2"] == "6.10"
    assert "provincial_recommendation" not in filing.data  # the province's part waits for the province
    assert filing_perms.editable_field_keys(world.users["county_xihu"], filing) is not None

    county = world.users["county_xihu"]
    assert county.username == COUNTY_USERNAME and county.check_password(DEMO_PASSWORD)
    assert any(login.username == COUNTY_USERNAME for login in world.logins)  # printed by seed_demo
    assert county.organisation == sub.cluster.district and county.has_role(Role.DISTRICT_REVIEWER)
    assert sub.pk in {int(t.url.rstrip("/").rsplit("/", 1)[1]) for t in workflow_todos(county)}
    assert [t.key for t in available_transitions(county, sub)] == ["submit"]
    page = _client(county).get(reverse("filings:edit", args=[filing.pk]))
    assert page.status_code == 200 and 'name="f:cover_cluster_name"' in page.content.decode()
    saved = _client(county).post(
        reverse("filings:save", args=[filing.pk]),
        {"revision": filing.revision, "f:cover_date": "1", "v:cover_date": "2025-06-10"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert saved.status_code == 200, saved.content.decode()
    filing.refresh_from_db()
    assert filing.data["cover_date"] == "2025-06-10"

    operator = f.user_with(sub.cluster.operator, Role.OPERATOR_STAFF, username="demo_test_op_xihu")
    assert _client(operator).get(reverse("filings:detail", args=[filing.pk])).status_code == 200
    assert _client(operator).get(reverse("filings:edit", args=[filing.pk])).status_code == 403
    refused = _client(operator).post(
        reverse("filings:save", args=[filing.pk]),
        {"revision": filing.revision, "f:cover_date": "1", "v:cover_date": "2025-07-01"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert refused.status_code == 403
    assert available_transitions(operator, sub) == []
    other = Organisation.objects.create(name="无关运营机构（测试）", kind=OrgKind.OPERATOR, parent=None)
    nobody = f.user_with(other, Role.OPERATOR_STAFF, username="demo_test_nobody")
    assert _client(nobody).get(reverse("filings:edit", args=[filing.pk])).status_code == 404
    filing.refresh_from_db()
    assert filing.data["cover_date"] == "2025-06-10"
    assert filing_perms.can_edit_filing(world.users["zj_admin"], filing)[0] is False  # the province reviews
