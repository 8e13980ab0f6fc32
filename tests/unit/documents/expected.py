"""What a filled form must print, derived from the template definition and the values alone.

Independent of apps.documents.forms.layout on purpose: the golden tests compare the rendered
.docx/.pdf text with these pieces, so a layout bug (a value cell left empty, a value under the
wrong label) fails a test instead of being copied into the expectation.

`field_pieces(template, field, values, evidence)` lists, in reading order, the texts that must
follow the field's label before the next field's label starts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from apps.filings.definitions import NONE_MARK, Field, Template, compute
from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES

CHECKED, UNCHECKED = "☑", "☐"
_CONDITION = re.compile(r"^\s*([a-z0-9_]+)\s*==\s*'([^']*)'\s*$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def box(checked: bool, label: str) -> str:
    return (CHECKED if checked else UNCHECKED) + label


def condition_holds(f: Field, values: Mapping[str, Any]) -> bool:
    """The templates' conditions are of the form “answer == 'yes'”; anything else is a new case
    this helper must learn (failing loudly rather than guessing)."""
    if not f.visible_when:
        return True
    m = _CONDITION.match(f.visible_when)
    assert m, f"expected.py does not understand the condition {f.visible_when!r} of {f.key}"
    return values.get(m.group(1)) == m.group(2)


def field_pieces(
    template: Template, f: Field, values: Mapping[str, Any], evidence: Sequence[tuple[str, str, str]] = ()
) -> list[str]:
    """`evidence`: (title, field_key, pages) of the files the form cites."""
    v = values.get(f.key)
    k = f.kind
    if not condition_holds(f, values):
        return [NONE_MARK]
    if k in ("text", "narrative"):
        return [str(v)]
    if k == "number":
        return [str(v)]
    if k == "date":
        return [cn_date(str(v))]
    if k == "year_series":
        return [v[str(y)] for y in f.years]
    if k == "choice":
        return [box(o.key == v, o.label) for o in f.options]
    if k == "checkboxes":
        checked = set(v.get("checked") or [])
        out: list[str] = []
        for o in f.options:
            out.append(box(o.key in checked, o.label))
            if o.text and o.key in checked and v.get("other_text"):
                out.append(v["other_text"])
            if o.count_unit and o.key in checked:
                out.append(f"{v['counts'][o.key]}{o.count_unit}")
        return out
    if k == "count_names":
        return [f"数量：{v['count']}个", f"名称：{v['names']}"]
    if k == "standards_matrix":
        out = []
        for _cat, cat_label in STANDARD_CATEGORIES:
            out.append(cat_label)
            for y in f.years:
                for role, _role_label in STANDARD_ROLES:
                    out.append(v[str(y)][_cat][role])
        return out
    if k == "target_table":
        out = [c.label for c in f.columns]
        directions = list(dict.fromkeys(r.direction for r in f.rows))
        for d in directions:
            out.append(d)
            for r in f.rows:
                if r.direction == d:
                    out.append(r.label)
                    out.extend(str(v["fixed"][r.key][c.key]) for c in f.columns)
        return out
    if k == "row_table":
        out = _header_reading_order(f)
        for row in v["rows"]:
            for c in f.columns:
                raw = row[c.key]
                if c.type == "choice":
                    out.append(next(o.label for o in c.options if o.key == raw))
                elif c.type == "date":
                    out.append(cn_date(raw))
                else:
                    out.append(str(raw))
        return out
    if k == "declaration":
        out = [f.statement] if f.statement else []
        out += [
            f"{signer}：{v['signatures'][str(i)]}" for i, signer in enumerate(f.signers) if str(i) in v["signatures"]
        ]
        return [*out, cn_date(v["date"])]
    if k == "computed":
        comp = compute(template, values)[f.key]
        assert comp.value is not None, f"the demo values do not compute {f.key}: {comp.missing}"
        return [f"{Decimal(comp.value):.2f}"]
    if k == "attachment":
        mine = [(title, pages) for title, key, pages in evidence if key == f.key or key.startswith(f.key + ".")]
        pages = "、".join(p for _t, p in mine if p)
        if pages:
            return [f"见佐证材料{pages}"]
        if mine:
            return ["见佐证材料：" + "、".join(t for t, _p in mine)]
        return ["未附"]
    raise AssertionError(f"expected.py does not know the field kind {k!r} ({f.key})")


def _header_reading_order(f: Field) -> list[str]:
    """Column headings as a reader meets them: with two header rows (columns sharing a `group`),
    the top row holds the ungrouped headings and the group names, the second row the grouped ones."""
    if not any(c.group for c in f.columns):
        return [c.label for c in f.columns]
    top: list[str] = []
    bottom: list[str] = []
    for c in f.columns:
        if not c.group:
            top.append(c.label)
        else:
            if c.group not in top:
                top.append(c.group)
            bottom.append(c.label)
    return top + bottom


def misplaced(
    text: str, template: Template, values: Mapping[str, Any], evidence: Sequence[tuple[str, str, str]] = ()
) -> list[str]:
    """Walk the document text (whitespace removed) field by field in the template's order: each
    label must be found, and each of its pieces after it, in order, before the next field's label.
    Returns a description of every field that is missing or out of place."""
    problems: list[str] = []
    fields = list(template.fields.values())
    cursor = 0
    for i, f in enumerate(fields):
        label = squash(f.label)
        at = text.find(label, cursor)
        if at < 0:
            problems.append(f"{f.key}: label “{f.label}” not found after position {cursor}")
            continue
        start = at + len(label)
        stop = len(text)
        if i + 1 < len(fields):
            nxt = text.find(squash(fields[i + 1].label), start)
            stop = nxt if nxt >= 0 else stop
        pos = start
        for piece in field_pieces(template, f, values, evidence):
            p = squash(piece)
            found = text.find(p, pos, stop)
            if found < 0:
                problems.append(f"{f.key}: “{piece}” not between its label and the next field's label")
                break
            pos = found + len(p)
        cursor = start
    return problems
