"""Audit trail (操作日志): one row per state change, login event or access-relevant action."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, with before → after values.

    `object_type`/`object_id` name the changed object; `subject_type`/`subject_id` name the
    object on whose timeline the event belongs (a recognition change shows on its cluster).
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作人（记录时）", max_length=200, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    action_label = models.CharField("操作说明", max_length=200, blank=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    subject_type = models.CharField("所属对象类型", max_length=80, blank=True)
    subject_id = models.CharField("所属对象编号", max_length=64, blank=True)
    changes = models.JSONField("变更（前 → 后）", default=dict, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action_label or self.action}"
