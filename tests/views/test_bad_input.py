"""Bad input is refused with a clear Chinese message and changes nothing (the whole database is
compared before and after)."""

from django.core import serializers
from django.urls import reverse

from apps.accounts.models import LoginFailure
from apps.clusters.models import Cluster, MajorChange, Recognition
from apps.core.models import AuditEvent
from apps.orgs.models import Organisation, User, UserRole
from tests.factories import TEST_PASSWORD

MODELS = [Organisation, User, UserRole, Cluster, Recognition, MajorChange]


def _database():
    return {m.__name__: serializers.serialize("json", m.objects.order_by("pk")) for m in MODELS}


def test_cluster_name_of_another_district_changes_nothing(client, world):
    client.force_login(world.city_admin)
    before, events = _database(), AuditEvent.objects.count()
    response = client.post(
        reverse("clusters:edit", args=[world.cluster_pudong.pk]),
        {
            "name": "上海市黄浦区集成电路产业集群",
            "district": world.pudong.pk,
            "operator": world.op_pudong.pk,
            "leading_industry": "集成电路",
            "domain": "integrated_circuits",
            "industry_type": "secondary",
            "area_km2": "12.50",
            "version": world.cluster_pudong.version,
        },
    )
    assert response.status_code == 200
    assert "集群名称须以所属区县“上海市浦东新区”开头" in response.content.decode()
    assert _database() == before and AuditEvent.objects.count() == events


def test_admin_editing_the_organisation_above_changes_nothing(client, world):
    client.force_login(world.city_admin)
    before, events = _database(), AuditEvent.objects.count()
    for url in (reverse("orgs:edit", args=[world.ministry.pk]), reverse("orgs:status", args=[world.ministry.pk])):
        response = client.post(url, {"name": "被篡改", "reason": "试图停用上级"})
        assert response.status_code == 404
        assert "不在您的数据范围之内" in response.content.decode()
    assert _database() == before and AuditEvent.objects.count() == events


def test_district_trying_to_edit_its_city_changes_nothing(client, world):
    client.force_login(world.district)
    before = _database()
    response = client.post(reverse("orgs:edit", args=[world.shanghai.pk]), {"name": "被篡改"})
    assert response.status_code == 404
    assert _database() == before


def test_locked_account_with_the_right_password_changes_nothing(client, world):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "district_pudong", "password": "bad-password-1"})
    before, failures = _database(), LoginFailure.objects.count()
    response = client.post("/accounts/login/", {"username": "district_pudong", "password": TEST_PASSWORD})
    assert "锁定" in response.content.decode()
    assert _database() == before and LoginFailure.objects.count() == failures
    assert "_auth_user_id" not in client.session


def test_tampered_session_cookie_cannot_change_anything(client, world):
    client.force_login(world.city_admin)
    client.cookies["sessionid"] = "forged-" + client.cookies["sessionid"].value[7:]
    before = _database()
    response = client.post(reverse("orgs:status", args=[world.op_pudong.pk]), {"reason": "伪造会话"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _database() == before
