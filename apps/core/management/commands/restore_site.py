"""python manage.py restore_site <dir>: replace the database and stored files with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.backup import BackupError, read_manifest, restore_site


class Command(BaseCommand):
    help = "从 backup_site 生成的备份恢复：先校验，再清空并载入数据库、替换存储中的文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="备份目录")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="不询问，直接恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            manifest = read_manifest(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["noinput"]:
            answer = input(
                f"将用 {manifest['created_at']} 的备份替换当前全部数据和文件，此操作不可撤销。输入 yes 继续："
            )
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何更改。")
        try:
            summary = restore_site(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：数据库对象 {summary.objects} 个，文件 {summary.files} 个。请让用户重新登录。"
            )
        )
