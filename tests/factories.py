"""Factories for test data. Build through these, not through ad-hoc create() calls."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from apps.clusters.models import Cluster, Domain
from apps.orgs.models import Organisation, OrgKind, ProvincialType, Role, User, UserRole

TEST_PASSWORD = "Cluster-Test-2026!"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.DISTRICT


def ministry() -> Organisation:
    return OrganisationFactory(name="工业和信息化部", kind=OrgKind.MINISTRY, parent=None)


def province(parent: Organisation, name: str = "上海市经济和信息化委员会", region: str = "上海市") -> Organisation:
    return OrganisationFactory(
        name=name, kind=OrgKind.PROVINCE, provincial_type=ProvincialType.MUNICIPALITY, parent=parent, region_name=region
    )


def district(parent: Organisation, name: str, region: str) -> Organisation:
    return OrganisationFactory(name=name, kind=OrgKind.DISTRICT, parent=parent, region_name=region)


def operator(parent: Organisation, name: str) -> Organisation:
    return OrganisationFactory(name=name, kind=OrgKind.OPERATOR, parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for r in extracted:
                UserRole.objects.create(user=self, role=r)
        if create:
            self.save()


def user_with(org: Organisation, *roles: str, username: str | None = None) -> User:
    kwargs: dict[str, Any] = {"organisation": org, "roles": list(roles)}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"上海市测试区测试{n}产业集群")
    leading_industry = "智能传感器"
    domain = Domain.ELECTRONIC_INFORMATION
    area_km2 = Decimal("12.50")


__all__ = ["TEST_PASSWORD", "ClusterFactory", "OrganisationFactory", "Role", "UserFactory", "user_with"]
