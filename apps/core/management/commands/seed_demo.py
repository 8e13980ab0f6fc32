"""python manage.py seed_demo [--reset]: the demo world (演示数据), one login per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from apps.core.demo import DEMO_PASSWORD, resetters, seeders
from apps.core.demo_world import build_world, delete_world


class Command(BaseCommand):
    help = "载入演示数据（幂等）；--reset 先删除全部演示数据再重建。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="删除全部演示数据后重建")
        parser.add_argument("--quiet-table", action="store_true", help="不打印登录账号表")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            with transaction.atomic():
                for reset in resetters():
                    reset()
                delete_world()
            self.stdout.write("已删除原有演示数据。")
        world = build_world()
        for seeder in seeders():
            with transaction.atomic():
                seeder(world)
        from apps.clusters.models import Cluster
        from apps.orgs.models import Organisation

        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：组织机构 {Organisation.objects.filter(is_demo=True).count()} 个，"
                f"集群 {Cluster.objects.filter(is_demo=True).count()} 个（均标记为演示数据）。"
            )
        )
        if options["quiet_table"]:
            return
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(x.username) for x in world.logins) + 2
        self.stdout.write(f"{'登录名'.ljust(width)}角色 / 所属组织")
        for login in world.logins:
            self.stdout.write(f"{login.username.ljust(width)}{login.role} / {login.organisation}")
