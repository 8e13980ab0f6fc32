"""Home-page to-dos of the cluster registry (需要我处理的事项)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from apps.core.todos import TodoItem

from .models import ClusterStatus
from .permissions import can_manage_recognition
from .selectors import major_changes_awaiting, recognitions_visible_to

EXPIRY_WARNING_DAYS = 180


def major_changes_to_confirm(user: Any) -> list[TodoItem]:
    """District: reported major changes of its clusters awaiting confirmation."""
    return [
        TodoItem(
            title=f"确认重大变动：{m.cluster.name}（{m.get_kind_display()}）",
            url=reverse("clusters:major_change_decide", args=[m.pk]),
            category="重大变动",
            detail=f"报备于 {timezone.localtime(m.reported_at):%Y-%m-%d}",
        )
        for m in major_changes_awaiting(user)[:50]
    ]


def recognitions_expiring(user: Any) -> list[TodoItem]:
    """City/province: current recognitions that end within six months (复核 or 期满)."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    recs = recognitions_visible_to(user).filter(
        is_current=True,
        status=ClusterStatus.RECOGNISED,
        valid_to__gte=today,
        valid_to__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
    )
    items = []
    for r in recs.order_by("valid_to")[:50]:
        if not can_manage_recognition(user, r.cluster)[0]:
            continue
        items.append(
            TodoItem(
                title=f"认定即将期满：{r.cluster.name}（{r.get_level_display()} {r.batch_year}年）",
                url=reverse("clusters:detail", args=[r.cluster_id]),
                category="认定期满",
                deadline=timezone.make_aware(datetime.combine(r.valid_to, time(23, 59))),
            )
        )
    return items
