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
- row_table               {"rows": [{"<column>": "…"}, …], "none": false}.
- declaration             {"agreed": true, "signatures": {"0": "张三"}, "date": "2025-03-20"}.
- attachment              nothing in values; the upload is registered under the field key.
- computed                nothing stored: `compute()` derives it.

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
