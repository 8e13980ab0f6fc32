"""Login, lockout, session expiry, tampered cookies, forced password change (等级保护2.0 baseline)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import LoginFailure
from apps.core.errors import ServiceError
from apps.core.models import AuditEvent
from apps.orgs import services as org_services
from tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"


def _post_login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_in_chinese_and_open_to_anonymous(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录名" in response.content.decode() and "密码" in response.content.decode()


def test_correct_password_logs_in_and_is_audited(client, world):
    response = _post_login(client, "city_staff", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    event = AuditEvent.objects.get(action="login.success")
    assert event.actor == world.city_staff and event.ip == "10.1.1.1"


def test_wrong_passwords_count_down_then_lock_the_account_and_are_audited(client, world):
    for remaining in (4, 3, 2, 1):
        text = _post_login(client, "city_staff", "wrong-password-x").content.decode()
        assert f"还可尝试 {remaining} 次" in text
    text = _post_login(client, "city_staff", "wrong-password-x").content.decode()
    assert "账号锁定 15 分钟" in text
    assert AuditEvent.objects.filter(action="login.failure", actor_label="city_staff").count() == 5
    assert AuditEvent.objects.filter(action="login.lockout", object_id=str(world.city_staff.pk)).count() == 1


def test_a_locked_account_is_refused_even_with_the_right_password_and_nothing_changes(client, world):
    for _ in range(5):
        _post_login(client, "city_staff", "wrong-password-x", ip="10.1.1.2")
    last_login = world.city_staff.last_login
    sessions = Session.objects.count()
    # Right password, even from another address: the account lock holds.
    response = _post_login(Client(), "city_staff", TEST_PASSWORD, ip="10.1.1.3")
    assert response.status_code == 200
    assert "已被暂时锁定" in response.content.decode()
    world.city_staff.refresh_from_db()
    assert world.city_staff.last_login == last_login
    assert Session.objects.count() == sessions
    assert AuditEvent.objects.filter(action="login.locked").exists()
    assert not AuditEvent.objects.filter(action="login.success").exists()


def test_the_lock_ends_after_the_lockout_window(client, world):
    for _ in range(5):
        _post_login(client, "city_staff", "wrong-password-x")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _post_login(client, "city_staff", TEST_PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked(client, world):
    for username in ("district_pudong", "city_staff", "ministry", "expert1", "evaluator1"):
        _post_login(client, username, "wrong-password-x", ip="10.7.7.7")
    response = _post_login(Client(), "op_pudong", TEST_PASSWORD, ip="10.7.7.7")
    assert "已被暂时锁定" in response.content.decode()
    assert _post_login(Client(), "op_pudong", TEST_PASSWORD, ip="10.7.7.8").status_code == 302


def test_unknown_username_gets_the_same_message_as_a_wrong_password(client, world):
    unknown = _post_login(client, "no_such_user", "wrong-password-x").content.decode()
    known = _post_login(Client(), "ministry", "wrong-password-x", ip="10.1.1.9").content.decode()
    assert "登录名或密码错误" in unknown and "登录名或密码错误" in known


def test_a_deactivated_user_cannot_log_in(client, world):
    org_services.user_set_active(actor=world.city_admin, user=world.district, active=False, reason="调岗")
    response = _post_login(client, "district_pudong", TEST_PASSWORD)
    assert response.status_code == 200 and "登录名或密码错误" in response.content.decode()


def test_logout_ends_the_session_and_is_audited(client, world):
    client.force_login(world.district)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=world.district).exists()
    assert client.get(reverse("core:home"))["Location"].startswith(LOGIN)


def test_logout_by_get_is_refused(client, world):
    client.force_login(world.district)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_session_expires_after_30_idle_minutes(client, world):
    client.force_login(world.city_staff)
    assert client.get(reverse("core:home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_each_request_pushes_the_idle_expiry_forward(client, world):
    client.force_login(world.city_staff)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("clusters:list")).status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > timedelta(minutes=29)


def test_a_tampered_session_cookie_is_treated_as_logged_out(client, world):
    client.force_login(world.city_admin)
    key = client.cookies["sessionid"].value
    client.cookies["sessionid"] = key[:-1] + ("a" if key[-1] != "a" else "b")
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    api = client.get("/api/me")
    assert api.status_code == 401 and "请先登录" in api.json()["detail"]


def test_admin_reset_forces_a_password_change_before_anything_else(client, world):
    temporary = org_services.user_reset_password(actor=world.city_admin, user=world.district)
    assert _post_login(client, "district_pudong", temporary).status_code == 302
    assert client.get(reverse("clusters:list"))["Location"] == reverse("accounts:password_change")
    assert client.get("/api/me").status_code == 403
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password": "Qiye-Jiqun-2031", "new_password2": "Qiye-Jiqun-2031"},
    )
    assert response.status_code == 302
    assert client.get(reverse("clusters:list")).status_code == 200
    assert AuditEvent.objects.filter(action="user.change_password", actor=world.district).exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3-short", "至少包含 10 个字符"),
        ("8273619452", "只包含数字"),
        ("password123", "太常见"),
        ("district_pudong-2031", "登录名"),
    ],
)
def test_password_rules_refuse_with_chinese_messages(world, password, message):
    with pytest.raises(ServiceError) as exc:
        org_services.user_change_own_password(actor=world.district, old_password=TEST_PASSWORD, new_password=password)
    assert message in exc.value.message
    world.district.refresh_from_db()
    assert world.district.check_password(TEST_PASSWORD)


def test_password_change_page_shows_the_rule_violation_and_keeps_the_old_password(client, world):
    client.force_login(world.district)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password": "1234567890", "new_password2": "1234567890"},
    )
    assert response.status_code == 200 and "数字" in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.check_password(TEST_PASSWORD)
