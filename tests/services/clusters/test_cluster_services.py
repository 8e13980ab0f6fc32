from datetime import date
from decimal import Decimal

import pytest

from apps.clusters import services
from apps.clusters.models import Cluster, ClusterStatus, MajorChangeKind, MajorChangeStatus, Recognition
from apps.core.audit import timeline_for
from apps.core.errors import AccessDenied, ConcurrentEdit, ServiceError
from apps.core.models import AuditEvent
from tests.factories_clusters import MajorChangeFactory, RecognitionFactory


def _create(world, actor, **overrides):
    values = {
        "name": "上海市浦东新区智能传感器产业集群",
        "district": world.pudong,
        "operator": world.op_pudong,
        "leading_industry": "智能传感器",
        "domain": "electronic_information",
        "area_km2": "8.5",
    }
    values.update(overrides)
    return services.cluster_create(actor=actor, **values)


def test_city_staff_registers_a_cluster_and_the_registration_is_audited(world):
    cluster = _create(world, world.city_staff)
    assert cluster.area_km2 == Decimal("8.50")
    event = AuditEvent.objects.get(action="cluster.create", object_id=str(cluster.pk))
    assert event.actor == world.city_staff
    assert event.changes["name"] == [None, "上海市浦东新区智能传感器产业集群"]


def test_a_cluster_name_of_another_district_is_refused_with_the_expected_prefix(world):
    before = Cluster.objects.count()
    with pytest.raises(ServiceError) as exc:
        _create(world, world.city_staff, name="上海市黄浦区智能传感器产业集群")
    assert "上海市浦东新区" in exc.value.message
    assert exc.value.field == "name"
    assert Cluster.objects.count() == before
    assert not AuditEvent.objects.filter(action="cluster.create").exists()


def test_a_cluster_name_without_the_official_suffix_is_refused(world):
    with pytest.raises(ServiceError, match="产业集群"):
        _create(world, world.city_staff, name="上海市浦东新区智能传感器基地")


def test_the_expected_prefix_includes_the_prefecture_city_where_there_is_one(world):
    assert services.expected_name_prefix(world.xihu) == "浙江省杭州市西湖区"
    assert services.expected_name_prefix(world.pudong) == "上海市浦东新区"


def test_an_operator_of_another_district_is_refused(world):
    with pytest.raises(ServiceError, match="不属于"):
        _create(world, world.city_staff, operator=world.op_huangpu)


def test_domain_other_needs_an_explanation(world):
    with pytest.raises(ServiceError) as exc:
        _create(world, world.city_staff, domain="other")
    assert exc.value.field == "domain_other"


def test_district_reviewer_cannot_register_clusters(world):
    with pytest.raises(AccessDenied):
        _create(world, world.district)


def test_zhejiang_admin_cannot_register_a_cluster_in_shanghai(world):
    with pytest.raises(AccessDenied, match="本辖区"):
        _create(world, world.province_zj_admin)


def test_update_with_a_stale_version_is_refused_and_changes_nothing(world):
    cluster = world.cluster_pudong
    loaded = cluster.version
    services.cluster_update(actor=world.city_staff, cluster=cluster, version=loaded, leading_industry="集成电路设计")
    with pytest.raises(ConcurrentEdit, match="已被他人修改"):
        services.cluster_update(actor=world.city_admin, cluster=cluster, version=loaded, leading_industry="封装测试")
    cluster.refresh_from_db()
    assert cluster.leading_industry == "集成电路设计"
    assert cluster.version == loaded + 1


def test_update_records_before_and_after_on_the_timeline(world):
    cluster = world.cluster_pudong
    services.cluster_update(actor=world.city_staff, cluster=cluster, version=cluster.version, area_km2="20.1")
    event = timeline_for(cluster).first()
    assert event.action == "cluster.update"
    assert event.changes["area_km2"] == ["12.50", "20.10"]


def test_operator_cannot_edit_its_cluster_directly(world):
    with pytest.raises(AccessDenied, match="报备"):
        services.cluster_update(
            actor=world.operator, cluster=world.cluster_pudong, version=1, leading_industry="其他产业"
        )


def test_recognition_add_sets_three_years_and_makes_it_current(world):
    old = RecognitionFactory(cluster=world.cluster_pudong, batch_year=2022, valid_from=date(2022, 7, 1))
    rec = services.recognition_add(
        actor=world.city_staff,
        cluster=world.cluster_pudong,
        level="national",
        batch_year=2025,
        valid_from=date(2025, 9, 1),
        document_number="工信部企业函〔2025〕88号",
    )
    assert rec.valid_to == date(2028, 8, 31)
    old.refresh_from_db()
    assert not old.is_current and rec.is_current
    world.cluster_pudong.refresh_from_db()
    assert world.cluster_pudong.status == ClusterStatus.RECOGNISED
    assert timeline_for(world.cluster_pudong).filter(action="recognition.add").exists()


def test_recognition_status_change_needs_a_reason_and_updates_the_cluster(world):
    rec = RecognitionFactory(cluster=world.cluster_pudong)
    with pytest.raises(ServiceError, match="原因"):
        services.recognition_set_status(actor=world.city_staff, recognition=rec, status="revoked", reason=" ")
    rec.refresh_from_db()
    assert rec.status == ClusterStatus.RECOGNISED
    services.recognition_set_status(
        actor=world.city_staff, recognition=rec, status="revoked", reason="第十九条（三）未报送年度报告"
    )
    rec.refresh_from_db()
    world.cluster_pudong.refresh_from_db()
    assert rec.status == world.cluster_pudong.status == ClusterStatus.REVOKED
    assert rec.status_reason == "第十九条（三）未报送年度报告"


def test_district_cannot_change_a_recognition(world):
    rec = RecognitionFactory(cluster=world.cluster_pudong)
    with pytest.raises(AccessDenied):
        services.recognition_set_status(actor=world.district, recognition=rec, status="revoked", reason="x")
    assert Recognition.objects.get(pk=rec.pk).status == ClusterStatus.RECOGNISED


def test_operator_reports_a_change_of_its_own_cluster_with_the_current_value_as_before(world):
    change = services.major_change_report(
        actor=world.operator,
        cluster=world.cluster_pudong,
        kind=MajorChangeKind.LEADING_INDUSTRY,
        after="第三代半导体",
        reason="产业结构调整",
        effective_date=date(2025, 5, 1),
    )
    assert change.before == world.cluster_pudong.leading_industry
    assert change.status == MajorChangeStatus.REPORTED


def test_operator_cannot_report_for_another_cluster(world):
    with pytest.raises(AccessDenied, match="运营管理机构"):
        services.major_change_report(
            actor=world.operator,
            cluster=world.cluster_huangpu,
            kind=MajorChangeKind.SPATIAL_SCOPE,
            after="新园区",
            reason="扩区",
            effective_date=date(2025, 5, 1),
        )


def test_district_confirmation_updates_the_leading_industry(world):
    change = MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator, after="第三代半导体")
    services.major_change_decide(actor=world.district, change=change, confirm=True)
    world.cluster_pudong.refresh_from_db()
    change.refresh_from_db()
    assert change.status == MajorChangeStatus.CONFIRMED
    assert change.decided_by == world.district
    assert world.cluster_pudong.leading_industry == "第三代半导体"


def test_another_district_cannot_confirm_and_nothing_changes(world):
    change = MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    with pytest.raises(AccessDenied, match="所在区"):
        services.major_change_decide(actor=world.district_huangpu, change=change, confirm=True)
    change.refresh_from_db()
    assert change.status == MajorChangeStatus.REPORTED


def test_rejecting_a_change_needs_a_comment(world):
    change = MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    with pytest.raises(ServiceError, match="意见"):
        services.major_change_decide(actor=world.district, change=change, confirm=False)


def test_a_decided_change_cannot_be_decided_again(world):
    change = MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    services.major_change_decide(actor=world.district, change=change, confirm=False, comment="材料不全")
    with pytest.raises(AccessDenied, match="已处理"):
        services.major_change_decide(actor=world.district, change=change, confirm=True)
