"""表单模板定义层 (form-template definitions): schema, loader, validation and formulas.

Pure Python — no views and no filled-form models. Templates are data:
`data/form_templates/<code>/<version>.yaml`, checked against `schema.json` and semantically by
`python manage.py check_templates`. A published template never changes (hash manifest
`data/form_templates/PUBLISHED.sha256`); a change is a new version file.

Value format (what a filled form stores, JSON-safe; numbers are Decimal strings, never float)
--------------------------------------------------------------------------------------------
A dict keyed by field key:

- text, narrative, date   "文字" / "2025-05-15" (ISO). Narrative limits count characters.
- number                  "30.00" in the field's unit (the catalogue converts to its unit).
- year_series             {"2022": "30.00", "2023": "33.10", "2024": "36.40"}.
- choice                  the option key: "yes" / "no" / "na" (labels come from the template).
- checkboxes              {"checked": ["map", "other"], "other_text": "…",
                           "counts": {"talent_events": "3"}, "none": false}; every checked
                          option with evidence needs an upload under "<field>.<option>".
- count_names             {"count": "2", "names": "甲平台、乙平台"}.
- standards_matrix        {"2024": {"national": {"lead": "1", "participate": "2"}, …}, …}
                          categories international/national/industry/group, roles lead/participate.
- target_table            {"fixed": {"<row>": {"<column>": "12.00" or text}},
                           "added": [{"direction": "创新", "label": "…", "unit": "%",
                                      "qualitative": false, "<column>": "…"}]}.
- row_table               {"rows": [{"<column>": "…"}, …], "none": false}. A choice column stores
                          the option key. A column with `growth_of: [a, b]` (增幅) is checked
                          against (b ÷ a − 1) × 100 of its row; `max_items: n` allows n items
                          separated by 、，; (主导产品（不超过3个）).
- declaration             {"agreed": true, "signatures": {"0": "张三"}, "date": "2025-03-20"}.
- attachment              nothing in values; the upload is registered under the field key.
- computed                nothing stored: `compute()` derives it.

Template-only attributes (no value of their own): a section's `points` (分值 of a scored form,
checked against “（N分）” in its title); a field's `group` (row group) and `item` (项目, a second
level where one item holds several fields); `evidence_pages` (the original has a 佐证页码 cell:
the page is cited from the evidence when the dossier is assembled); a target table's
`added_row_directions` (the 方向 under which the original leaves “......” rows to add; a target
row's 方向 may be empty where the original has no 方向 column). `max_chars: null` on a narrative
states that the original sets no length.

Formulas (conditions, rules, computed fields) reference fields by key: `x[2024]` for a year,
`m['count']` for a 数量+名称 field, `t['row']['column']` for a target table, `table` for the
number of filled rows of a row table and `table['column']` for the sum of its numeric column,
`'option' in boxes` for a checked box. Evidence is required at submission for: a checked box
whose option needs it, a chosen option that needs it (or “是” of a field with evidence), a filled
number/series/list/narrative of a field with evidence, a standards matrix with any count > 0 and
a row table with rows when the field asks for evidence.

The explicit 无 (“无相关情况应填写‘无’”) is the string "无" (`types.NONE_MARK`), distinct from
blank (missing key, None or ""); for a checkbox list or row table it is {"none": true}.
Written explanations of warnings live under values["_explanations"][issue.code].
Evidence keys passed as `evidenced`: "<field>" for a field, "<field>.<option>" for a box.
"""

from .engine import compute, indicator_values, is_blank, parse_decimal, submission_blocked, validate
from .formula import FormulaError, compile_formula, evaluate, variables
from .loader import (
    Problem,
    TemplateError,
    TemplateInfo,
    TemplateNotFound,
    check_template_file,
    current_templates,
    list_templates,
    load_template,
    templates_dir,
)
from .types import NONE_MARK, Column, Computed, Field, Issue, Option, Rule, Section, TargetRow, Template

__all__ = [
    "NONE_MARK",
    "Column",
    "Computed",
    "Field",
    "FormulaError",
    "Issue",
    "Option",
    "Problem",
    "Rule",
    "Section",
    "TargetRow",
    "Template",
    "TemplateError",
    "TemplateInfo",
    "TemplateNotFound",
    "check_template_file",
    "compile_formula",
    "compute",
    "current_templates",
    "evaluate",
    "indicator_values",
    "is_blank",
    "list_templates",
    "load_template",
    "parse_decimal",
    "submission_blocked",
    "templates_dir",
    "validate",
    "variables",
]
