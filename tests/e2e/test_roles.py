"""Each role logs in through the real login page and sees exactly its part of the world."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.clusters.models import Cluster
from apps.orgs.models import Assignment
from tests.e2e.conftest import shoot
from tests.factories_clusters import MajorChangeFactory, RecognitionFactory

pytestmark = pytest.mark.e2e

# role → (clusters it must see in the list, clusters it must not see, may open the admin pages)
EXPECTED = {
    "operator": ({"cluster_pudong"}, {"cluster_huangpu", "cluster_xihu"}, False),
    "district": ({"cluster_pudong"}, {"cluster_huangpu", "cluster_xihu"}, False),
    "city_staff": ({"cluster_pudong", "cluster_huangpu"}, {"cluster_xihu"}, False),
    "city_admin": ({"cluster_pudong", "cluster_huangpu"}, {"cluster_xihu"}, True),
    "ministry": ({"cluster_pudong", "cluster_huangpu", "cluster_xihu"}, set(), False),
    "expert": ({"cluster_huangpu"}, {"cluster_pudong", "cluster_xihu"}, False),
    "evaluator": (set(), {"cluster_pudong", "cluster_huangpu", "cluster_xihu"}, False),
    "nobody": (set(), {"cluster_pudong", "cluster_huangpu", "cluster_xihu"}, False),
}


@pytest.fixture
def prepared(world):
    RecognitionFactory(cluster=world.cluster_pudong, level="national", batch_year=2024)
    RecognitionFactory(cluster=world.cluster_huangpu, batch_year=2023)
    MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    Assignment.objects.create(
        user=world.expert, content_type=ContentType.objects.get_for_model(Cluster), object_id=world.cluster_huangpu.pk
    )
    return world


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_sees_only_its_clusters_and_pages(role, prepared, page, live_server, login):
    world = prepared
    user = world.users_by_role()[role]
    visible, hidden, admin = EXPECTED[role]
    login(user)
    base = live_server.url

    page.goto(f"{base}/clusters/")
    table = page.locator("#cluster-table").inner_text()
    for key in visible:
        assert getattr(world, key).name in table, f"{role} should see {key}"
    for key in hidden:
        assert getattr(world, key).name not in table, f"{role} must not see {key}"
    if not visible:
        assert "没有符合条件的集群" in table
    shoot(page, f"role-{role}-clusters")

    # An out-of-scope cluster URL answers the 404 page, never a partial page.
    for key in hidden:
        response = page.goto(f"{base}/clusters/{getattr(world, key).pk}/")
        assert response.status == 404
        assert "不在您的数据范围之内" in page.locator("main").inner_text()

    # The jurisdiction admin pages: only admins; others get a clear refusal and no menu entry.
    page.goto(f"{base}/")
    assert ("组织与用户" in page.locator("nav").inner_text()) == admin
    response = page.goto(f"{base}/orgs/")
    if admin:
        assert response.status == 200
        tree = page.locator("#org-tree").inner_text()
        assert world.pudong.name in tree and world.xihu.name not in tree
    else:
        assert response.status == 403
        assert "只有市/省主管部门管理员" in page.locator("main").inner_text()

    page.goto(f"{base}/")
    todos = page.locator("#todos").inner_text()
    if role == "district":
        assert "确认重大变动" in todos
    else:
        assert "确认重大变动" not in todos
    shoot(page, f"role-{role}")


def test_district_confirms_a_major_change_through_the_browser(prepared, page, live_server, login):
    world = prepared
    login(world.district)
    page.click("#todos a")
    page.check("input[value=confirm]")
    shoot(page, "district-confirm-form")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/clusters/{world.cluster_pudong.pk}/")
    assert "区已确认" in page.locator("#major-changes").inner_text()
    assert "确认重大变动" in page.locator("#timeline").inner_text()
    shoot(page, "district-confirmed-major-change")


def test_wrong_password_shows_a_chinese_message_in_the_browser(world, page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.city_staff.username)
    page.fill("#id_password", "not-the-password")
    page.click("main button[type=submit]")
    assert "登录名或密码错误，还可尝试 4 次" in page.locator("#login-error").inner_text()
    shoot(page, "login-error")
