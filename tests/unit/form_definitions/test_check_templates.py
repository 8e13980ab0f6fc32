from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.filings.definitions.loader import check_template_text, list_templates, template_files
from apps.filings.definitions.manifest import add_to_manifest, manifest_problems

GOOD = """\
code: demo
version: "1"
title: 演示表
source: 测试
status: draft
data_years: [2023, 2024]
sections:
  - key: s1
    number: 一
    title: 基本情况
    fields:
      - {key: area, label: 面积, kind: number, indicator: area_km2}
      - {key: output, label: 产值, kind: year_series, indicator: output_value, unit: 万元}
      - {key: changed, label: 是否变化, kind: choice, options: yes_no}
      - {key: note, label: 情况说明, kind: narrative, max_chars: 200, required_when: "changed == 'yes'"}
"""


def problems(text: str) -> list[str]:
    _, found = check_template_text(text, "demo/1.yaml")
    return [f"{p.line}|{p.path}|{p.message}" for p in found]


def test_every_template_in_the_repository_passes() -> None:
    call_command("check_templates")


def test_a_valid_template_has_no_problems() -> None:
    assert problems(GOOD) == []


def test_an_unknown_indicator_is_reported_with_path_and_line() -> None:
    found = problems(GOOD.replace("indicator: area_km2", "indicator: area_hectares"))
    assert found == ["12|sections[0].fields[0].indicator|未知指标代码“area_hectares”（不在指标目录中）"]


def test_a_unit_that_does_not_convert_to_the_indicator_unit_is_reported() -> None:
    found = problems(GOOD.replace("unit: 万元", "unit: 亿美元"))
    assert len(found) == 1 and found[0].startswith("13|sections[0].fields[1].unit|单位“亿美元”不能换算")


def test_schema_errors_name_the_line_in_chinese() -> None:
    found = problems(GOOD.replace("kind: choice", "kind: dropdown"))
    assert found[0].startswith("14|sections[0].fields[2].kind|取值“dropdown”不在允许范围内")
    missing = problems(GOOD.replace(", max_chars: 200", ""))
    assert missing[0].startswith("15|sections[0].fields[3]|缺少必填属性“max_chars”")


def test_duplicate_keys_conditions_on_unknown_fields_and_foreign_years_are_reported() -> None:
    text = GOOD.replace("key: note", "key: area").replace("changed == 'yes'", "changd == 'yes'")
    text += "rules:\n  - {key: r1, check: 'output[2021] > 0', severity: error, message: 错, fields: [output]}\n"
    found = problems(text)
    assert any("字段代码“area”重复" in p for p in found)
    assert any("引用了未知字段“changd”" in p for p in found)
    assert any("没有 2021 年度" in p for p in found)
    years = problems(GOOD.replace("indicator: output_value, unit", "indicator: output_value, years: [2020], unit"))
    assert any("年度 2020 不在模板数据年度" in p for p in years)


def test_yaml_syntax_errors_name_the_line() -> None:
    found = problems(GOOD.replace("label: 面积,", "label: [面积,"))
    assert found[0].startswith("12|") and "YAML 语法错误" in found[0]


def test_a_changed_published_template_fails_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    path = tmp_path / "demo" / "1.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert add_to_manifest(["demo/1.yaml"], base=tmp_path) == ["demo/1.yaml"]
    assert manifest_problems(tmp_path) == []
    path.write_text(GOOD.replace("演示表", "演示表（改）"), encoding="utf-8")
    [(name, message)] = manifest_problems(tmp_path)
    assert name == "demo/1.yaml" and "另建新版本" in message
    path.unlink()
    assert "不存在" in manifest_problems(tmp_path)[0][1]


def test_check_templates_fails_when_a_published_file_is_edited(settings, tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    path = tmp_path / "demo" / "1.yaml"
    path.write_text(GOOD.replace("status: draft", "status: published"), encoding="utf-8")
    settings.FORM_TEMPLATES_DIR = tmp_path
    with pytest.raises(CommandError):
        call_command("check_templates")  # published but not registered
    call_command("check_templates", "--publish")
    call_command("check_templates")
    path.write_text(path.read_text(encoding="utf-8") + "# 改了\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("check_templates")


def test_list_templates_names_every_file() -> None:
    infos = list_templates()
    assert len(infos) == len(template_files())
    assert ("sh_municipal_application", "2025") in {(i.code, i.version) for i in infos}


def test_every_number_of_every_template_maps_to_a_catalogue_indicator() -> None:
    from apps.filings.definitions import load_template
    from apps.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    unmapped = []
    for info in list_templates():
        for f in load_template(info.code, info.version).fields.values():
            if f.kind in ("number", "year_series", "count_names", "computed") and cat.get(f.indicator) is None:
                unmapped.append(f"{info.code}/{info.version}:{f.key}")
            unmapped += [
                f"{info.code}/{info.version}:{f.key}.{o.key}"
                for o in f.options
                if o.count_unit and cat.get(o.count_indicator) is None
            ]
    assert unmapped == []
