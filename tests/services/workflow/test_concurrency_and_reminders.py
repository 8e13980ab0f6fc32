"""Two reviewers at once (PostgreSQL: real row locks), reminders never sent twice, publishing a
campaign opens the addressees' submissions and lists overdue reports."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.clusters.models import ClusterStatus
from apps.core.errors import ServiceError
from apps.workflow.models import Notification, Submission, WorkflowEvent
from apps.workflow.services import (
    campaign_create,
    campaign_publish,
    overdue_submissions,
    send_deadline_reminders,
    transition_apply,
)
from tests import factories_workflow as fw


@pytest.mark.django_db(transaction=True)
def test_two_district_reviewers_acting_at_once_one_succeeds_and_the_other_is_told(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (scripts/test.sh runs this file on PostgreSQL too)")
    from apps.orgs.models import Role
    from tests import factories as f

    second = f.user_with(world.pudong, Role.DISTRICT_REVIEWER, username="district_pudong_2")
    c = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(c, world.cluster_pudong, state="district_review")
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def act(name: str, actor: Any, transition: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            transition_apply(
                actor=actor,
                instance=Submission.objects.get(pk=sub.pk),
                transition=transition,
                comment="意见",
                expected_state="district_review",
            )
            results[name] = "ok"
        except ServiceError as exc:
            results[name] = exc.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("a", world.district, "district_recommend")),
        threading.Thread(target=act, args=("b", second, "district_reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results.values()) == [False, True]
    loser = next(r for r in results.values() if r != "ok")
    assert "请刷新页面" in loser
    assert WorkflowEvent.objects.filter(submission=sub).count() == 1
    sub.refresh_from_db()
    assert sub.version == 2 and sub.state in ("city_formal_review", "not_recommended")


SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_reminders_go_to_who_must_act_and_never_twice(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Frozen at local midday: "now + 2 days 1 hour" is then two calendar days away whatever
    # the real time of day (between 23:00 and 24:00 Shanghai time it would be three).
    frozen = datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    soon = timezone.now() + timedelta(days=2, hours=1)
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        deadlines={"operator_submission": soon},
        tracks=(("annual_report", "recognised"),),
        reminder_days=[7, 3, 1],
    )
    fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    done = fw.submission(c, world.cluster_huangpu, workflow_key="annual_report", state="received")
    assert done.is_final
    assert send_deadline_reminders() == 1
    note = Notification.objects.get()
    assert note.recipient == world.operator and "剩余 2 天" in note.title
    assert send_deadline_reminders() == 0
    call_command("workflow_reminders")
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("now", "due_at", "days_left", "mark"),
    [
        # 23:30 in Shanghai (15:30 UTC): the deadline at 00:30 the day after tomorrow is two
        # local calendar days away, although only one UTC date apart.
        (
            datetime(2026, 11, 22, 23, 30, tzinfo=SHANGHAI),
            datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI),
            2,
            3,
        ),
        # 00:30 in Shanghai (16:30 UTC the day before): the deadline at 23:30 tomorrow is one
        # local calendar day away, although two UTC dates apart.
        (
            datetime(2026, 11, 22, 0, 30, tzinfo=SHANGHAI),
            datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI),
            1,
            1,
        ),
    ],
)
def test_days_left_in_a_reminder_are_counted_in_shanghai_calendar_days_around_midnight(
    world: Any, now: datetime, due_at: datetime, days_left: int, mark: int
) -> None:
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        deadlines={"operator_submission": due_at},
        tracks=(("annual_report", "recognised"),),
        reminder_days=[7, 3, 1],
    )
    sub = fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    assert send_deadline_reminders(now=now) == 1
    note = Notification.objects.get()
    assert f"剩余 {days_left} 天" in note.title
    assert note.key == f"reminder:{c.pk}:operator_submission:{mark}:{sub.pk}"
    assert f"将于 {due_at:%Y-%m-%d %H:%M} 截止" in note.body


def test_publishing_opens_annual_reports_for_recognised_clusters_and_lists_the_overdue(world: Any) -> None:
    for cl in (world.cluster_pudong, world.cluster_huangpu):
        cl.status = ClusterStatus.RECOGNISED
        cl.save()
    c = campaign_create(
        actor=world.city_staff,
        document_number="沪经信企〔2025〕73号",
        title="关于做好2025年中小企业特色产业集群培育工作的通知",
        body="一、集群年度发展情况报告……",
        year=2025,
        tracks=[
            {"workflow": "annual_report", "audience": "recognised"},
            {"workflow": "district_summary", "audience": "districts"},
        ],
        deadlines={"operator_submission": timezone.now() + timedelta(days=10)},
    )
    campaign_publish(actor=world.city_staff, campaign=c)
    reports = Submission.objects.filter(campaign=c, workflow_key="annual_report")
    assert {s.cluster for s in reports} == {world.cluster_pudong, world.cluster_huangpu}
    assert Submission.objects.filter(campaign=c, workflow_key="district_summary").count() == 2
    assert Notification.objects.filter(recipient=world.operator, key=f"campaign:{c.pk}:published").exists()
    with pytest.raises(ServiceError, match="已发布"):
        campaign_publish(actor=world.city_staff, campaign=c)
    pudong = reports.get(cluster=world.cluster_pudong)
    transition_apply(actor=world.operator, instance=pudong, transition="submit", comment="", expected_state="draft")
    later = timezone.now() + timedelta(days=11)
    overdue = overdue_submissions(Submission.objects.filter(campaign=c), now=later)
    assert {(s.workflow_key, s.cluster) for s in overdue if s.workflow_key == "annual_report"} == {
        ("annual_report", world.cluster_huangpu)
    }
