import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.enterprises.models import EnterpriseImport, FirmYear
from tests.factories_enterprises import FirmQualificationFactory, FirmYearFactory, firm_row, xlsx_bytes


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_operator_uploads_previews_confirms_and_sees_totals(world):
    c = client_for(world.operator)
    url = reverse("enterprises:upload", args=[world.cluster_pudong.pk])
    data = xlsx_bytes([firm_row(i) for i in range(4)])
    resp = c.post(url, {"year": 2024, "file": SimpleUploadedFile("清单.xlsx", data)})
    batch = EnterpriseImport.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("enterprises:import_detail", args=[batch.pk])
    page = c.get(resp.url).content.decode()
    assert "确认导入" in page and "新增 4 家" in page
    c.post(reverse("enterprises:import_commit", args=[batch.pk]))
    page = c.get(reverse("enterprises:cluster", args=[world.cluster_pudong.pk]), {"year": 2024}).content.decode()
    assert "集群企业数量" in page and "由企业库计算：4 家" in page


def test_district_sees_the_list_but_cannot_upload(world):
    FirmYearFactory(cluster=world.cluster_pudong)
    c = client_for(world.district)
    resp = c.get(reverse("enterprises:cluster", args=[world.cluster_pudong.pk]), {"year": 2024})
    assert resp.status_code == 200 and "上传并预览" not in resp.content.decode()
    resp = c.post(reverse("enterprises:upload", args=[world.cluster_pudong.pk]), {"year": 2024})
    assert resp.status_code == 403


@pytest.mark.parametrize("name", ["cluster", "template", "export"])
def test_no_access_user_gets_404_for_another_clusters_pages(world, name):
    for user in (world.nobody, world.operator_huangpu, world.expert):
        resp = client_for(user).get(reverse(f"enterprises:{name}", args=[world.cluster_pudong.pk]))
        assert resp.status_code == 404


def test_no_access_user_gets_404_for_imports_and_firm_rows(world):
    fy = FirmYearFactory(cluster=world.cluster_pudong)
    batch = EnterpriseImport.objects.create(
        cluster=world.cluster_pudong, year=2024, file_name="x", original_name="x.xlsx"
    )
    c = client_for(world.nobody)
    assert c.get(reverse("enterprises:firm_year", args=[fy.pk])).status_code == 404
    assert c.get(reverse("enterprises:import_detail", args=[batch.pk])).status_code == 404
    assert c.post(reverse("enterprises:import_commit", args=[batch.pk])).status_code == 404


def test_template_has_the_data_sheet_and_instructions(world):
    resp = client_for(world.operator).get(
        reverse("enterprises:template", args=[world.cluster_pudong.pk]), {"year": 2024}
    )
    wb = CalamineWorkbook.from_filelike(io.BytesIO(resp.content))
    assert wb.sheet_names == ["企业清单", "填报说明"]
    header = wb.get_sheet_by_name("企业清单").to_python()[1]
    assert header[:3] == ["统一社会信用代码*", "企业名称*", "所在区（县）"]
    assert "营业收入*" in header


def test_named_list_has_each_firm_once(world):
    fy = FirmYearFactory(cluster=world.cluster_pudong)
    FirmQualificationFactory(firm_year=fy, kind="specialised")
    FirmYearFactory(cluster=world.cluster_pudong)
    resp = client_for(world.district).get(
        reverse("enterprises:named_list", args=[world.cluster_pudong.pk, "specialised"]), {"year": 2024}
    )
    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_index(0).to_python()
    assert rows[2][1] == fy.name and rows[2][2] == fy.firm.credit_code
    assert "共 1 家" in rows[4][0]


def test_city_pages_are_for_authorities_only(world):
    a = FirmYearFactory(cluster=world.cluster_pudong)
    FirmYearFactory(cluster=world.cluster_huangpu, firm=a.firm)
    page = client_for(world.city_staff).get(reverse("enterprises:duplicates"), {"year": 2024}).content.decode()
    assert world.cluster_pudong.name in page and world.cluster_huangpu.name in page
    for user in (world.operator, world.nobody, world.expert):
        assert client_for(user).get(reverse("enterprises:duplicates")).status_code == 403
        assert client_for(user).get(reverse("enterprises:city")).status_code == 403
    resp = client_for(world.city_staff).get(reverse("enterprises:city"), {"year": 2024, "format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 4


def test_size_override_form_keeps_the_typing_when_refused(world):
    fy = FirmYearFactory(cluster=world.cluster_pudong)
    c = client_for(world.operator)
    resp = c.post(reverse("enterprises:firm_year", args=[fy.pk]), {"size": "large", "note": ""})
    assert resp.status_code == 200 and "须填写说明" in resp.content.decode()
    fy.refresh_from_db()
    assert fy.size_override == ""
    assert (
        client_for(world.district)
        .post(reverse("enterprises:firm_year", args=[fy.pk]), {"size": "large", "note": "x"})
        .status_code
        == 403
    )
    assert FirmYear.objects.get(pk=fy.pk).size_override == ""
