from datetime import timedelta

from django.utils import timezone

from apps.accounts import lockout
from apps.accounts.models import LoginFailure


def test_an_account_is_not_locked_before_the_fifth_failure(db):
    for _ in range(4):
        lockout.record_failure("alice", "10.0.0.1")
    assert lockout.locked_until("alice", "10.0.0.2") is None


def test_the_fifth_failure_locks_the_account_for_fifteen_minutes_from_the_last_one(db):
    for _ in range(5):
        lockout.record_failure("alice", None)
    last = LoginFailure.objects.order_by("-at").first().at
    assert lockout.locked_until("ALICE", None) == last + timedelta(minutes=15)


def test_failures_older_than_the_window_do_not_count(db):
    for _ in range(5):
        lockout.record_failure("alice", "10.0.0.1")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert lockout.locked_until("alice", "10.0.0.1") is None


def test_the_address_limit_can_differ_from_the_account_limit(db, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        lockout.record_failure(name, "10.0.0.9")
    assert lockout.locked_until("d", "10.0.0.9") is not None
    assert lockout.locked_until("d", "10.0.0.8") is None


def test_a_successful_login_clears_the_account_failures(db):
    for _ in range(3):
        lockout.record_failure("alice", "10.0.0.1")
    lockout.clear_failures("alice")
    assert lockout.record_failure("alice", "10.0.0.1") == 4
