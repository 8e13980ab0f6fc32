"""The demo enterprise lists: imported through the services, deterministic, idempotent, and
within the magnitudes of domain-notes §7."""

from decimal import Decimal

from apps.core.demo import DemoWorld
from apps.enterprises import demo
from apps.enterprises.models import EnterpriseImport, Firm, FirmYear, ImportStatus
from apps.enterprises.totals import cluster_totals
from tests import factories as f


def demo_world(world):
    sysadmin = f.UserFactory(username="demo_sysadmin_test", is_superuser=True, is_staff=True)
    return DemoWorld(
        clusters={"pd_bio": world.cluster_pudong, "jd_sensor": world.cluster_huangpu},
        users={"operator": world.operator, "sysadmin": sysadmin},
    )


def test_demo_lists_are_imported_for_2022_to_2024_with_totals_in_the_public_ranges(world):
    demo.seed_enterprises(demo_world(world))
    assert set(EnterpriseImport.objects.values_list("status", flat=True)) == {ImportStatus.COMMITTED}
    assert EnterpriseImport.objects.count() == 6  # two clusters × three years
    imported = EnterpriseImport.objects.filter(cluster=world.cluster_pudong)
    assert set(imported.values_list("uploaded_by", flat=True)) == {world.operator.pk}  # its own operator
    for cluster in (world.cluster_pudong, world.cluster_huangpu):
        outputs = []
        for year in demo.YEARS:
            t = cluster_totals(cluster, year)
            assert 55 <= t["firm_count"].value <= 4800
            assert 56 <= t["output_value"].value <= 550  # 亿元
            assert 8 <= t["quality_firm_count"].value <= 60
            assert Decimal(20000) <= t["sme_rd_expense"].value <= Decimal(90000)  # 万元: 2–9 亿元
            outputs.append(t["output_value"].value)
        assert outputs == sorted(outputs)  # the clusters grow


def test_demo_lists_are_deterministic_and_seeding_twice_changes_nothing(world):
    spec = next(s for s in demo.LISTS if s.key == "pd_bio")
    assert demo.list_csv(spec, 2023, "浦东新区") == demo.list_csv(spec, 2023, "浦东新区")
    w = demo_world(world)
    demo.seed_enterprises(w)
    counts = (EnterpriseImport.objects.count(), FirmYear.objects.count(), Firm.objects.count())
    demo.seed_enterprises(w)
    assert (EnterpriseImport.objects.count(), FirmYear.objects.count(), Firm.objects.count()) == counts


def test_reset_removes_the_demo_lists_and_the_firms_only_they_listed(world):
    world.cluster_pudong.is_demo = world.cluster_huangpu.is_demo = True
    world.cluster_pudong.save()
    world.cluster_huangpu.save()
    demo.seed_enterprises(demo_world(world))
    other = Firm.objects.create(credit_code="91310000MA1FL4B24G", name="非演示企业")
    demo.reset_enterprises()
    assert not FirmYear.objects.exists() and not EnterpriseImport.objects.exists()
    assert list(Firm.objects.all()) == [other]
