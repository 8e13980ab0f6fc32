"""python manage.py workflow_reminders [--enqueue]: send deadline reminders now, or enqueue the
background task (run daily from cron/systemd; nothing is ever sent twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.workflow.services.lifecycle import send_deadline_reminders
from apps.workflow.services.notify import send_pending_emails
from apps.workflow.tasks import deadline_reminders


class Command(BaseCommand):
    help = "发送截止提醒（站内消息和邮件）；--enqueue 时交由后台任务执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="加入后台任务队列而不是立即执行")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = deadline_reminders.enqueue()
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        created = send_deadline_reminders()
        sent = send_pending_emails()
        self.stdout.write(f"新增提醒 {created} 条，发送邮件 {sent} 封。")
