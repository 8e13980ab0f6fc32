"""Word import pages: the operator uploads the filled official form, checks each value beside its
source cell and the cells that could not be read, confirms into a draft; bad files are refused in
Chinese with the choices kept; the blank form to fill; authorities and the no-access user."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from apps.documents.forms import render_form_docx
from apps.documents.forms.reader import import_docx
from apps.documents.models import WordImport, WordImportStatus
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import Filing
from tests.factories_documents import typed_in_word, word_import


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


# The Word import offers the current version of each form (as 新建填报 does).
VERSION = next(t.version for t in current_templates() if t.code == "sh_municipal_application")


def _template() -> Any:
    return load_template("sh_municipal_application", VERSION)


def _filled() -> bytes:
    return typed_in_word(render_form_docx(_template()), "上海市浦东新区集成电路产业集群")


def _post(client: Client, world: Any, data: bytes, name: str = "申报表.docx") -> Any:
    return client.post(
        reverse("documents:import_upload"),
        {
            "cluster": world.cluster_pudong.pk,
            "template": f"sh_municipal_application@{VERSION}",
            "year": "2025",
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_the_operator_sees_the_upload_form_with_its_clusters_and_the_blank_to_download(world: Any) -> None:
    html = _client(world.operator).get(reverse("documents:import_upload")).content.decode()
    assert world.cluster_pudong.name in html and world.cluster_huangpu.name not in html
    assert reverse("documents:blank_form", args=["sh_municipal_application", VERSION]) in html


def test_the_blank_form_downloads_as_the_official_docx_with_nothing_filled(world: Any) -> None:
    response = _client(world.operator).get(reverse("documents:blank_form", args=["sh_municipal_application", VERSION]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    doc = Document(BytesIO(data))
    assert doc.core_properties.subject == f"sh_municipal_application/{VERSION}"
    values, _prov, _unreadable = import_docx(_template(), data)
    assert values == {}


def test_an_uploaded_form_shows_each_value_beside_its_source_cell_and_the_unreadable_cells(world: Any) -> None:
    client = _client(world.operator)
    response = _post(client, world, _filled())
    item = WordImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:import_detail", args=[item.pk])
    html = client.get(response["Location"]).content.decode()
    source = item.provenance["area_km2"]["source"]
    row = re.search(r"<tr><td>集群占地面积（平方公里）</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", html)
    assert row is not None and row.group(1).startswith("36.50") and row.group(2) == source
    assert "<td>集群名称</td>" in html and "封面" in html
    assert "未能读取的单元格（1 处" in html and "一千二百" in html and "不是数字" in html
    assert not Filing.objects.exists()


def test_confirming_creates_the_draft_and_opens_it(world: Any) -> None:
    item = word_import(world.cluster_pudong, world.operator)
    client = _client(world.operator)
    response = client.post(reverse("documents:import_confirm", args=[item.pk]))
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.status == "draft" and filing.data["cover_cluster_name"] == world.cluster_pudong.name
    page = client.get(reverse("documents:import_detail", args=[item.pk])).content.decode()
    assert "已生成草稿" in page and reverse("filings:edit", args=[filing.pk]) in page
    assert client.post(reverse("documents:import_confirm", args=[item.pk])).status_code == 403


def test_discarding_returns_to_the_upload_page_and_creates_nothing(world: Any) -> None:
    item = word_import(world.cluster_pudong, world.operator)
    response = _client(world.operator).post(reverse("documents:import_discard", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("documents:import_upload")
    item.refresh_from_db()
    assert item.status == WordImportStatus.DISCARDED and not Filing.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "空.docx", "是空文件（0 字节）"),
        (b"%PDF-1.4\n%%EOF\n", "申报表.pdf", "不是 Word（.docx）文件"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_keeping_the_choices(world: Any, data: bytes, name: str, message: str) -> None:
    response = _post(_client(world.operator), world, data, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="file-error"' in html
    assert f'<option value="{world.cluster_pudong.pk}" selected>' in html
    assert not WordImport.objects.exists() and not Filing.objects.exists()


def test_a_docx_of_another_form_is_refused(world: Any) -> None:
    other = render_form_docx(load_template("national_rereview", "2025"), {"cover_cluster_name": "某集群"})
    html = _post(_client(world.operator), world, other).content.decode()
    assert "上传的是《中小企业特色产业集群复核申报表》，不是《上海市中小企业特色产业集群申报表》" in html
    assert not WordImport.objects.exists()


def test_a_post_without_a_file_asks_for_one(world: Any) -> None:
    response = _client(world.operator).post(
        reverse("documents:import_upload"),
        {"cluster": world.cluster_pudong.pk, "template": f"sh_municipal_application@{VERSION}"},
    )
    assert response.status_code == 400 and "请选择填好的 Word（.docx）文件。" in response.content.decode()


@pytest.mark.parametrize("role", ["city_staff", "ministry", "expert", "evaluator"])
def test_users_who_do_not_fill_forms_are_refused_the_import(world: Any, role: str) -> None:
    client = _client(world.users_by_role()[role])
    assert client.get(reverse("documents:import_upload")).status_code == 403
    assert _post(client, world, _filled()).status_code == 403


def test_the_no_access_user_has_no_cluster_to_import_for_and_sees_no_one_elses_import(world: Any) -> None:
    item = word_import(world.cluster_pudong, world.operator)
    client = _client(world.nobody)
    html = client.get(reverse("documents:import_upload")).content.decode()
    assert "本机构名下暂无集群" in html
    assert _post(client, world, _filled()).status_code == 400
    assert client.get(reverse("documents:import_detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("documents:import_confirm", args=[item.pk])).status_code == 404
    assert _client(world.operator_huangpu).get(reverse("documents:import_detail", args=[item.pk])).status_code == 404


def test_the_districts_part_read_from_the_file_is_shown_apart_and_not_imported(world: Any) -> None:
    values = {
        "cover_cluster_name": "上海市浦东新区集成电路产业集群",
        "area_km2": "36.50",
        "district_recommendation": "材料齐全，同意推荐。",
        "district_recommendation_seal": "浦东新区科经委",
        "district_recommendation_date": "2025-06-02",
    }
    client = _client(world.operator)
    response = _post(client, world, render_form_docx(_template(), values))
    item = WordImport.objects.get()
    assert item.values["district_recommendation"] == "材料齐全，同意推荐。"  # read, but only to be shown apart
    html = client.get(response["Location"]).content.decode()
    imported = html[html.index('id="read-values"') : html.index("</table>", html.index('id="read-values"'))]
    assert "36.50" in imported and "材料齐全，同意推荐。" not in imported and "浦东新区科经委" not in imported
    assert "读出的内容，确认后导入（2 项）" in html
    apart = html[html.index("以下栏目由区级中小企业主管部门填写，不导入") :]
    assert "材料齐全，同意推荐。" in apart and "浦东新区科经委" in apart and "2025" in apart
    assert _client(world.nobody).get(response["Location"]).status_code == 404
    client.post(reverse("documents:import_confirm", args=[item.pk]))
    filing = Filing.objects.get()
    assert filing.data["area_km2"] == "36.50" and "district_recommendation" not in filing.data


def test_a_form_without_a_district_part_shows_no_table_apart(world: Any) -> None:
    client = _client(world.operator)
    html = client.get(_post(client, world, _filled())["Location"]).content.decode()
    assert "不导入" not in html and "读出的内容，确认后导入" in html
