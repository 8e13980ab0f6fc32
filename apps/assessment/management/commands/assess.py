"""`manage.py assess --ruleset <id> --input <dossier.json>`: evaluate a dossier, print JSON."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.assessment.dossier import Dossier, DossierError
from apps.assessment.engine import Engine
from apps.assessment.rulesets import RuleSetError, file_rulesets, get_ruleset


class Command(BaseCommand):
    help = "按规则集评估一份评估资料（dossier JSON），以 JSON 输出每条规则的结论和总体结论。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ruleset", help="规则集编号，如 sh-recognition-2025-v1")
        parser.add_argument("--input", help="评估资料 JSON 文件路径；“-” 表示标准输入")
        parser.add_argument("--list", action="store_true", help="列出可用的规则集")
        parser.add_argument("--full", action="store_true", help="输出完整结果（含公式、输入及来源）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for rs in file_rulesets().values():
                self.stdout.write(f"{rs.id}\t{rs.title}\t{rs.verification}")
            return
        if not options["ruleset"] or not options["input"]:
            raise CommandError("请同时给出 --ruleset 和 --input（或用 --list 查看规则集）。")
        try:
            ruleset = get_ruleset(options["ruleset"])
        except RuleSetError as exc:
            raise CommandError(str(exc)) from exc
        path = options["input"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror}") from exc
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from exc
        try:
            dossier = Dossier.from_dict(data)
        except DossierError as exc:
            raise CommandError(f"评估资料有误：{exc}") from exc
        result = Engine(ruleset).evaluate(dossier)
        payload = result.as_dict() if options["full"] else summary(result.as_dict())
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))


def summary(full: dict[str, Any]) -> dict[str, Any]:
    """The short form: per rule id, legal basis, status, value, threshold, explanation."""
    return {
        "ruleset": full["ruleset"],
        "reference_year": full["reference_year"],
        "verdict": full["verdict"],
        "verdict_label": full["verdict_label"],
        "counts": full["counts"],
        "results": [
            {
                "rule_id": r["rule_id"],
                "title": r["title"],
                "legal_basis": r["legal_basis"],
                "status": r["status"],
                "status_label": r["status_label"],
                "value": r["value"],
                "threshold": r["threshold"],
                "comparison": r["comparison"],
                "explanation": r["explanation"],
                "missing": r["missing"],
            }
            for r in full["results"]
        ],
    }
