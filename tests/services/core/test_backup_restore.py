import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from apps.clusters.models import Cluster
from apps.core.audit import audit_record
from apps.core.models import AuditEvent
from apps.orgs.models import Assignment, Organisation, User
from tests.factories_clusters import RecognitionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(world, settings, tmp_path):
    from django.contrib.contenttypes.models import ContentType

    settings.MEDIA_ROOT = tmp_path / "media"  # an empty storage of its own (setting_changed resets it)

    RecognitionFactory(cluster=world.cluster_pudong)
    Assignment.objects.create(
        user=world.expert,
        content_type=ContentType.objects.get_for_model(Cluster),
        object_id=world.cluster_pudong.pk,
    )
    audit_record(actor=world.city_admin, action="test.event", action_label="测试事件", obj=world.pudong)
    default_storage.save("evidence/2025/浦东/佐证材料.pdf", ContentFile(b"%PDF-1.4 evidence"))
    default_storage.save("documents/申报表.docx", ContentFile(b"PK docx bytes"))
    return world


def _state():
    return (
        sorted(Organisation.objects.values_list("path", "name")),
        sorted(User.objects.values_list("username", "password", "is_active")),
        sorted(Cluster.objects.values_list("name", "version", "area_km2")),
        AuditEvent.objects.count(),
        Assignment.objects.count(),
    )


def test_backup_then_restore_brings_back_database_and_every_file(site, tmp_path):
    before = _state()
    target = tmp_path / "backup"
    call_command("backup_site", str(target))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"evidence/2025/浦东/佐证材料.pdf", "documents/申报表.docx"}

    Cluster.objects.filter(pk=site.cluster_xihu.pk).delete()
    User.objects.filter(username="nobody").update(is_active=False)
    default_storage.delete("documents/申报表.docx")
    default_storage.save("stray.txt", ContentFile(b"added after the backup"))

    call_command("restore_site", str(target), "--noinput")
    assert _state() == before
    with default_storage.open("documents/申报表.docx", "rb") as fh:
        assert fh.read() == b"PK docx bytes"
    assert not default_storage.exists("stray.txt")
    assert Assignment.objects.get().target == Cluster.objects.get(pk=site.cluster_pudong.pk)


def test_backup_refuses_a_non_empty_directory(site, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup_site", str(tmp_path))


def test_a_corrupted_backup_is_refused_before_anything_changes(site, tmp_path):
    target = tmp_path / "backup"
    call_command("backup_site", str(target))
    (target / "files" / "documents" / "申报表.docx").write_bytes(b"tampered")
    Cluster.objects.filter(pk=site.cluster_xihu.pk).delete()
    before = _state()
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore_site", str(target), "--noinput")
    assert _state() == before


def test_a_backup_from_another_schema_is_refused(site, tmp_path):
    target = tmp_path / "backup"
    call_command("backup_site", str(target))
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["migrations"].append("clusters.9999_future")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="数据库结构与备份时不一致"):
        call_command("restore_site", str(target), "--noinput")
