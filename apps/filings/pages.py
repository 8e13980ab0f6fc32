"""What the edit, read-only and print pages show: sections, fields, values, issues, computed.

Built in Python so the templates stay simple: each field gets its flattened input values
(formdata.flatten), its issues, its evidence, and for computed fields the explanation
(value, formula and inputs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .definitions import Computed, Field, Issue, Section, Template, compute, is_blank
from .definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES
from .formdata import flatten
from .models import Evidence, Filing
from .totals import FieldFigures


@dataclass
class FieldView:
    f: Field
    number: str
    inputs: dict[str, Any]
    issues: list[Issue]
    evidence: dict[str, list[Evidence]]
    computed: list[Computed]
    editable: bool
    filled: bool
    reason: str = ""
    raw: Any = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    figures: FieldFigures | None = None
    group_start: bool = False

    @property
    def anchor(self) -> str:
        return f"field-{self.f.key}"

    @property
    def dis(self) -> str:
        """The `disabled` attribute of the field's inputs when it may not be changed."""
        return "" if self.editable else "disabled"

    @property
    def kind_template(self) -> str:
        return f"filings/fields/{self.f.kind}.html"

    @property
    def unit_suffix(self) -> str:
        """“（万元）” after the label, unless the label already names its unit."""
        unit = self.f.unit
        if not unit or self.f.kind == "computed" or f"（{unit}）" in self.f.label:
            return ""
        return f"（{unit}）"

    @property
    def compact_options(self) -> bool:
        """Short checkbox lists without evidence or counts flow in columns (e.g. 产业领域)."""
        return self.f.kind == "checkboxes" and not any(o.evidence or o.count_unit for o in self.f.options)

    @property
    def invalid_inputs(self) -> list[str]:
        """Inputs to mark red: those the field's errors are about."""
        return sorted({n for i in self.errors if (n := issue_input(self.f, i))})

    @property
    def override_errors(self) -> list[Issue]:
        return [i for i in self.issues if i.code.startswith("override:")]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def get(self, name: str) -> Any:
        return self.inputs.get(name, "")


def issue_input(f: Field, issue: Issue) -> str:
    """The input name (formdata's scheme) an error is about, "" when it is about the whole field."""
    p = f"v:{f.key}"
    code = issue.code
    kind = f.kind
    if kind in ("text", "narrative", "date", "number", "choice"):
        return p
    if kind == "year_series" and issue.year is not None:
        return f"{p}:{issue.year}"
    if kind == "standards_matrix" and issue.year is not None and issue.column and "." in issue.column:
        cat, role = issue.column.split(".", 1)
        return f"{p}:{issue.year}:{cat}:{role}"
    if kind == "count_names" and issue.column in ("count", "names"):
        return f"{p}:{issue.column}"
    if kind == "checkboxes" and issue.option:
        if code.endswith(":count") or code.rsplit(":", 1)[-1] in ("nan", "int", "dp", "neg", "pct"):
            return f"{p}:count:{issue.option}"
        if code.endswith(":text"):
            return f"{p}:other_text"
    if kind == "target_table" and issue.row is not None and issue.column:
        if issue.row < len(f.rows):
            return f"{p}:fixed:{f.rows[issue.row].key}:{issue.column}"
        return f"{p}:added:{issue.row - len(f.rows)}:{issue.column}"
    if kind == "row_table" and issue.row is not None and issue.column:
        return f"{p}:rows:{issue.row}:{issue.column}"
    if kind == "declaration":
        if code.endswith(":date"):
            return f"{p}:date"
        if issue.row is not None and ":signer" in code:
            return f"{p}:sig:{issue.row}"
        if code.endswith(":agreed"):
            return f"{p}:agreed"
    return ""


@dataclass
class SectionView:
    s: Section
    fields: list[FieldView]

    @property
    def anchor(self) -> str:
        return f"section-{self.s.key}"

    @property
    def progress(self) -> tuple[int, int]:
        # Optional fields count only once filled, so a section can be complete without them; so
        # do the fields a reviewing authority fills (the applicant is not asked for them).
        countable = [
            fv
            for fv in self.fields
            if fv.f.kind != "computed" and ((fv.f.required and not fv.f.by_reviewer) or fv.filled)
        ]
        return sum(1 for fv in countable if fv.filled), len(countable)

    @property
    def error_count(self) -> int:
        return sum(len(fv.errors) for fv in self.fields)

    @property
    def done(self) -> bool:
        filled, total = self.progress
        return filled == total and self.error_count == 0


def _filled(f: Field, value: Any, evidence: Mapping[str, list[Evidence]]) -> bool:
    if f.kind == "attachment":
        return bool(evidence.get(f.key))
    if f.kind == "computed":
        return True
    if f.kind == "year_series":
        return isinstance(value, Mapping) and all(not is_blank(value.get(str(y))) for y in f.years)
    return not is_blank(value)


def build(
    filing: Filing,
    template: Template,
    data: Mapping[str, Any],
    issues: list[Issue],
    *,
    editable_keys: frozenset[str] | None,
    can_edit: bool,
    evidence: list[Evidence] | None = None,
    figures: Mapping[str, FieldFigures] | None = None,
) -> list[SectionView]:
    computed = compute(template, data)
    by_field: dict[str, list[Issue]] = {}
    for issue in issues:
        by_field.setdefault(issue.field, []).append(issue)
    ev_by_field: dict[str, dict[str, list[Evidence]]] = {}
    for item in evidence if evidence is not None else filing.evidence.all():
        ev_by_field.setdefault(item.field_key, {}).setdefault(item.slot, []).append(item)
    reasons = filing.return_reasons or {}
    sections = []
    for s in template.sections:
        views = []
        for i, f in enumerate(s.fields, start=1):
            value = data.get(f.key)
            comps = [c for k, c in computed.items() if k == f.key or k.startswith(f"{f.key}[")]
            ev = ev_by_field.get(f.key, {})
            fv = FieldView(
                f=f,
                number=str(i),
                inputs=flatten(f, value),
                issues=by_field.get(f.key, []),
                evidence=ev,
                computed=comps,
                editable=can_edit and (editable_keys is None or f.key in editable_keys),
                filled=_filled(f, value, ev),
                reason=reasons.get(f.key, "") if filing.status == "returned" else "",
                raw=value,
                figures=(figures or {}).get(f.key),
                group_start=bool(f.group) and (i == 1 or s.fields[i - 2].group != f.group),
            )
            if f.kind == "row_table":
                rows = list((value or {}).get("rows") or []) if isinstance(value, Mapping) else []
                fv.rows = rows + [{}] * max(1, f.min_rows - len(rows))
            if f.kind == "target_table":
                added = list((value or {}).get("added") or []) if isinstance(value, Mapping) else []
                fv.added = added
            views.append(fv)
        sections.append(SectionView(s, views))
    return sections


STANDARDS = {"categories": STANDARD_CATEGORIES, "roles": STANDARD_ROLES}
