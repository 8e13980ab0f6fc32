from django.urls import reverse

from tests.factories_clusters import MajorChangeFactory


def test_home_shows_the_district_its_pending_major_change(client, world):
    change = MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    client.force_login(world.district)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("clusters:major_change_decide", args=[change.pk]) in html
    assert "我可查看的集群（1）" in html


def test_home_of_the_no_access_user_is_empty(client, world):
    MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    client.force_login(world.nobody)
    html = client.get(reverse("core:home")).content.decode()
    assert "暂无待办事项" in html and "我可查看的集群（0）" in html


def test_home_shows_the_admin_menu_only_to_admins(client, world):
    client.force_login(world.city_admin)
    assert reverse("orgs:list") in client.get(reverse("core:home")).content.decode()
    client.force_login(world.city_staff)
    assert reverse("orgs:list") not in client.get(reverse("core:home")).content.decode()


def test_demo_banner_labels_demo_environments(client, world, settings):
    client.force_login(world.city_staff)
    settings.CLUSTERHUB_DEMO = True
    assert "演示数据" in client.get(reverse("core:home")).content.decode()
    settings.CLUSTERHUB_DEMO = False
    assert "演示环境" not in client.get(reverse("core:home")).content.decode()
