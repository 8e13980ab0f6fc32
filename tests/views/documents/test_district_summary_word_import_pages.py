"""The Word import pages for the district summary (区级发展总结报告, a district-level form): the
district department is offered it with no cluster to choose, uploads the .docx the platform's
blank form makes once filled, and confirms it into its own district's draft; a cluster posted
with it is refused in Chinese; another district, an operator and the no-access user get 404 on the
district's import, and the district imports no cluster form here."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.documents.forms import render_form_docx
from apps.documents.models import WordImport
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import Filing

VERSION = next(t.version for t in current_templates() if t.code == "sh_district_summary")
KEY = f"sh_district_summary@{VERSION}"
FILLED = {"district_name": "浦东新区", "overview": "浦东新区集群总体运行平稳。", "signed_on": "2025-03-28"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(user: Any, cluster: Any = None, template: str = KEY) -> Any:
    data = render_form_docx(load_template("sh_district_summary", VERSION), FILLED)
    body = {"cluster": cluster.pk if cluster is not None else "", "template": template, "year": "2025"}
    return _client(user).post(
        reverse("documents:import_upload"), {**body, "file": SimpleUploadedFile("区级总结.docx", data)}
    )


def test_the_district_is_offered_the_summary_with_no_cluster_to_choose(world: Any) -> None:
    html = _client(world.district).get(reverse("documents:import_upload")).content.decode()
    assert f'value="{KEY}" data-subject="district"' in html and "本区：浦东新区" in html
    assert 'id="id_cluster"' not in html  # the district imports no cluster form
    assert reverse("documents:blank_form", args=["sh_district_summary", VERSION]) in html


def test_the_district_uploads_and_confirms_its_summary_into_its_districts_draft(world: Any) -> None:
    response = _post(world.district)
    item = WordImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:import_detail", args=[item.pk])
    detail = _client(world.district).get(response["Location"]).content.decode()
    assert "填报对象：浦东新区（区级表单）" in detail and "浦东新区集群总体运行平稳。" in detail
    confirmed = _client(world.district).post(reverse("documents:import_confirm", args=[item.pk]))
    filing = Filing.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.district == world.pudong and filing.cluster is None
    assert filing.data["overview"] == "浦东新区集群总体运行平稳。" and filing.data["signed_on"] == "2025-03-28"


def test_a_cluster_posted_with_the_summary_is_refused_in_chinese_and_nothing_is_read(world: Any) -> None:
    response = _post(world.district, world.cluster_pudong)
    assert response.status_code == 400
    assert "是区级表单，为本区（浦东新区）整体填写，不选择集群" in response.content.decode()
    assert not WordImport.objects.exists()


def test_the_district_cannot_import_a_cluster_form_here(world: Any) -> None:
    municipal = next(f"{t.code}@{t.version}" for t in current_templates() if t.code == "sh_municipal_application")
    response = _post(world.district, world.cluster_pudong, template=municipal)
    assert response.status_code == 403 and "只有集群运营管理机构的填报人员" in response.content.decode()
    assert not WordImport.objects.exists()


def test_the_operator_and_the_no_access_user_cannot_import_the_summary(world: Any) -> None:
    for user in (world.operator, world.nobody):
        response = _post(user)
        assert response.status_code == 403
        assert "区级表单由区级中小企业主管部门填写" in response.content.decode()
    assert not WordImport.objects.exists()


def test_another_district_an_operator_and_the_no_access_user_get_404_on_the_districts_import(world: Any) -> None:
    _post(world.district)
    item = WordImport.objects.get()
    for user in (world.district_huangpu, world.operator, world.nobody):
        client = _client(user)
        assert client.get(reverse("documents:import_detail", args=[item.pk])).status_code == 404
        for name in ("documents:import_confirm", "documents:import_discard"):
            assert client.post(reverse(name, args=[item.pk])).status_code == 404
        assert "区级总结.docx" not in client.get(reverse("documents:import_upload")).content.decode()
    assert not Filing.objects.exists() and WordImport.objects.get().status == "preview"


def test_the_menu_links_word_import_for_the_district_and_the_operator_but_not_the_city(world: Any) -> None:
    link = f'href="{reverse("documents:import_upload")}">Word 导入</a>'
    home = reverse("core:home")
    assert link in _client(world.district).get(home).content.decode()
    assert link in _client(world.operator).get(home).content.decode()
    assert link not in _client(world.city_staff).get(home).content.decode()
