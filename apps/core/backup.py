"""Backup and restore of a whole site (数据备份与恢复): the database as JSON (dumpdata) plus every
file in default_storage (evidence, generated documents), with a manifest of checksums and the
migration state. Used by `manage.py backup_site <dir>` and `manage.py restore_site <dir>`.

JSON works the same on SQLite and PostgreSQL and survives a move between them; for very large
databases docs/deploy.md adds a nightly pg_dump beside it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "clusterhub-backup-1"
DB_FILE = "database.json"
FILES_DIR = "files"
MANIFEST = "manifest.json"
# Everything is kept with its primary keys (content types and permissions included, so rows that
# point at them stay exact); only sessions are left out — users log in again after a restore.
EXCLUDED = ["sessions"]


class BackupError(Exception):
    """A Chinese message for the operator running the command."""


@dataclass
class BackupSummary:
    directory: Path
    objects: int
    files: int
    bytes: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def storage_files(storage: Storage = default_storage, path: str = "") -> list[str]:
    """Every file name in `storage`, recursively (works for the file system and S3 backends)."""
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{f}" if path else f for f in files]
    for d in dirs:
        names.extend(storage_files(storage, f"{path}/{d}" if path else d))
    return sorted(names)


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def backup_site(directory: Path, storage: Storage = default_storage) -> BackupSummary:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"备份目录 {directory} 不是空目录，请指定新的目录，避免覆盖已有备份。")
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / DB_FILE
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        indent=None,
        output=str(db_path),
        verbosity=0,
    )
    objects = len(json.loads(db_path.read_text(encoding="utf-8")))
    files: dict[str, dict[str, Any]] = {}
    total = 0
    for name in storage_files(storage):
        with storage.open(name, "rb") as fh:
            data = fh.read()
        target = directory / FILES_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[name] = {"sha256": _sha256(data), "size": len(data)}
        total += len(data)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "database_sha256": _sha256(db_path.read_bytes()),
        "objects": objects,
        "migrations": applied_migrations(),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return BackupSummary(directory=directory, objects=objects, files=len(files), bytes=total)


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise BackupError(f"{directory} 中没有 {MANIFEST}，不是本系统生成的备份。")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 无法识别（需要 {FORMAT}）。")
    return manifest


def verify_backup(directory: Path) -> dict[str, Any]:
    """Check every checksum before anything is touched."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    db_path = directory / DB_FILE
    if not db_path.exists() or _sha256(db_path.read_bytes()) != manifest["database_sha256"]:
        raise BackupError(f"{DB_FILE} 缺失或已损坏（校验值不符），未做任何恢复。")
    for name, meta in manifest["files"].items():
        path = directory / FILES_DIR / name
        if not path.exists() or _sha256(path.read_bytes()) != meta["sha256"]:
            raise BackupError(f"文件 {name} 缺失或已损坏（校验值不符），未做任何恢复。")
    return manifest


def restore_site(directory: Path, storage: Storage = default_storage) -> BackupSummary:
    """Replace the database content and the stored files with the backup's.

    The schema must be the one the backup was taken with (same applied migrations): restore into
    the same release first, then upgrade with `migrate` (docs/deploy.md).
    """
    directory = Path(directory)
    manifest = verify_backup(directory)
    current = applied_migrations()
    if manifest["migrations"] != current:
        missing = sorted(set(manifest["migrations"]) - set(current))
        extra = sorted(set(current) - set(manifest["migrations"]))
        raise BackupError(
            "当前数据库结构与备份时不一致，未做任何恢复。"
            + (f"备份中有而当前没有的迁移：{'、'.join(missing[:5])}。" if missing else "")
            + (f"当前有而备份中没有的迁移：{'、'.join(extra[:5])}。" if extra else "")
            + "请先部署与备份相同的版本并执行 migrate，恢复后再升级。"
        )
    with transaction.atomic():
        # No post_migrate: nothing (content types, permissions, catalogue data loaded by apps)
        # may be recreated between emptying the tables and loading the backup's rows.
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        call_command("loaddata", str(directory / DB_FILE), verbosity=0)
    ContentType.objects.clear_cache()
    for name in storage_files(storage):
        if name not in manifest["files"]:
            storage.delete(name)
    total = 0
    for name in manifest["files"]:
        data = (directory / FILES_DIR / name).read_bytes()
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            raise BackupError(f"文件 {name} 恢复后名称变为 {saved}，请检查存储配置。")
        total += len(data)
    return BackupSummary(directory=directory, objects=manifest["objects"], files=len(manifest["files"]), bytes=total)
