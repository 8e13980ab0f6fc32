import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from apps.clusters.models import Cluster, MajorChange, Recognition
from apps.clusters.selectors import clusters_visible_to
from apps.clusters.services import check_cluster_name
from apps.core import demo
from apps.core.demo_world import SHANGHAI_DISTRICTS
from apps.orgs.models import Organisation, OrgKind, Role, User


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Cluster.objects.count(),
        Recognition.objects.count(),
        MajorChange.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_shanghai_with_its_16_districts_and_about_40_clusters():
    _seed("--quiet-table")
    shanghai = Organisation.objects.get(name="上海市经济和信息化委员会")
    assert shanghai.provincial_type == "municipality"
    districts = Organisation.objects.filter(parent=shanghai, kind=OrgKind.DISTRICT)
    assert sorted(districts.values_list("name", flat=True)) == sorted(n for n, _ in SHANGHAI_DISTRICTS)
    assert 35 <= Cluster.objects.filter(district__in=districts).count() <= 45
    assert Cluster.objects.filter(district__parent__parent__name="浙江省经济和信息化厅").exists()


@pytest.mark.django_db
def test_every_demo_row_is_flagged_and_no_personal_contact_is_stored():
    _seed("--quiet-table")
    assert not Organisation.objects.filter(is_demo=False).exists()
    assert not Cluster.objects.filter(is_demo=False).exists()
    assert not Organisation.objects.exclude(contact_name="").exists()
    assert not Organisation.objects.exclude(contact_phone="").exists()


@pytest.mark.django_db
def test_every_demo_cluster_name_matches_its_district():
    _seed("--quiet-table")
    for cluster in Cluster.objects.select_related("district"):
        assert check_cluster_name(cluster.name, cluster.district) == cluster.name


@pytest.mark.django_db
def test_recognitions_last_three_years_and_carry_a_document_number():
    _seed("--quiet-table")
    recs = Recognition.objects.all()
    assert recs.filter(level="national").exists() and recs.filter(level="municipal").exists()
    for r in recs:
        assert r.valid_to.year == r.valid_from.year + 3
        assert re.fullmatch(r"(沪经信企|工信部企业函|浙经信企)〔20\d\d〕\d+号", r.document_number)


@pytest.mark.django_db
def test_running_seed_demo_twice_changes_nothing():
    _seed("--quiet-table")
    first = _counts()
    _seed("--quiet-table")
    assert _counts() == first


@pytest.mark.django_db
def test_reset_rebuilds_the_same_world():
    _seed("--quiet-table")
    first = _counts()
    # Drift the demo world: a renamed cluster and a lost recognition come back after --reset.
    cluster = Cluster.objects.get(name="上海市嘉定区智能传感器产业集群")
    Cluster.objects.filter(pk=cluster.pk).update(short_name="被改动的简称")
    Recognition.objects.filter(cluster=cluster).order_by("pk").first().delete()
    out = _seed("--reset", "--quiet-table")
    assert "已删除原有演示数据" in out
    assert _counts() == first
    rebuilt = Cluster.objects.get(name="上海市嘉定区智能传感器产业集群")
    assert rebuilt.pk != cluster.pk and rebuilt.short_name == "嘉定区智能传感器集群"


@pytest.mark.django_db
def test_printed_logins_work_with_the_demo_password_for_every_role():
    out = _seed()
    usernames = re.findall(r"^(demo_\w+)\s", out, flags=re.M)
    roles = set()
    for username in usernames:
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        validate_password(demo.DEMO_PASSWORD, user)
        roles |= user.role_codes
    assert roles == set(Role.values)


@pytest.mark.django_db
def test_demo_scoping_separates_districts_and_provinces():
    _seed("--quiet-table")
    pudong = User.objects.get(username="demo_pudong")
    assert {c.district.region_name for c in clusters_visible_to(pudong)} == {"浦东新区"}
    city = User.objects.get(username="demo_city")
    assert not clusters_visible_to(city).filter(name__startswith="浙江省").exists()
    expert = User.objects.get(username="demo_expert1")
    assert clusters_visible_to(expert).count() == 2


@pytest.mark.django_db
def test_registered_seeders_run_after_the_base_world(monkeypatch):
    seen = []
    monkeypatch.setattr(demo, "_seeders", [])
    demo.register_seeder(lambda world: seen.append(world.clusters["pd_ic"].name))
    _seed("--quiet-table")
    assert seen == ["上海市浦东新区集成电路设计产业集群"]
