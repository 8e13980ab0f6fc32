"""A complete, valid answer to any template (every field filled as its kind demands), for tests.

`complete_values(template, **overrides)` fills every field; `evidence_slots(template, values)`
names every upload the answer needs (a field, a checked box, a chosen option). Tests override the
few values their template's rules tie together and then expect no issue at all at submission.
"""

from __future__ import annotations

from typing import Any

from apps.filings.definitions import Field, Template
from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES


def _number(unit: str, decimals: int) -> str:
    if unit == "%":
        return "12.50"
    return "10" if decimals == 0 else "10.50"


def _text(f: Field, limit: int | None, seed: str) -> str:
    text = f"{seed}：{f.label}（示例）"
    return text[: limit or len(text)]


def _column_value(col: Any) -> str:
    if col.type == "choice":
        return str(col.options[0].key)
    if col.type == "date":
        return "2025-03-01"
    if col.type in ("count", "year"):
        return "2025" if col.type == "year" else "3"
    if col.type in ("number", "percent"):
        return "12.50"
    return f"{col.label[:8]}示例"[: col.max_chars or 100]


def value_for(f: Field, template: Template) -> Any:
    k = f.kind
    if k == "text":
        return _text(f, f.max_chars, "文字")
    if k == "narrative":
        section = next(s for s in template.sections if f in s.fields)
        parts = sum(1 for g in section.fields if g.kind == "narrative")
        limit = min(f.max_chars or 400, (section.max_chars or 400 * parts) // parts)
        return _text(f, limit, "叙述")
    if k == "date":
        return "2025-03-20"
    if k == "number":
        return _number(f.unit, f.decimals)
    if k == "year_series":
        return {str(y): _number(f.unit, f.decimals) for y in f.years}
    if k == "choice":
        return "yes" if f.option("yes") else f.options[0].key
    if k == "checkboxes":
        first = f.options[0]
        out: dict[str, Any] = {"checked": [first.key]}
        if first.text:
            out["other_text"] = "其他情况说明"
        if first.count_unit:
            out["counts"] = {first.key: "3"}
        return out
    if k == "count_names":
        return {"count": "1", "names": f"{f.label[:6]}甲"}
    if k == "standards_matrix":
        return {str(y): {c: {r: "1" for r, _ in STANDARD_ROLES} for c, _ in STANDARD_CATEGORIES} for y in f.years}
    if k == "target_table":
        return {
            "fixed": {r.key: {c.key: ("定性描述示例" if r.qualitative else "10.00") for c in f.columns} for r in f.rows}
        }
    if k == "row_table":
        return {"rows": [{c.key: _column_value(c) for c in f.columns}]}
    if k == "declaration":
        return {"agreed": True, "signatures": {str(i): f"签字{i}" for i in range(len(f.signers))}, "date": "2025-03-25"}
    return None  # attachment (an upload) and computed (derived)


def complete_values(template: Template, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in template.fields.values():
        v = value_for(f, template)
        if v is not None:
            values[f.key] = v
    values.update(overrides)
    return values


def evidence_slots(template: Template, values: dict[str, Any]) -> set[str]:
    slots: set[str] = set()
    for f in template.fields.values():
        if f.kind == "attachment" or f.evidence:
            slots.add(f.key)
        if f.kind == "choice":
            chosen = f.option(str(values.get(f.key)))
            if chosen is not None and chosen.evidence:
                slots.add(f.key)
        if f.kind == "checkboxes":
            for key in (values.get(f.key) or {}).get("checked", []):
                slots.add(f"{f.key}.{key}")
    return slots
