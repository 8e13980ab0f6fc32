"""Hash manifest of published templates (data/form_templates/PUBLISHED.sha256).

Each line: `<sha256>  <code>/<version>.yaml`. A listed file whose hash differs, or that has
disappeared, is an error: published templates are immutable — a change is a new version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .loader import templates_dir

MANIFEST_NAME = "PUBLISHED.sha256"


def manifest_path() -> Path:
    return templates_dir() / MANIFEST_NAME


def read_manifest(path: Path | None = None) -> dict[str, str]:
    p = path or manifest_path()
    if not p.is_file():
        return {}
    out: dict[str, str] = {}
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, name = line.partition("  ")
        out[name.strip()] = digest.strip()
    return out


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_problems(base: Path | None = None) -> list[tuple[str, str]]:
    """(file, message) for every published file that changed or vanished."""
    root = base or templates_dir()
    problems = []
    for name, digest in read_manifest(root / MANIFEST_NAME).items():
        path = root / name
        if not path.is_file():
            problems.append((name, "已发布的模板文件不存在（已发布模板不得删除）"))
        elif file_hash(path) != digest:
            problems.append((name, "已发布的模板被修改：已发布模板不得改动，请另建新版本文件"))
    return problems


def add_to_manifest(names: list[str], base: Path | None = None) -> list[str]:
    """Append entries for `names` (relative paths) not yet listed; never rewrites an entry."""
    root = base or templates_dir()
    path = root / MANIFEST_NAME
    listed = read_manifest(path)
    added = [n for n in names if n not in listed]
    if added:
        existing = path.read_text(encoding="utf-8") if path.is_file() else "# 已发布表单模板的 SHA-256（只增不改）\n"
        if existing and not existing.endswith("\n"):
            existing += "\n"
        existing += "".join(f"{file_hash(root / n)}  {n}\n" for n in added)
        path.write_text(existing, encoding="utf-8")
    return added
