"""One base world with named users, used across the suite (healthchecks-style).

Two provinces so that scoping across provinces is always exercised:
  ministry ─┬─ shanghai (直辖市) ─┬─ pudong ── op_pudong (operator) ── cluster_pudong
            │                    └─ huangpu ── op_huangpu ── cluster_huangpu
            └─ zhejiang (省) ── hz_city ── xihu ── op_xihu ── cluster_xihu
Users: one per role, plus `nobody` (a logged-in user of an unrelated operator with no cluster).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from apps.clusters.models import Cluster
from apps.orgs.models import Organisation, OrgKind, Role, User

from . import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    ministry: Organisation
    shanghai: Organisation
    pudong: Organisation
    huangpu: Organisation
    op_pudong: Organisation
    op_huangpu: Organisation
    zhejiang: Organisation
    hz_city: Organisation
    xihu: Organisation
    op_xihu: Organisation
    op_empty: Organisation
    expert_pool: Organisation
    evaluator_org: Organisation
    cluster_pudong: Cluster
    cluster_huangpu: Cluster
    cluster_xihu: Cluster
    operator: User
    operator_huangpu: User
    district: User
    district_huangpu: User
    city_staff: User
    city_admin: User
    province_zj_admin: User
    ministry_user: User
    expert: User
    evaluator: User
    nobody: User

    def users_by_role(self) -> dict[str, User]:
        return {
            "operator": self.operator,
            "district": self.district,
            "city_staff": self.city_staff,
            "city_admin": self.city_admin,
            "ministry": self.ministry_user,
            "expert": self.expert,
            "evaluator": self.evaluator,
            "nobody": self.nobody,
        }


@pytest.fixture
def world(db: None) -> World:
    ministry = f.ministry()
    shanghai = f.province(ministry)
    pudong = f.district(shanghai, "浦东新区科经委", "浦东新区")
    huangpu = f.district(shanghai, "黄浦区商务委", "黄浦区")
    op_pudong = f.operator(pudong, "张江集成电路园区运营有限公司")
    op_huangpu = f.operator(huangpu, "黄浦时尚园区管理中心")
    op_empty = f.operator(huangpu, "无集群的运营机构")
    zhejiang = f.province(ministry, "浙江省经济和信息化厅", "浙江省")
    zhejiang.provincial_type = "province"
    zhejiang.save()
    hz_city = f.OrganisationFactory(
        name="杭州市经济和信息化局", kind=OrgKind.CITY, parent=zhejiang, region_name="杭州市"
    )
    xihu = f.district(hz_city, "西湖区经信局", "西湖区")
    op_xihu = f.operator(xihu, "西湖数字园区运营公司")
    expert_pool = f.OrganisationFactory(name="上海市集群评审专家库", kind=OrgKind.EXPERT_POOL, parent=shanghai)
    evaluator_org = f.OrganisationFactory(name="某第三方评价机构", kind=OrgKind.EVALUATOR, parent=shanghai)
    cluster_pudong = f.ClusterFactory(name="上海市浦东新区集成电路产业集群", district=pudong, operator=op_pudong)
    cluster_huangpu = f.ClusterFactory(name="上海市黄浦区时尚消费品产业集群", district=huangpu, operator=op_huangpu)
    cluster_xihu = f.ClusterFactory(name="浙江省杭州市西湖区数字安防产业集群", district=xihu, operator=op_xihu)
    return World(
        ministry=ministry,
        shanghai=shanghai,
        pudong=pudong,
        huangpu=huangpu,
        op_pudong=op_pudong,
        op_huangpu=op_huangpu,
        zhejiang=zhejiang,
        hz_city=hz_city,
        xihu=xihu,
        op_xihu=op_xihu,
        op_empty=op_empty,
        expert_pool=expert_pool,
        evaluator_org=evaluator_org,
        cluster_pudong=cluster_pudong,
        cluster_huangpu=cluster_huangpu,
        cluster_xihu=cluster_xihu,
        operator=f.user_with(op_pudong, Role.OPERATOR_STAFF, username="op_pudong"),
        operator_huangpu=f.user_with(op_huangpu, Role.OPERATOR_STAFF, username="op_huangpu"),
        district=f.user_with(pudong, Role.DISTRICT_REVIEWER, username="district_pudong"),
        district_huangpu=f.user_with(huangpu, Role.DISTRICT_REVIEWER, username="district_huangpu"),
        city_staff=f.user_with(shanghai, Role.AUTHORITY_STAFF, username="city_staff"),
        city_admin=f.user_with(shanghai, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, username="city_admin"),
        province_zj_admin=f.user_with(zhejiang, Role.AUTHORITY_ADMIN, username="zj_admin"),
        ministry_user=f.user_with(ministry, Role.MINISTRY_STAFF, username="ministry"),
        expert=f.user_with(expert_pool, Role.EXPERT, username="expert1"),
        evaluator=f.user_with(evaluator_org, Role.EVALUATOR, username="evaluator1"),
        nobody=f.user_with(op_empty, Role.OPERATOR_STAFF, username="nobody"),
    )
