"""Typed, immutable view of a loaded form template (表单模板)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Severity = Literal["error", "warning"]

YES_NO = (("yes", "是"), ("no", "否"))
STANDARD_CATEGORIES = (("international", "国际"), ("national", "国家"), ("industry", "行业"), ("group", "团体"))
STANDARD_ROLES = (("lead", "主持数量"), ("participate", "参与数量"))
NONE_MARK = "无"

# 填写方 (who fills a field), the names of the review workflows' roles: `applicant` is the party
# that fills the form (the operator in the municipal and annual flows, the county department in
# the national flows); the others are the reviewing authorities that fill their opinion.
FILLED_BY_PARTIES: dict[str, str] = {
    "applicant": "申报（填报）单位",
    "district": "区级中小企业主管部门",
    "city": "市经济信息化委",
    "province": "省级中小企业主管部门",
}
APPLICANT = "applicant"

# 申报（填报）主体 (who the applicant of a form is, a template attribute `applicant`): the cluster's
# operator, or — the national application and re-review, 工信厅企业函〔2025〕77号 一（一）、二（一）
# — the county department. The same keys as apps.filings.models.ApplicantKind.
APPLICANT_KINDS: dict[str, str] = {
    "operator": "集群运营管理机构",
    "county": "县级（区级）中小企业主管部门",
}
DEFAULT_APPLICANT = "operator"

# 填报对象 (what a form is about, a template attribute `subject`): one cluster (the default: every
# application, report and evaluation), or — the Shanghai district summary, 沪经信企〔2025〕73号
# 附件2, written by the district department about its clusters as a whole — the district itself.
SUBJECT_KINDS: dict[str, str] = {
    "cluster": "集群",
    "district": "区（县）",
}
DEFAULT_SUBJECT = "cluster"

NUMERIC_KINDS = frozenset({"number", "year_series", "count_names", "standards_matrix", "computed"})


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    text: bool = False  # 其他：takes a text
    evidence: bool = False  # a checked box needs evidence
    count_unit: str = ""  # "□ 开展人才资源对接活动 __ 次": the option carries a number
    count_indicator: str = ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str
    group: str = ""
    unit: str = ""
    signed: bool = False
    max_chars: int | None = None
    options: tuple[Option, ...] = ()
    required: bool = True
    total: bool = False
    help: str = ""
    growth_of: tuple[str, ...] = ()  # 增幅 column: (earlier, later) columns it must agree with
    max_items: int | None = None  # “主导产品（不超过3个）”: at most n items separated by 、，;

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "count", "percent", "year")


@dataclass(frozen=True)
class TargetRow:
    key: str
    direction: str  # 方向; "" where the original's table has no 方向 column
    label: str
    indicator: str = ""
    unit: str = ""
    qualitative: bool = False


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    section_key: str
    path: str  # sections[2].fields[5]
    required: bool = True
    allow_none: bool = True
    filled_by: str = APPLICANT  # 填写方: a key of FILLED_BY_PARTIES
    group: str = ""  # the original's row-group label, e.g. 创新平台建设情况
    item: str = ""  # second-level row label (项目) where one item holds several fields, e.g. 人员建设
    help: str = ""
    footnote: str = ""
    note: str = ""
    indicator: str = ""
    unit: str = ""
    decimals: int = 2
    signed: bool = False
    years: tuple[int, ...] = ()
    max_chars: int | None = None
    evidence: bool = False
    evidence_pages: bool = False  # the original has a 佐证页码 cell: cited from the evidence's pages in the dossier
    options: tuple[Option, ...] = ()
    visible_when: str = ""
    required_when: str = ""
    formula: str = ""
    inputs: tuple[tuple[str, str], ...] = ()
    per_year: bool = False
    columns: tuple[Column, ...] = ()
    rows: tuple[TargetRow, ...] = ()
    min_rows: int = 0
    max_rows: int | None = None
    allow_added_rows: bool = False
    added_row_directions: tuple[str, ...] = ()  # 方向 under which the original leaves “......” rows to add
    statement: str = ""
    signers: tuple[str, ...] = ()

    @property
    def by_reviewer(self) -> bool:
        """Filled by a reviewing authority, not by the applicant (区/市/省级主管部门填写)."""
        return self.filled_by != APPLICANT

    @property
    def filled_by_note(self) -> str:
        """“由区级中小企业主管部门填写” for a reviewer's field, "" for the applicant's."""
        return f"由{FILLED_BY_PARTIES[self.filled_by]}填写" if self.by_reviewer else ""

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def is_count(self) -> bool:
        return self.decimals == 0

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: str
    fields: tuple[Field, ...]
    help: str = ""
    max_chars: int | None = None
    points: int | None = None  # 分值 of the section in a scored form (评价表), e.g. 规范化服务（10分）
    filled_by: str = APPLICANT  # default 填写方 of the section's fields

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}" if self.number else self.title


@dataclass(frozen=True)
class Rule:
    key: str
    check: str
    severity: Severity
    message: str
    fields: tuple[str, ...]
    when: str = ""
    per_year: bool = False
    years: tuple[int, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Template:
    code: str
    version: str
    title: str
    source: str
    status: str
    data_years: tuple[int, ...]
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    subtitle: str = ""
    authority: str = ""
    filled_by: str = ""
    target_years: tuple[int, ...] = ()
    reference_year: int | None = None
    allow_none: bool = True
    instructions: tuple[str, ...] = ()
    indicator_notes: tuple[str, ...] = ()
    sha256: str = ""
    file: str = ""
    overlay_sha256: str = ""  # its 填写方 overlay (<code>/<version>.filled_by.yaml), if any
    applicant: str = DEFAULT_APPLICANT  # 申报（填报）主体: a key of APPLICANT_KINDS
    applicant_overlay_sha256: str = ""  # its 申报主体 overlay (<code>/<version>.applicant.yaml), if any
    subject: str = DEFAULT_SUBJECT  # 填报对象: a key of SUBJECT_KINDS
    subject_overlay_sha256: str = ""  # its 填报对象 overlay (<code>/<version>.subject.yaml), if any
    _fields: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def fields(self) -> dict[str, Field]:
        """Every field by key, in the order of the original."""
        return self._fields

    def field(self, key: str) -> Field:
        return self._fields[key]

    def keys_filled_by(self, party: str) -> list[str]:
        """Keys of the fields `party` fills (FILLED_BY_PARTIES), in the order of the original."""
        return [k for k, f in self._fields.items() if f.filled_by == party]

    @property
    def reviewer_parties(self) -> list[str]:
        """The reviewing parties that fill part of this form (e.g. ["district"])."""
        return list(dict.fromkeys(f.filled_by for f in self._fields.values() if f.by_reviewer))


@dataclass(frozen=True)
class Issue:
    """One validation finding. `code` identifies it so a warning can be explained."""

    field: str
    severity: Severity
    message: str
    code: str
    year: int | None = None
    row: int | None = None
    column: str | None = None
    option: str | None = None
    explained: bool = False

    @property
    def blocking(self) -> bool:
        """Blocks submission: every error, and a warning nobody explained."""
        return self.severity == "error" or not self.explained


@dataclass(frozen=True)
class Computed:
    """A computed value that explains itself."""

    key: str
    label: str
    value: Decimal | None
    formula: str
    inputs: dict[str, dict[str, Any]]
    explanation: str
    unit: str = ""
    year: int | None = None
    missing: tuple[str, ...] = ()
