"""Word import round trip: the blank official Shanghai 2025 application (our own .docx built to the
original's layout) filled with python-docx as an operator would in Word, and the same form re-saved
by LibreOffice, read back into values with provenance and a list of unreadable cells."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document

from apps.core.errors import ServiceError
from apps.documents.forms import render_form_docx
from apps.documents.forms.reader import import_docx
from apps.documents.office import convert
from apps.filings.definitions import list_templates, load_template


def _template():  # type: ignore[no-untyped-def]
    return load_template("sh_municipal_application", "2025")


def _row(doc, label: str):  # type: ignore[no-untyped-def]
    for t in doc.tables:
        for row in t.rows:
            if row.cells[0].text.startswith(label):
                return row
    raise AssertionError(label)


def _fill_blank_like_an_operator() -> bytes:
    doc = Document(BytesIO(render_form_docx(_template())))
    for p in doc.paragraphs:
        if p.text.startswith("集群名称："):
            p.runs[-1].text = "上海市嘉定区智能传感器产业集群"
        if p.text.startswith("申报时间："):
            p.runs[-1].text = "2025年5月10日"
    _row(doc, "集群占地面积").cells[-1].text = "36.5"
    output = _row(doc, "集群总产值/营业收入（亿元）")
    output.cells[-3].text, output.cells[-2].text, output.cells[-1].text = "61.20", "７０.35", "82.10"
    cell = _row(doc, "集群主导产业不属于国家规定").cells[-1]
    cell.paragraphs[0].runs[0].text = "☑"
    domain = _row(doc, "主导产业所属产业领域").cells[-1]
    for p in domain.paragraphs:
        for i, run in enumerate(p.runs):
            if run.text == "☐" and i + 1 < len(p.runs) and p.runs[i + 1].text in ("汽车", "其他"):
                run.text = "☑"
            if run.text == "：" and i > 0 and p.runs[i - 1].text == "其他":
                run.text = "：智能传感"
    _row(doc, "集群外商直接投资额（万元）").cells[-1].text = "一千二百"  # not a number
    return _save(doc)


def _save(doc) -> bytes:  # type: ignore[no-untyped-def]
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _check(values, provenance, unreadable) -> None:  # type: ignore[no-untyped-def]
    assert values["cover_cluster_name"] == "上海市嘉定区智能传感器产业集群"
    assert values["cover_date"] == "2025-05-10"
    assert values["area_km2"] == "36.5"
    assert values["output_value"] == {"2022": "61.20", "2023": "70.35", "2024": "82.10"}
    assert values["not_banned_industry"] == "yes"
    assert values["domain"] == {"checked": ["automotive", "other"], "other_text": "智能传感"}
    assert provenance["output_value[2023]"]["label"] == "集群总产值/营业收入（亿元）（2023年）"
    assert provenance["output_value[2023]"]["text"] == "７０.35"
    assert provenance["cover_cluster_name"]["source"] == "封面"
    assert [u["path"] for u in unreadable] == ["fdi_amount"]
    assert "不是数字" in unreadable[0]["reason"] and unreadable[0]["text"] == "一千二百"
    assert "fdi_amount" not in values


def test_a_blank_filled_in_word_is_read_back_with_provenance_and_unreadable_cells() -> None:
    _check(*import_docx(_template(), _fill_blank_like_an_operator()))


@pytest.mark.slow
def test_the_same_form_saved_by_libreoffice_reads_back_the_same() -> None:
    resaved = convert(_fill_blank_like_an_operator(), "申报表.docx", "docx")
    _check(*import_docx(_template(), resaved))


@pytest.mark.parametrize(("code", "version"), [(i.code, i.version) for i in list_templates()])
def test_a_rendered_filled_form_of_every_template_round_trips_every_value(code: str, version: str) -> None:
    from tests.factories_documents import filled_values

    from .expected import condition_holds

    template = load_template(code, version)
    values = filled_values(template)
    read, _prov, unreadable = import_docx(template, render_form_docx(template, values))
    assert unreadable == []
    for key, value in values.items():
        f = template.fields[key]
        if f.kind in ("computed", "attachment"):
            continue
        if not condition_holds(f, values):
            assert read.get(key) == "无", key  # the form prints 无 where the question does not apply
        elif f.kind == "declaration":
            assert read[key] == {"signatures": value["signatures"], "date": value["date"]}
        elif f.kind == "checkboxes" and not value.get("checked"):
            assert key not in read, key  # nothing ticked reads as blank
        else:
            assert read.get(key) == value, key


def test_a_file_that_is_not_a_docx_is_refused_in_chinese() -> None:
    with pytest.raises(ServiceError, match="不是有效的 Word"):
        import_docx(_template(), b"%PDF-1.4 not a word file")
