"""python manage.py backup_site <dir>: database (JSON) + every stored file + manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.backup import BackupError, backup_site


class Command(BaseCommand):
    help = "备份整个站点：数据库（JSON）与存储中的全部文件（佐证材料、生成文书），附校验清单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="备份目录（须为新目录或空目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_site(Path(options["directory"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{summary.directory}，数据库对象 {summary.objects} 个，"
                f"文件 {summary.files} 个（{summary.bytes} 字节）。"
            )
        )
