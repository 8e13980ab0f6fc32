"""check_templates — validate every form template (schema + semantics + published hashes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.filings.definitions.loader import (
    applicant_overlay_path,
    check_template_file,
    overlay_files,
    overlay_path,
    overlay_template_path,
    subject_overlay_path,
    template_files,
    templates_dir,
)
from apps.filings.definitions.manifest import add_to_manifest, manifest_problems, read_manifest
from apps.indicators.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "校验全部表单模板：结构（JSON Schema）、语义（指标、单位、字段引用、年度）与已发布模板的哈希。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--publish",
            action="store_true",
            help="把状态为 published 且尚未登记的模板（及其填写方、申报主体补充文件）"
            "写入 PUBLISHED.sha256（只增不改）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = load_catalogue()
        except CatalogueError as exc:
            raise CommandError("指标目录有误：\n" + "\n".join(exc.problems)) from exc
        errors: list[str] = []
        published_unlisted: list[str] = []
        listed = read_manifest()
        files = template_files()
        for path in files:
            template, problems = check_template_file(path, catalogue)
            errors.extend(str(p) for p in problems)
            name = f"{path.parent.name}/{path.name}"
            if template is not None and template.is_published and name not in listed:
                published_unlisted.append(name)
            # its 填写方, 申报主体 and 填报对象 overlays: published with their version
            for extra in (overlay_path(path), applicant_overlay_path(path), subject_overlay_path(path)):
                extra_name = f"{path.parent.name}/{extra.name}"
                if extra.is_file() and template is not None and template.is_published and extra_name not in listed:
                    published_unlisted.append(extra_name)
        for extra in overlay_files():
            if not overlay_template_path(extra).is_file():
                errors.append(f"{templates_dir().name}/{extra.parent.name}/{extra.name}: 没有对应的模板文件")
        for name, message in manifest_problems():
            errors.append(f"{templates_dir().name}/{name}: {message}")
        if options["publish"] and not errors:
            for name in add_to_manifest(published_unlisted):
                self.stdout.write(f"已登记发布：{name}")
            published_unlisted = []
        for name in published_unlisted:
            errors.append(
                f"{templates_dir().name}/{name}: 状态为 published 但未登记在 PUBLISHED.sha256"
                "（运行 check_templates --publish）"
            )
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"表单模板校验未通过：{len(errors)} 个问题")
        self.stdout.write(self.style.SUCCESS(f"表单模板校验通过：{len(files)} 个文件"))
