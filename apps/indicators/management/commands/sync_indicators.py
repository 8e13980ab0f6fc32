"""sync_indicators — write data/indicators/catalogue.yaml into the Indicator table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.indicators.catalogue import CatalogueError
from apps.indicators.sync import indicators_sync


class Command(BaseCommand):
    help = "按指标目录文件同步指标表（新增、更新；文件中已删除的指标停用，不删除）。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = indicators_sync(actor=None)
        except CatalogueError as exc:
            raise CommandError("指标目录有误：\n" + "\n".join(exc.problems)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"指标目录已同步：新增 {result.created}，更新 {result.updated}，停用 {result.deactivated}"
            )
        )
