"""Demo-like filled values for any form template (used by the document golden tests).

Values follow the definitions' value format and are different for every field (so a test can
find each value in its place): numbers grow with the field's position and the year, texts name
their field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.filings.definitions import Field, Template
from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES


def _number(seed: int, year: int | None = None, decimals: int = 2) -> str:
    base = Decimal(seed * 7 + 11) + (Decimal(year - 2000) / 4 if year else 0)
    return f"{base:.{decimals}f}" if decimals else str(int(base))


def value_for(f: Field, seed: int) -> Any:
    k = f.kind
    if k in ("text",):
        return f"{f.label[:12]}示例{seed}"
    if k == "narrative":
        return f"（演示数据）{f.label}：集群围绕主导产业开展工作，成效明显，编号{seed}。"
    if k == "date":
        return f"2025-05-{(seed % 27) + 1:02d}"
    if k == "number":
        return _number(seed, decimals=f.decimals)
    if k == "year_series":
        return {str(y): _number(seed, y, f.decimals) for y in f.years}
    if k == "choice":
        return f.options[seed % len(f.options)].key
    if k == "checkboxes":
        picked = [o.key for i, o in enumerate(f.options) if (i + seed) % 2 == 0]
        out: dict[str, Any] = {"checked": picked}
        if any(o.text and o.key in picked for o in f.options):
            out["other_text"] = f"其他说明{seed}"
        counts = {o.key: str(seed % 9 + 1) for o in f.options if o.count_unit and o.key in picked}
        if counts:
            out["counts"] = counts
        return out
    if k == "count_names":
        return {"count": str(seed % 5 + 1), "names": f"示例平台{seed}甲、示例平台{seed}乙"}
    if k == "standards_matrix":
        return {
            str(y): {
                cat: {role: str((seed + yi + ci + ri) % 6) for ri, (role, _l) in enumerate(STANDARD_ROLES)}
                for ci, (cat, _c) in enumerate(STANDARD_CATEGORIES)
            }
            for yi, y in enumerate(f.years)
        }
    if k == "target_table":
        fixed: dict[str, Any] = {}
        for ri, r in enumerate(f.rows):
            fixed[r.key] = {
                c.key: (f"定性目标{seed}-{ri}-{ci}" if r.qualitative else _number(seed + ri, None))
                for ci, c in enumerate(f.columns)
            }
        return {"fixed": fixed}
    if k == "row_table":
        rows = []
        for n in range(2):
            row: dict[str, Any] = {}
            for ci, c in enumerate(f.columns):
                if c.type in ("number", "percent"):
                    row[c.key] = _number(seed + n + ci)
                elif c.type in ("count", "year"):
                    row[c.key] = str(2020 + n + ci) if c.type == "year" else str(seed + n + ci)
                elif c.type == "date":
                    row[c.key] = f"2024-0{n + 1}-1{ci % 9}"
                elif c.type == "choice" and c.options:
                    row[c.key] = c.options[0].key
                else:
                    row[c.key] = f"行{n + 1}{c.label[:6]}{seed}"
            rows.append(row)
        return {"rows": rows}
    if k == "declaration":
        return {"agreed": True, "signatures": {"0": f"签字人{seed}"}, "date": "2025-05-08"}
    return None


def filled_values(template: Template) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for seed, f in enumerate(template.fields.values(), start=1):
        v = value_for(f, seed)
        if v is not None:
            values[f.key] = v
    return values
