"""The Word import page offers the operator only the forms it applies with; a national form posted
directly (the county department applies, 77号) is refused in Chinese and nothing is imported."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.documents.forms import render_form_docx
from apps.documents.models import WordImport
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import Filing

CURRENT = {t.code: t.version for t in current_templates()}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post_national(user: Any, cluster: Any) -> Any:
    code = "national_application"
    data = render_form_docx(load_template(code, CURRENT[code]), {"cover_cluster_name": cluster.name})
    return _client(user).post(
        reverse("documents:import_upload"),
        {
            "cluster": cluster.pk,
            "template": f"{code}@{CURRENT[code]}",
            "year": "2025",
            "file": SimpleUploadedFile("申报表.docx", data),
        },
    )


def test_the_import_page_does_not_offer_the_operator_the_national_forms(world: Any) -> None:
    html = _client(world.operator).get(reverse("documents:import_upload")).content.decode()
    assert f"sh_municipal_application@{CURRENT['sh_municipal_application']}" in html
    assert "national_application@" not in html and "national_rereview@" not in html


def test_an_operator_posting_a_national_form_is_refused_and_nothing_is_imported(world: Any) -> None:
    response = _post_national(world.operator, world.cluster_pudong)
    assert response.status_code == 403
    assert "由县级（区级）中小企业主管部门作为申报主体填写" in response.content.decode()
    assert not WordImport.objects.exists() and not Filing.objects.exists()


def test_the_county_and_the_no_access_user_cannot_import_a_national_form(world: Any) -> None:
    assert _post_national(world.district, world.cluster_pudong).status_code == 403
    response = _post_national(world.nobody, world.cluster_pudong)
    assert response.status_code == 400 and "请选择本机构运营的集群。" in response.content.decode()
    assert not WordImport.objects.exists() and not Filing.objects.exists()
