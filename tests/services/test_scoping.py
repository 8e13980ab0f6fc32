from django.contrib.contenttypes.models import ContentType

from apps.clusters.selectors import clusters_visible_to
from apps.orgs.models import Assignment
from apps.orgs.selectors import organisations_visible_to


def test_district_sees_only_its_own_clusters(world):
    assert list(clusters_visible_to(world.district)) == [world.cluster_pudong]


def test_district_cannot_see_other_district(world):
    assert world.cluster_huangpu not in clusters_visible_to(world.district)


def test_city_sees_every_cluster_of_its_districts_but_not_another_province(world):
    visible = set(clusters_visible_to(world.city_staff))
    assert visible == {world.cluster_pudong, world.cluster_huangpu}


def test_ministry_sees_all_provinces(world):
    assert set(clusters_visible_to(world.ministry_user)) == {
        world.cluster_pudong,
        world.cluster_huangpu,
        world.cluster_xihu,
    }


def test_operator_sees_only_its_own_cluster(world):
    assert list(clusters_visible_to(world.operator)) == [world.cluster_pudong]


def test_operator_without_cluster_sees_nothing(world):
    assert not clusters_visible_to(world.nobody).exists()


def test_expert_sees_nothing_until_assigned(world):
    assert not clusters_visible_to(world.expert).exists()
    Assignment.objects.create(
        user=world.expert,
        content_type=ContentType.objects.get_for_model(world.cluster_huangpu),
        object_id=world.cluster_huangpu.pk,
    )
    assert list(clusters_visible_to(world.expert)) == [world.cluster_huangpu]


def test_inactive_user_sees_nothing(world):
    world.city_staff.is_active = False
    world.city_staff.save()
    assert not clusters_visible_to(world.city_staff).exists()


def test_operator_sees_only_its_own_organisation(world):
    assert list(organisations_visible_to(world.operator)) == [world.op_pudong]
