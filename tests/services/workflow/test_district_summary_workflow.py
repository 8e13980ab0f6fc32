"""The district summary (区级发展总结报告, 沪经信企〔2025〕73号 一、附件2) through its workflow: the
city's notice opens one submission per district (no cluster); the district department starts the
form from the submission (开始填报: a district-level filing of its district, no cluster), fills it
and sends it to the city (报送市经济信息化委), the city returns or receives it. Operators have no
part in it; another district cannot start Pudong's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import AccessDenied
from apps.filings import services as filing_services
from apps.filings.models import Filing, FilingStatus
from apps.workflow.models import Notification, Submission
from apps.workflow.services import campaign_create, campaign_publish, submission_open_form, transition_apply
from tests.unit.form_definitions.builders import complete_values


def _campaign(world: Any) -> Any:
    c = campaign_create(
        actor=world.city_staff,
        document_number="沪经信企〔2025〕73号",
        title="关于做好2025年中小企业特色产业集群培育工作的通知",
        body="一、各区报送本区促进集群发展总结报告……",
        year=2025,
        tracks=[{"workflow": "district_summary", "audience": "districts", "template_code": "sh_district_summary@2025"}],
        deadlines={"operator_submission": timezone.now() + timedelta(days=10)},
    )
    campaign_publish(actor=world.city_staff, campaign=c)
    return c


def _pudong(world: Any) -> Submission:
    return Submission.objects.get(campaign=_campaign(world), district=world.pudong)


def _fill(world: Any, filing: Filing) -> Filing:
    values = complete_values(filing_services.template_of(filing), signed_on="2025-03-28")
    return filing_services.filing_save_draft(
        actor=world.district, filing=filing, values=values, expected_revision=filing.revision
    ).filing


def test_the_district_starts_its_summary_from_the_submission_as_a_form_of_its_district(world: Any) -> None:
    sub = _pudong(world)
    assert sub.cluster is None and sub.state == "draft"
    filing = submission_open_form(actor=world.district, submission=sub)
    sub.refresh_from_db()
    assert sub.subject == filing
    assert filing.cluster is None and filing.district == world.pudong
    assert filing.template_code == "sh_district_summary" and filing.campaign_ref == "沪经信企〔2025〕73号"


@pytest.mark.parametrize("who", ["operator", "district_huangpu", "city_staff", "nobody"])
def test_nobody_but_the_districts_department_starts_its_summary(world: Any, who: str) -> None:
    sub = _pudong(world)
    with pytest.raises(AccessDenied):
        submission_open_form(actor=getattr(world, who), submission=sub)
    assert not Filing.objects.exists()


def test_the_district_submits_to_the_city_which_returns_then_receives_and_locks_it(world: Any) -> None:
    sub = _pudong(world)
    filing = _fill(world, submission_open_form(actor=world.district, submission=sub))
    sub = transition_apply(actor=world.district, instance=sub, transition="submit", comment="", expected_state="draft")
    filing.refresh_from_db()
    assert sub.state == "city_review" and filing.status == FilingStatus.SUBMITTED
    assert Notification.objects.filter(recipient=world.city_staff).exists()
    sub = transition_apply(
        actor=world.city_staff,
        instance=sub,
        transition="city_return",
        comment="典型案例请补充",
        expected_state="city_review",
        field_reasons={"cases": "请补充数字化方面的案例。"},
    )
    filing.refresh_from_db()
    assert sub.state == "returned" and filing.status == FilingStatus.RETURNED and filing.reopened_fields == ["cases"]
    filing_services.filing_save_draft(
        actor=world.district,
        filing=filing,
        values={"cases": "补充：某企业数字化转型案例。"},
        expected_revision=filing.revision,
    )
    sub = transition_apply(
        actor=world.district, instance=sub, transition="submit", comment="", expected_state="returned"
    )
    sub = transition_apply(
        actor=world.city_staff, instance=sub, transition="city_receive", comment="", expected_state="city_review"
    )
    filing.refresh_from_db()
    assert sub.state == "received" and filing.status == FilingStatus.LOCKED
    assert Notification.objects.filter(recipient=world.district).exists()


def test_the_district_opens_the_summary_from_the_submission_page_and_others_cannot(world: Any) -> None:
    sub = _pudong(world)
    url = reverse("workflow:submission_detail", args=[sub.pk])
    district = Client()
    district.force_login(world.district)
    assert 'id="form-open"' in district.get(url).content.decode()
    for user in (world.district_huangpu, world.operator, world.nobody):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 404
        assert c.post(reverse("workflow:submission_open_form", args=[sub.pk])).status_code == 404
    assert not Filing.objects.exists()
    response = district.post(reverse("workflow:submission_open_form", args=[sub.pk]))
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.district == world.pudong and filing.cluster is None
