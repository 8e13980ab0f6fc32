"""The home page's “需要我处理的事项” for the review cycle: an overdue report says so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests import factories_workflow as fw


def test_an_overdue_report_says_when_it_was_due_instead_of_time_left(world: Any) -> None:
    due = timezone.now() - timedelta(days=2)
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        deadlines={"operator_submission": due},
        tracks=(("annual_report", "recognised"),),
    )
    fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    client = Client()
    client.force_login(world.operator)
    page = client.get("/").content.decode()
    assert f"已于 {timezone.localtime(due):%Y-%m-%d %H:%M} 截止" in page
    assert "已逾期" in page and "剩余" not in page
    nobody = Client()
    nobody.force_login(world.nobody)
    assert "已逾期" not in nobody.get("/").content.decode()
