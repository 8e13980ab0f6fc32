"""Notifications: in-app inbox rows and e-mail, each at most once per (recipient, key)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.orgs.models import Assignment, OrgKind, Role, User

from ..models import Notification, Submission


def recipients_for_role(role: str, submission: Submission) -> list[User]:
    """Active users who play `role` for `submission` (see permissions.has_workflow_role)."""
    from django.contrib.contenttypes.models import ContentType

    users = User.objects.filter(is_active=True, organisation__is_active=True)
    district = submission.district
    if role == "operator":
        if submission.cluster is None:
            return []
        qs = users.filter(organisation_id=submission.cluster.operator_id, role_grants__role=Role.OPERATOR_STAFF)
    elif role in ("district", "county"):
        qs = users.filter(organisation=district, role_grants__role=Role.DISTRICT_REVIEWER)
    elif role in ("city", "province"):
        kinds = [OrgKind.PROVINCE] if role == "province" else [OrgKind.PROVINCE, OrgKind.CITY]
        ancestors = [o for o in district.ancestors() if o.kind in kinds]
        if role == "city" and submission.campaign is not None and submission.campaign.authority in ancestors:
            ancestors = [submission.campaign.authority]
        elif ancestors:
            ancestors = [ancestors[-1]]
        qs = users.filter(
            organisation__in=ancestors, role_grants__role__in=[Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN]
        )
    elif role == "ministry":
        qs = users.filter(organisation__kind=OrgKind.MINISTRY, role_grants__role=Role.MINISTRY_STAFF)
    elif role in ("expert", "evaluator"):
        purpose = "expert_review" if role == "expert" else "evaluation"
        ids = Assignment.objects.filter(
            is_active=True,
            purpose=purpose,
            content_type=ContentType.objects.get_for_model(Submission),
            object_id=submission.pk,
        ).values("user_id")
        qs = users.filter(pk__in=ids)
    else:
        return []
    return list(qs.distinct().order_by("pk"))


def notify(*, recipients: Iterable[User], key: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create one inbox row per recipient unless (recipient, key) exists; e-mail the new ones after
    the transaction commits. Returns the rows created now."""
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients}.values():
        try:
            with transaction.atomic():
                n = Notification.objects.create(recipient=user, key=key[:200], title=title[:200], body=body, url=url)
        except IntegrityError:
            continue  # already told: never twice
        created.append(n)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: send_pending_emails(ids))
    return created


def send_pending_emails(ids: Iterable[int] | None = None) -> int:
    """E-mail notifications not yet e-mailed (the row is claimed first so a retry cannot resend)."""
    qs = Notification.objects.filter(emailed_at__isnull=True).select_related("recipient")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    sent = 0
    for n in qs:
        if not n.recipient.email:
            continue
        claimed = Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed:
            continue
        link = f"\n\n查看：{settings_base_url()}{n.url}" if n.url else ""
        send_mail(
            subject=f"[{settings.CLUSTERHUB_SITE_NAME}] {n.title}",
            message=f"{n.recipient}，您好：\n\n{n.body}{link}\n\n（本邮件由系统自动发送，请勿直接回复。）",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.recipient.email],
        )
        sent += 1
    return sent


def settings_base_url() -> str:
    return str(getattr(settings, "CLUSTERHUB_BASE_URL", ""))


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        from apps.core.errors import AccessDenied

        raise AccessDenied("只能标记自己的消息。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
