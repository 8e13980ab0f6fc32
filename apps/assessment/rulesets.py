"""Rule sets (规则集) as versioned data.

A rule set belongs to an authority and a year and has a version; files live under
data/rulesets/<authority>/<year>-v<N>.yaml. Published files are frozen by a hash manifest
(data/rulesets/MANIFEST.sha256): a published file whose bytes no longer match is refused.
Rule sets edited in the browser are stored in the database (`StoredRuleSet`) and frozen on
publishing in the same way (their content hash is kept and checked on load).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from .catalogue import indicators
from .dossier import LIST_AGGREGATES
from .expressions import ExpressionError, parse

RULESET_DIR = Path(settings.BASE_DIR) / "data" / "rulesets"
MANIFEST_PATH = RULESET_DIR / "MANIFEST.sha256"
# Checked-in copies of the source documents (data/reference), so the verbatim check works anywhere.
REFERENCE_DIR = Path(settings.BASE_DIR) / "data" / "reference"

# How a word of a regulation reads (《民法典》第1259条; domain-notes §4).
WORD_OPS: dict[str, str] = {
    "以上": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "高于": ">",
    "超过": ">",
    "以下": "<=",
    "以内": "<=",
    "不超过": "<=",
    "一般不超过": "<=",
    "不高于": "<=",
    "低于": "<",
    "不满": "<",
}
OP_SYMBOLS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜"}
OP_INCLUSIVE = {">=": "含本数", "<=": "含本数", ">": "不含本数", "<": "不含本数"}

SEVERITIES = {"hard": "必须满足", "soft": "一般要求（超出给予提示）", "judgment": "需人工判断"}
CHECK_TYPES = {"threshold", "any_of", "answer", "trend", "evidence", "ruleset"}
KINDS = {"recognition": "认定条件", "targets": "发展目标规则"}
STATUSES = {"draft": "草稿", "published": "已发布"}


class RuleSetError(ValueError):
    """A rule set is malformed or its frozen content was changed (message in Chinese)."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    group: str
    severity: str
    legal_basis: dict[str, str]
    footnote: dict[str, str] | None
    check: dict[str, Any]
    notes: str = ""

    def comparison_word(self) -> str | None:
        word = self.check.get("word")
        return str(word) if word else None


@dataclass
class RuleSet:
    id: str
    authority: dict[str, str]
    year: int
    version: int
    kind: str
    title: str
    status: str
    verification: str
    verification_note: str
    documents: dict[str, dict[str, str]]
    rules: list[Rule]
    content: dict[str, Any] = field(repr=False)
    content_hash: str = ""
    origin: str = "file"  # "file" or "db"
    path: str = ""

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_verified(self) -> bool:
        return self.verification == "已核对原文"

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def document_label(self, code: str) -> str:
        doc = self.documents.get(code, {})
        title = doc.get("title", code)
        number = doc.get("number", "")
        return f"{title}（{number}）" if number else title


def content_hash(content: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a rule set's content (for database copies)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest() -> dict[str, str]:
    """{relative path: sha256} of every published rule-set file."""
    if not MANIFEST_PATH.exists():
        return {}
    out: dict[str, str] = {}
    for line in MANIFEST_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, rel = line.partition("  ")
        out[rel.strip()] = digest.strip()
    return out


def _expr_codes(source: str, where: str) -> None:
    try:
        expr = parse(source)
    except ExpressionError as exc:
        raise RuleSetError(f"{where}：{exc}") from exc
    known = indicators()
    for ref in expr.variables:
        if ref.namespace == "list":
            if ref.code not in LIST_AGGREGATES:
                raise RuleSetError(f"{where}：企业名单汇总项“{ref.code}”不存在")
        elif ref.code not in known:
            raise RuleSetError(f"{where}：指标代码“{ref.code}”不在指标目录中")


def _check_threshold_like(check: dict[str, Any], where: str) -> None:
    for key in ("value", "word", "threshold"):
        if key not in check:
            raise RuleSetError(f"{where}：缺少“{key}”")
    if check["word"] not in WORD_OPS:
        raise RuleSetError(f"{where}：无法识别比较用语“{check['word']}”，可用：{'、'.join(WORD_OPS)}")
    _expr_codes(str(check["value"]), where)
    try:
        Decimal(str(check["threshold"]))
    except (InvalidOperation, ValueError) as exc:
        raise RuleSetError(f"{where}：阈值“{check['threshold']}”不是数值") from exc


def validate_rule(raw: dict[str, Any], documents: dict[str, Any]) -> Rule:
    rid = str(raw.get("id", "")).strip()
    if not rid:
        raise RuleSetError("规则缺少编号（id）")
    where = f"规则 {rid}"
    severity = raw.get("severity", "hard")
    if severity not in SEVERITIES:
        raise RuleSetError(f"{where}：严重程度“{severity}”无效")
    basis = raw.get("legal_basis") or {}
    if not isinstance(basis, dict) or not basis.get("document"):
        raise RuleSetError(f"{where}：缺少依据文件（legal_basis.document）")
    if basis["document"] not in documents:
        raise RuleSetError(f"{where}：依据文件“{basis['document']}”未在规则集 documents 中列出")
    footnote = raw.get("footnote")
    if footnote is not None:
        if footnote.get("document") not in documents:
            raise RuleSetError(f"{where}：脚注所在文件未在 documents 中列出")
        if footnote.get("word") and footnote["word"] not in WORD_OPS:
            raise RuleSetError(f"{where}：脚注比较用语“{footnote['word']}”无效")
    check = raw.get("check") or {}
    ctype = check.get("type")
    if ctype not in CHECK_TYPES:
        raise RuleSetError(f"{where}：检查类型“{ctype}”无效")
    if ctype == "threshold":
        _check_threshold_like(check, where)
        word = str(check["word"])
        wording = str(basis.get("wording", ""))
        if wording and word not in wording and not check.get("word_from_footnote"):
            raise RuleSetError(f"{where}：比较用语“{word}”未出现在依据原文中")
    elif ctype == "any_of":
        options = check.get("options") or []
        if len(options) < 2:
            raise RuleSetError(f"{where}：any_of 至少需要两个选项")
        for i, opt in enumerate(options):
            _check_threshold_like(opt, f"{where} 选项{i + 1}")
    elif ctype == "answer":
        if not check.get("question") or not check.get("pass"):
            raise RuleSetError(f"{where}：answer 检查需要 question 和 pass")
    elif ctype == "trend":
        if check.get("direction") not in ("increasing", "decreasing"):
            raise RuleSetError(f"{where}：trend 的 direction 须为 increasing 或 decreasing")
        if check.get("series") not in indicators():
            raise RuleSetError(f"{where}：指标代码“{check.get('series')}”不在指标目录中")
        if check.get("namespace", "value") not in ("value", "target"):
            raise RuleSetError(f"{where}：trend 的 namespace 须为 value 或 target")
    elif ctype == "evidence":
        if not check.get("items"):
            raise RuleSetError(f"{where}：evidence 检查需要列出佐证项（items）")
        if severity != "judgment":
            raise RuleSetError(f"{where}：定性条款的严重程度须为 judgment")
    elif ctype == "ruleset" and not check.get("ref"):
        raise RuleSetError(f"{where}：ruleset 检查需要 ref")
    return Rule(
        id=rid,
        title=str(raw.get("title", rid)),
        group=str(raw.get("group", "")),
        severity=severity,
        legal_basis={k: str(v) for k, v in basis.items()},
        footnote={k: str(v) for k, v in footnote.items()} if footnote else None,
        check=dict(check),
        notes=str(raw.get("notes", "")),
    )


def build(content: dict[str, Any], *, origin: str = "file", path: str = "", digest: str = "") -> RuleSet:
    """Validate `content` (a parsed YAML/JSON rule set) and build a RuleSet."""
    if not isinstance(content, dict):
        raise RuleSetError("规则集应为对象")
    for key in ("id", "authority", "year", "version", "kind", "title", "rules", "documents"):
        if key not in content:
            raise RuleSetError(f"规则集缺少“{key}”")
    if content["kind"] not in KINDS:
        raise RuleSetError(f"规则集类型“{content['kind']}”无效")
    status = content.get("status", "draft")
    if status not in STATUSES:
        raise RuleSetError(f"规则集状态“{status}”无效")
    documents = content["documents"]
    rules = [validate_rule(r, documents) for r in content["rules"]]
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RuleSetError(f"规则编号重复：{'、'.join(dupes)}")
    return RuleSet(
        id=str(content["id"]),
        authority={k: str(v) for k, v in content["authority"].items()},
        year=int(content["year"]),
        version=int(content["version"]),
        kind=str(content["kind"]),
        title=str(content["title"]),
        status=status,
        verification=str(content.get("verification", "待核实")),
        verification_note=str(content.get("verification_note", "")),
        documents={k: {kk: str(vv) for kk, vv in v.items()} for k, v in documents.items()},
        rules=rules,
        content=content,
        content_hash=digest or content_hash(content),
        origin=origin,
        path=path,
    )


def load_file(path: Path, manifest: dict[str, str] | None = None) -> RuleSet:
    rel = path.relative_to(RULESET_DIR).as_posix()
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{rel}：YAML 格式错误：{exc}") from exc
    digest = file_hash(path)
    if isinstance(content, dict) and content.get("status") == "published":
        manifest = read_manifest() if manifest is None else manifest
        expected = manifest.get(rel)
        if expected is None:
            raise RuleSetError(f"{rel}：已发布的规则集未登记在 MANIFEST.sha256 中")
        if expected != digest:
            raise RuleSetError(f"{rel}：已发布的规则集内容被修改（哈希不符），已发布规则集不可更改，请复制为新版本")
    ruleset = build(content, origin="file", path=rel, digest=digest)
    expected_name = f"{ruleset.year}-v{ruleset.version}.yaml"
    if path.name != expected_name:
        raise RuleSetError(f"{rel}：文件名应为 {expected_name}")
    return ruleset


@lru_cache(maxsize=1)
def file_rulesets() -> dict[str, RuleSet]:
    """All rule sets under data/rulesets, by id (loaded and checked once per process)."""
    manifest = read_manifest()
    out: dict[str, RuleSet] = {}
    for path in sorted(RULESET_DIR.glob("*/*.yaml")):
        rs = load_file(path, manifest)
        if rs.id in out:
            raise RuleSetError(f"规则集编号重复：{rs.id}")
        out[rs.id] = rs
    return out


def get_ruleset(ruleset_id: str) -> RuleSet:
    """A rule set by id: the files first, then rule sets stored in the database."""
    found = file_rulesets().get(ruleset_id)
    if found is not None:
        return found
    from .models import StoredRuleSet

    stored = StoredRuleSet.objects.filter(code=ruleset_id).first()
    if stored is None:
        raise RuleSetError(f"规则集“{ruleset_id}”不存在")
    return stored.as_ruleset()


def normalise(text: str) -> str:
    """Text with all whitespace removed, for verbatim comparison with the extracted documents."""
    return "".join(text.split())
