"""Which filings each role sees (apps.filings.selectors.filings_visible_to), with cluster forms and
district-level forms (区级表单, `Filing.district`) side by side in three districts of two
provinces: an authority sees both kinds within its subtree and neither kind outside it (a city
sees the district summary of its own district, not of another city's district); operators
only their own clusters' forms; experts and evaluators only what is assigned to them (active);
the superuser everything; the no-access user nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.filings.models import Filing
from apps.filings.selectors import filings_visible_to
from apps.orgs.models import Assignment, Role
from tests import factories as f
from tests.factories_filings import FilingFactory


@pytest.fixture
def filings(world: Any) -> dict[str, Filing]:
    made: dict[str, Filing] = {}
    for name in ("pudong", "huangpu", "xihu"):
        made[f"cluster_{name}"] = FilingFactory(cluster=getattr(world, f"cluster_{name}"), created_by=world.city_staff)
        made[f"district_{name}"] = FilingFactory(
            district=getattr(world, name),
            template_code="sh_district_summary",
            template_title="区级发展总结报告",
            created_by=world.city_staff,
        )
    return made


def _visible(user: Any, filings: dict[str, Filing]) -> set[str]:
    by_pk = {filing.pk: key for key, filing in filings.items()}
    return {by_pk[pk] for pk in filings_visible_to(user).values_list("pk", flat=True)}


ALL = {"cluster_pudong", "district_pudong", "cluster_huangpu", "district_huangpu", "cluster_xihu", "district_xihu"}


def test_each_role_sees_the_cluster_and_district_forms_of_its_own_area_and_nothing_else(
    world: Any, filings: dict[str, Filing]
) -> None:
    hz_city_staff = f.user_with(world.hz_city, Role.AUTHORITY_STAFF, username="hz_city_staff")
    superuser = f.UserFactory(username="scope_superuser", is_superuser=True, is_staff=True)
    expected = {
        world.operator: {"cluster_pudong"},
        world.operator_huangpu: {"cluster_huangpu"},
        world.district: {"cluster_pudong", "district_pudong"},
        world.district_huangpu: {"cluster_huangpu", "district_huangpu"},
        world.city_staff: {"cluster_pudong", "district_pudong", "cluster_huangpu", "district_huangpu"},
        hz_city_staff: {"cluster_xihu", "district_xihu"},
        world.province_zj_admin: {"cluster_xihu", "district_xihu"},
        world.ministry_user: ALL,
        superuser: ALL,
        world.expert: set(),
        world.evaluator: set(),
        world.nobody: set(),
    }
    assert {user.username: _visible(user, filings) for user in expected} == {
        user.username: keys for user, keys in expected.items()
    }


def test_experts_and_evaluators_see_only_the_forms_actively_assigned_to_them_of_either_kind(
    world: Any, filings: dict[str, Filing]
) -> None:
    ct = ContentType.objects.get_for_model(Filing)
    Assignment.objects.create(user=world.expert, content_type=ct, object_id=filings["district_xihu"].pk)
    Assignment.objects.create(user=world.expert, content_type=ct, object_id=filings["cluster_huangpu"].pk)
    Assignment.objects.create(user=world.evaluator, content_type=ct, object_id=filings["cluster_pudong"].pk)
    Assignment.objects.create(
        user=world.evaluator, content_type=ct, object_id=filings["district_pudong"].pk, is_active=False
    )
    assert _visible(world.expert, filings) == {"district_xihu", "cluster_huangpu"}
    assert _visible(world.evaluator, filings) == {"cluster_pudong"}


def test_a_deactivated_authority_sees_no_form_of_its_former_area(world: Any, filings: dict[str, Filing]) -> None:
    world.hz_city.is_active = False
    world.hz_city.save()
    hz_city_staff = f.user_with(world.hz_city, Role.AUTHORITY_STAFF, username="hz_city_staff")
    assert _visible(hz_city_staff, filings) == set()
