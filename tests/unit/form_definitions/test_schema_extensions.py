"""Schema and engine extensions the 000/001/004 forms needed, on small templates of their own.

Section points (评价表分值), narratives without a length limit, target tables whose original has no
方向 column or lists the 方向 under which rows may be added, row tables counted and summed in
formulas, 增幅 and “不超过3个” columns, evidence for a chosen option, a narrative, a standards list
and a row table.
"""

from __future__ import annotations

from decimal import Decimal

from apps.filings.definitions import Template, compute, validate
from apps.filings.definitions.loader import check_template_text

HEAD = """\
code: demo
version: "1"
title: 演示表
source: 测试
status: draft
data_years: [2024, 2025]
sections:
"""


def build(body: str) -> tuple[Template | None, list[str]]:
    template, problems = check_template_text(HEAD + body, "demo/1.yaml")
    return template, [f"{p.path}|{p.message}" for p in problems]


def ok(body: str) -> Template:
    template, problems = build(body)
    assert problems == [] and template is not None
    return template


SCORED = """\
  - key: s1
    number: 二
    title: 规范化服务（10分）
    points: 10
    fields:
      - {key: policy, label: 政策梳理, kind: narrative, max_chars: null, help: 收集和编印相关政策情况}
"""


def test_section_points_are_read_and_must_agree_with_the_title() -> None:
    assert ok(SCORED).sections[0].points == 10
    _, wrong = build(SCORED.replace("points: 10", "points: 12"))
    assert wrong == ["sections[0].points|分值 12 与章节标题“规范化服务（10分）”不一致"]
    _, missing = build(SCORED.replace("    points: 10\n", ""))
    assert missing == ["sections[0]|章节标题写明“（10分）”，请在 points 中登记分值 10"]


def test_a_narrative_must_state_its_limit_but_the_limit_may_be_none() -> None:
    template = ok(SCORED)
    assert template.field("policy").max_chars is None
    assert validate(template, {"policy": "政" * 20000}, for_submit=False) == []
    _, problems = build(SCORED.replace(", max_chars: null", ""))
    assert problems == ["sections[0].fields[0]|缺少必填属性“max_chars”"]


TABLES = """\
  - key: s1
    number: 一
    title: 表
    fields:
      - {key: revenue, label: 集群营收（亿元）, kind: year_series, indicator: cluster_revenue}
      - key: top10
        label: 营业收入排名前十企业
        kind: row_table
        max_rows: 10
        evidence: true
        columns:
          - {key: firm, label: 企业名称, type: text}
          - {key: r2024, group: 营业收入（亿元）, label: 2024年, type: number, total: true}
          - {key: r2025, group: 营业收入（亿元）, label: 2025年, type: number, total: true}
          - {key: growth, label: 增幅（%）, type: percent, signed: true, growth_of: [r2024, r2025]}
          - {key: products, label: 主导产品（不超过3个）, type: text, max_items: 3}
      - {key: listed, label: 列入企业数, kind: computed, indicator: library_firm_count, formula: top10}
rules:
  - key: top10_within
    check: "top10['r2025'] <= revenue[2025]"
    severity: warning
    fields: [top10]
    message: 前十企业营收合计大于集群营收。
"""

ROW = {"firm": "甲公司", "r2024": "10.00", "r2025": "12.00", "growth": "20.00", "products": "电机、电控"}


def test_a_row_table_is_counted_and_its_numeric_columns_summed_in_formulas() -> None:
    template = ok(TABLES)
    values = {"top10": {"rows": [ROW, {**ROW, "firm": "乙公司", "r2025": "9.00", "growth": "-10.00"}]}}
    assert compute(template, values)["listed"].value == Decimal("2")
    values["revenue"] = {"2025": "20.00"}
    [issue] = validate(template, values, for_submit=False)
    assert issue.code == "rule:top10_within"  # 12 + 9 = 21 > 20
    values["revenue"] = {"2025": "21.00"}
    assert validate(template, values, for_submit=False) == []
    assert compute(template, {})["listed"].value is None  # not answered yet: nothing to count


def test_a_formula_may_sum_only_a_numeric_column_of_a_table() -> None:
    _, problems = build(TABLES.replace("top10['r2025']", "top10['firm']"))
    assert len(problems) == 1 and "只能引用行数（top10）或数字列合计" in problems[0]


def test_a_growth_column_must_agree_with_its_row_and_refer_to_numbers() -> None:
    template = ok(TABLES)
    [issue] = validate(template, {"top10": {"rows": [{**ROW, "growth": "25.00"}]}}, for_submit=False)
    assert issue.severity == "warning" and issue.row == 0 and issue.column == "growth"
    assert "营业收入（亿元）2025年 ÷ 营业收入（亿元）2024年" in issue.message and "= 20.00" in issue.message
    _, problems = build(TABLES.replace("growth_of: [r2024, r2025]", "growth_of: [firm, r2025]"))
    assert problems == ["sections[0].fields[1].columns[3].growth_of|增幅列引用的“企业名称”不是数字列"]


def test_a_column_limited_to_three_items_refuses_a_fourth() -> None:
    template = ok(TABLES)
    [issue] = validate(template, {"top10": {"rows": [{**ROW, "products": "甲；乙；丙；丁"}]}}, for_submit=False)
    assert issue.severity == "error" and "不超过3个（填写了4个" in issue.message
    _, problems = build(
        TABLES.replace("type: percent, signed: true, growth_of", "type: percent, max_items: 2, growth_of")
    )
    assert "max_items 只用于文字列" in problems[0]


def test_a_row_table_that_asks_for_evidence_needs_it_once_it_has_rows() -> None:
    template = ok(TABLES)
    values = {"top10": {"rows": [ROW]}}
    assert [i.code for i in validate(template, values, for_submit=True) if i.field == "top10"] == ["top10:evidence"]
    assert [i for i in validate(template, values, for_submit=True, evidenced={"top10"}) if i.field == "top10"] == []
    assert [i for i in validate(template, {"top10": {"none": True}}, for_submit=True) if i.field == "top10"] == []


TARGETS = """\
  - key: s1
    number: 五
    title: 目标
    fields:
      - key: targets
        label: 未来三年主要经济指标发展目标
        kind: target_table
        columns:
          - {key: actual, label: 上一年实际值, type: number}
          - {key: t2026, label: 2026年发展目标, type: number}
        rows:
          - {key: revenue, label: 集群营业收入, indicator: cluster_revenue}
      - key: plan
        label: 三年总体目标
        kind: target_table
        allow_added_rows: true
        added_row_directions: [创新, 其它]
        columns:
          - {key: t2026, label: 2026年目标值, type: number}
        rows:
          - {key: rd, direction: 创新, label: 研发经费投入, indicator: sme_rd_expense}
"""


def test_a_target_row_may_have_no_direction_and_added_rows_keep_to_the_listed_directions() -> None:
    template = ok(TARGETS)
    assert template.field("targets").rows[0].direction == "" and template.field("targets").rows[0].unit == "亿元"
    added = {"plan": {"added": [{"direction": "人才", "label": "引进博士", "t2026": "5"}]}}
    [issue] = validate(template, added, for_submit=False)
    assert "方向“人才”不在原表所列方向内（可选：创新、其它）" in issue.message
    added["plan"]["added"][0]["direction"] = "其它"
    assert validate(template, added, for_submit=False) == []
    _, problems = build(TARGETS.replace("        allow_added_rows: true\n", ""))
    [problem] = problems
    assert problem.startswith("sections[0].fields[1].added_row_directions|只有允许增加行")


EVIDENCE = """\
  - key: s1
    number: 五
    title: 评价
    fields:
      - key: satisfaction
        label: 企业满意度情况
        kind: choice
        evidence: true
        options: [{key: p95, label: 满意率95%以上}, {key: p85, label: 满意率85%以上}]
      - key: green_park
        label: 是否为国/省级绿色园区
        kind: choice
        options: [{key: national, label: 国家级绿色园区, evidence: true}, {key: "no", label: 否}]
      - {key: honours, label: 社会认可, kind: narrative, max_chars: null, evidence: true}
      - {key: standards, label: 标准数量情况, kind: standards_matrix, evidence: true}
"""


def _codes(template: Template, values: dict, evidenced: set[str] | None = None) -> list[str]:
    return [i.code for i in validate(template, values, for_submit=True, evidenced=evidenced or set())]


def test_a_chosen_option_that_needs_evidence_needs_an_upload() -> None:
    template = ok(EVIDENCE)
    assert "satisfaction:evidence" in _codes(template, {"satisfaction": "p85"})
    assert "satisfaction:evidence" not in _codes(template, {"satisfaction": "p85"}, {"satisfaction"})
    assert "green_park:evidence" in _codes(template, {"green_park": "national"})
    assert "green_park:evidence" not in _codes(template, {"green_park": "no"})


def test_a_narrative_or_a_standards_list_that_asks_for_evidence_needs_it_when_answered() -> None:
    template = ok(EVIDENCE)
    assert "honours:evidence" in _codes(template, {"honours": "获评国家级示范平台"})
    assert "honours:evidence" not in _codes(template, {"honours": "无"})
    one = {"2024": {"national": {"lead": "1"}}}
    assert "standards:evidence" in _codes(template, {"standards": one})
    zeros = {"2024": {"national": {"lead": "0"}}}
    assert "standards:evidence" not in _codes(template, {"standards": zeros})


def test_a_field_key_equal_to_a_section_key_is_named_as_such() -> None:
    _, problems = build(SCORED.replace("key: policy", "key: s1"))
    assert problems == ["sections[0].fields[0].key|字段代码“s1”与章节代码重复"]


def test_a_box_with_a_number_must_name_its_indicator() -> None:
    body = """\
  - key: s1
    number: 三
    title: 服务
    fields:
      - key: talent
        label: 人才资源共享
        kind: checkboxes
        options:
          - {key: events, label: 开展人才资源对接活动, count_unit: 次}
"""
    _, problems = build(body)
    assert problems == [
        "sections[0].fields[0].options[0]|选项“开展人才资源对接活动”带数量（次），须登记指标代码 count_indicator"
    ]
    assert build(body.replace("count_unit: 次}", "count_unit: 次, count_indicator: talent_matching_events}"))[1] == []
