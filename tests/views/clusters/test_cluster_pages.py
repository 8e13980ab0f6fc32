from datetime import date

from django.urls import reverse

from apps.clusters.models import Cluster, MajorChange, MajorChangeStatus
from tests.factories import ClusterFactory
from tests.factories_clusters import MajorChangeFactory, RecognitionFactory


def _login(client, user):
    client.force_login(user)
    return client


def test_city_list_shows_its_districts_clusters_but_not_another_province(client, world):
    html = _login(client, world.city_staff).get(reverse("clusters:list")).content.decode()
    assert world.cluster_pudong.name in html and world.cluster_huangpu.name in html
    assert world.cluster_xihu.name not in html


def test_no_access_user_sees_an_empty_list(client, world):
    html = _login(client, world.nobody).get(reverse("clusters:list")).content.decode()
    assert "没有符合条件的集群" in html
    assert world.cluster_pudong.name not in html


def test_list_filters_by_district_level_year_and_search(client, world):
    RecognitionFactory(cluster=world.cluster_huangpu, level="national", batch_year=2024)
    c = _login(client, world.city_staff)
    by_district = c.get(reverse("clusters:list"), {"district": world.pudong.pk}).content.decode()
    assert world.cluster_pudong.name in by_district and world.cluster_huangpu.name not in by_district
    by_level = c.get(reverse("clusters:list"), {"level": "national", "year": "2024"}).content.decode()
    assert world.cluster_huangpu.name in by_level and world.cluster_pudong.name not in by_level
    by_search = c.get(reverse("clusters:list"), {"q": "时尚"}).content.decode()
    assert world.cluster_huangpu.name in by_search and world.cluster_pudong.name not in by_search


def test_list_is_paginated(client, world):
    for i in range(30):
        ClusterFactory(name=f"上海市浦东新区测试{i}产业集群", district=world.pudong, operator=world.op_pudong)
    html = _login(client, world.district).get(reverse("clusters:list")).content.decode()
    assert "第 1 / 2 页" in html


def test_detail_shows_recognitions_major_changes_and_timeline(client, world):
    RecognitionFactory(cluster=world.cluster_pudong, document_number="沪经信企〔2023〕45号")
    MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator, after="MEMS 传感器")
    html = _login(client, world.operator).get(reverse("clusters:detail", args=[world.cluster_pudong.pk])).content
    text = html.decode()
    assert "沪经信企〔2023〕45号" in text and "MEMS 传感器" in text and "变更记录" in text
    assert "报备重大变动" in text  # the operator's own cluster


def test_out_of_scope_cluster_is_a_404_for_the_district(client, world):
    response = _login(client, world.district).get(reverse("clusters:detail", args=[world.cluster_huangpu.pk]))
    assert response.status_code == 404
    assert "不在您的数据范围之内" in response.content.decode()


def test_creating_a_cluster_with_a_mismatched_name_keeps_the_input_and_names_the_prefix(client, world):
    before = Cluster.objects.count()
    response = _login(client, world.city_staff).post(
        reverse("clusters:create"),
        {
            "name": "上海市黄浦区智能传感器产业集群",
            "district": world.pudong.pk,
            "operator": world.op_pudong.pk,
            "leading_industry": "智能传感器",
            "domain": "electronic_information",
            "industry_type": "secondary",
            "area_km2": "5",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "集群名称须以所属区县“上海市浦东新区”开头" in text
    assert 'value="上海市黄浦区智能传感器产业集群"' in text
    assert Cluster.objects.count() == before


def test_edit_page_refuses_the_district_with_a_chinese_reason(client, world):
    response = _login(client, world.district).get(reverse("clusters:edit", args=[world.cluster_pudong.pk]))
    assert response.status_code == 403
    assert "市/省主管部门" in response.content.decode()


def test_stale_edit_form_is_refused_and_the_newer_value_survives(client, world):
    cluster = world.cluster_pudong
    data = {
        "name": cluster.name,
        "district": world.pudong.pk,
        "operator": world.op_pudong.pk,
        "leading_industry": "封装测试",
        "domain": cluster.domain,
        "industry_type": cluster.industry_type,
        "area_km2": "12.50",
        "version": cluster.version,
    }
    c = _login(client, world.city_staff)
    assert c.post(reverse("clusters:edit", args=[cluster.pk]), {**data, "leading_industry": "设计"}).status_code == 302
    response = c.post(reverse("clusters:edit", args=[cluster.pk]), data)
    assert "已被他人修改" in response.content.decode()
    cluster.refresh_from_db()
    assert cluster.leading_industry == "设计"


def test_operator_reports_and_district_confirms_through_the_pages(client, world):
    c = _login(client, world.operator)
    response = c.post(
        reverse("clusters:major_change_report", args=[world.cluster_pudong.pk]),
        {
            "kind": "spatial_scope",
            "after": "张江科学城核心区及外高桥片区",
            "reason": "扩区",
            "effective_date": "2025-06-01",
        },
    )
    assert response.status_code == 302
    change = MajorChange.objects.get(cluster=world.cluster_pudong)
    home = _login(client, world.district).get(reverse("core:home")).content.decode()
    assert "确认重大变动" in home and world.cluster_pudong.name in home
    response = client.post(reverse("clusters:major_change_decide", args=[change.pk]), {"decision": "confirm"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == MajorChangeStatus.CONFIRMED
    world.cluster_pudong.refresh_from_db()
    assert world.cluster_pudong.core_parks == "张江科学城核心区及外高桥片区"


def test_other_district_has_no_todo_for_a_change_it_cannot_see(client, world):
    MajorChangeFactory(cluster=world.cluster_pudong, reported_by=world.operator)
    home = _login(client, world.district_huangpu).get(reverse("core:home")).content.decode()
    assert "确认重大变动" not in home


def test_city_sees_expiring_recognitions_on_its_home_page(client, world):
    from django.utils import timezone

    today = timezone.localdate()
    RecognitionFactory(
        cluster=world.cluster_huangpu,
        valid_from=date(today.year - 3, today.month, 1),
        valid_to=today.replace(day=1) if today.day > 1 else today,
    )
    soon = today + (date(2000, 3, 1) - date(2000, 1, 31))
    RecognitionFactory(cluster=world.cluster_pudong, valid_from=date(today.year - 3, 1, 1), valid_to=soon)
    home = _login(client, world.city_staff).get(reverse("core:home")).content.decode()
    assert "认定即将期满" in home and world.cluster_pudong.name in home


def test_api_lists_only_clusters_in_scope_with_filters(client, world):
    c = _login(client, world.city_staff)
    names = {row["name"] for row in c.get("/api/clusters/").json()}
    assert names == {world.cluster_pudong.name, world.cluster_huangpu.name}
    filtered = c.get("/api/clusters/", {"district": world.huangpu.pk}).json()
    assert [row["name"] for row in filtered] == [world.cluster_huangpu.name]
    assert c.get(f"/api/clusters/{world.cluster_xihu.pk}").status_code == 404
    detail = c.get(f"/api/clusters/{world.cluster_pudong.pk}").json()
    assert detail["area_km2"] == "12.50"
