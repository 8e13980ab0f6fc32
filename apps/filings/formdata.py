"""Between the HTML form and the definitions' value format (see apps.filings.definitions).

Input names (one scheme for the page, the autosave script and the merge panel):
  v:<key>                              text, narrative, date, number, choice
  v:<key>:<year>                       year_series cell
  v:<key>:checked (repeated)           checkboxes; v:<key>:other_text, v:<key>:count:<opt>, v:<key>:none
  v:<key>:count / v:<key>:names        count_names
  v:<key>:<year>:<cat>:<role>          standards_matrix cell
  v:<key>:fixed:<row>:<col>            target_table fixed row; v:<key>:added:<i>:<part> added rows
  v:<key>:rows:<i>:<col>               row_table; v:<key>:none
  v:<key>:agreed / v:<key>:sig:<i> / v:<key>:date   declaration
  f:<key>                              marker: the field is on the page and editable
  x:<issue code>                       written explanation of a warning
  o:<key>:reason / o:<key>:computed    reason for departing from the enterprise-list figure
Values are kept exactly as typed (strings); validation judges them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from .definitions import Field, Template
from .definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES

_ADDED_PARTS = ("direction", "label", "unit", "qualitative")


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _indexed(post: QueryDict, prefix: str) -> dict[int, dict[str, str]]:
    """{i: {part: value}} from names like `<prefix><i>:<part>`."""
    rows: dict[int, dict[str, str]] = {}
    pattern = re.compile(re.escape(prefix) + r"(\d+):([a-z0-9_]+)$")
    for name in post:
        m = pattern.match(name)
        if m:
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = _clean(post.get(name, ""))
    return dict(sorted(rows.items()))


def parse_field(f: Field, post: QueryDict) -> Any:
    p = f"v:{f.key}"
    kind = f.kind
    if kind in ("text", "narrative", "date", "number", "choice"):
        return _clean(post.get(p, ""))
    if kind == "year_series":
        return {str(y): v for y in f.years if (v := _clean(post.get(f"{p}:{y}", "")))}
    if kind == "checkboxes":
        checked = [k for k in post.getlist(f"{p}:checked") if f.option(k) is not None]
        out: dict[str, Any] = {"checked": checked}
        other = _clean(post.get(f"{p}:other_text", ""))
        if other and any(o.text and o.key in checked for o in f.options):
            out["other_text"] = other
        counts = {o.key: c for o in f.options if o.count_unit and (c := _clean(post.get(f"{p}:count:{o.key}", "")))}
        if counts:
            out["counts"] = counts
        if post.get(f"{p}:none") and not checked:
            out["none"] = True
        return out if (checked or out.get("none")) else {}
    if kind == "count_names":
        count, names = _clean(post.get(f"{p}:count", "")), _clean(post.get(f"{p}:names", ""))
        return {k: v for k, v in (("count", count), ("names", names)) if v}
    if kind == "standards_matrix":
        matrix: dict[str, Any] = {}
        for y in f.years:
            for cat, _ in STANDARD_CATEGORIES:
                for role, _ in STANDARD_ROLES:
                    v = _clean(post.get(f"{p}:{y}:{cat}:{role}", ""))
                    if v:
                        matrix.setdefault(str(y), {}).setdefault(cat, {})[role] = v
        return matrix
    if kind == "target_table":
        fixed: dict[str, Any] = {}
        for row in f.rows:
            for col in f.columns:
                v = _clean(post.get(f"{p}:fixed:{row.key}:{col.key}", ""))
                if v:
                    fixed.setdefault(row.key, {})[col.key] = v
        added = []
        for _, parts in _indexed(post, f"{p}:added:").items():
            row_out: dict[str, Any] = {k: v for k, v in parts.items() if v and k != "qualitative"}
            if not row_out:
                continue
            if parts.get("qualitative"):
                row_out["qualitative"] = True
            added.append(row_out)
        result: dict[str, Any] = {}
        if fixed:
            result["fixed"] = fixed
        if added:
            result["added"] = added
        return result
    if kind == "row_table":
        rows = [
            {c.key: parts[c.key] for c in f.columns if parts.get(c.key)}
            for _, parts in _indexed(post, f"{p}:rows:").items()
        ]
        rows = [r for r in rows if r]
        table: dict[str, Any] = {}
        if rows:
            table["rows"] = rows
        elif post.get(f"{p}:none"):
            table["none"] = True
        return table
    if kind == "declaration":
        decl: dict[str, Any] = {}
        if post.get(f"{p}:agreed"):
            decl["agreed"] = True
        sigs = {str(i): s for i in range(len(f.signers)) if (s := _clean(post.get(f"{p}:sig:{i}", "")))}
        if sigs:
            decl["signatures"] = sigs
        date = _clean(post.get(f"{p}:date", ""))
        if date:
            decl["date"] = date
        return decl
    return None  # attachment, computed: nothing typed


def parse_post(template: Template, post: QueryDict) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, str]]]:
    """(values of the fields marked on the page, warning explanations, overrides)."""
    values: dict[str, Any] = {}
    for name in post:
        if not name.startswith("f:"):
            continue
        key = name[2:]
        f = template.fields.get(key)
        if f is None or f.kind in ("attachment", "computed"):
            continue
        values[key] = parse_field(f, post)
    explanations = {name[2:]: _clean(post.get(name, "")) for name in post if name.startswith("x:")}
    overrides: dict[str, dict[str, str]] = {}
    for name in post:
        if name.startswith("o:") and name.endswith(":reason"):
            key = name[2:-7]
            overrides[key] = {"reason": _clean(post.get(name, "")), "computed": post.get(f"o:{key}:computed", "")}
    return values, explanations, overrides


def flatten(f: Field, value: Any) -> dict[str, Any]:
    """{input name: value} for one field's value (lists for repeated checkboxes)."""
    p = f"v:{f.key}"
    out: dict[str, Any] = {}
    if value is None:
        return out
    kind = f.kind
    if kind in ("text", "narrative", "date", "number", "choice"):
        out[p] = str(value)
    elif kind == "year_series" and isinstance(value, Mapping):
        out.update({f"{p}:{y}": str(v) for y, v in value.items()})
    elif kind == "checkboxes" and isinstance(value, Mapping):
        out[f"{p}:checked"] = list(value.get("checked") or [])
        out[f"{p}:other_text"] = value.get("other_text", "")
        for k, v in (value.get("counts") or {}).items():
            out[f"{p}:count:{k}"] = str(v)
        out[f"{p}:none"] = bool(value.get("none"))
    elif kind == "count_names" and isinstance(value, Mapping):
        out[f"{p}:count"] = str(value.get("count", ""))
        out[f"{p}:names"] = str(value.get("names", ""))
    elif kind == "standards_matrix" and isinstance(value, Mapping):
        for y, cats in value.items():
            for cat, roles in (cats or {}).items():
                for role, v in (roles or {}).items():
                    out[f"{p}:{y}:{cat}:{role}"] = str(v)
    elif kind == "target_table" and isinstance(value, Mapping):
        for row, cols in (value.get("fixed") or {}).items():
            for col, v in (cols or {}).items():
                out[f"{p}:fixed:{row}:{col}"] = str(v)
        for i, row in enumerate(value.get("added") or []):
            for k, v in row.items():
                out[f"{p}:added:{i}:{k}"] = v if isinstance(v, bool) else str(v)
    elif kind == "row_table" and isinstance(value, Mapping):
        for i, row in enumerate(value.get("rows") or []):
            for k, v in row.items():
                out[f"{p}:rows:{i}:{k}"] = str(v)
        out[f"{p}:none"] = bool(value.get("none"))
    elif kind == "declaration" and isinstance(value, Mapping):
        out[f"{p}:agreed"] = bool(value.get("agreed"))
        for i, s in (value.get("signatures") or {}).items():
            out[f"{p}:sig:{i}"] = str(s)
        out[f"{p}:date"] = str(value.get("date", ""))
    return out


def display(f: Field, value: Any) -> str:
    """A one-line reading of a value for the merge panel and the history (Chinese)."""
    if value is None or value == "" or value == {}:
        return "（空）"
    kind = f.kind
    if kind == "choice":
        opt = f.option(str(value))
        return opt.label if opt else str(value)
    if kind == "number":
        return f"{value} {f.unit}".strip()
    if kind == "year_series" and isinstance(value, Mapping):
        return "；".join(f"{y}年 {v}" for y, v in value.items())
    if kind == "checkboxes" and isinstance(value, Mapping):
        if value.get("none"):
            return "无"
        labels = [(o.label if (o := f.option(k)) else k) for k in value.get("checked") or []]
        text = "、".join(labels)
        if value.get("other_text"):
            text += f"（其他：{value['other_text']}）"
        return text
    if kind == "count_names" and isinstance(value, Mapping):
        return f"数量 {value.get('count', '')}；名称：{value.get('names', '')}"
    if kind in ("text", "narrative", "date"):
        text = str(value)
        return text if len(text) <= 200 else text[:200] + "…"
    if kind == "row_table" and isinstance(value, Mapping):
        return "无" if value.get("none") else f"{len(value.get('rows') or [])} 行"
    if kind == "declaration" and isinstance(value, Mapping):
        sigs = "、".join((value.get("signatures") or {}).values())
        return f"{'已确认' if value.get('agreed') else '未确认'}；签字：{sigs}；日期：{value.get('date', '')}"
    return "已填写"
