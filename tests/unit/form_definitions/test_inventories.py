"""Each template against an inventory transcribed from the SOURCE text of its original.

`inventories/<code>_<version>.txt` lists, in the order of the source document, the section
headings, row labels, options, column headers, notes and 填报说明 of the original, copied from
the extracted text in `sources/` (public government documents, copied from the project's
reference folder). Two checks make a missing or invented row fail:

1. every inventory line occurs in the source text (within the line range named in the file's
   header), in the order of the file — so no line can be invented or shuffled;
2. every inventory line is found in the template, in order — so no row of the original can be
   missing from the template or stand in the wrong place.

Text is compared after normalising what the text extraction garbles: Unicode NFKC (full-width
brackets and colons), no whitespace at all (line breaks inside a label), a trailing colon.

Inventory syntax (one item a line; `;` starts a comment line):
  ; source: <file> <first line>-<last line>   the part of the source that holds this form
  § <heading>      a section heading, e.g. “§ 一、基本情况” (matched against section headings)
  i <text>         a 填报说明 / 部分指标填报说明 item without its number (template instructions)
  ^ <text>         a footnote text; listed right after the row that cites it, so exempt from the
                   order check against the source (the extraction prints footnotes at page ends)
  ~ <text>         a label the extraction printed out of reading order (merged table cell);
                   must still occur in the source range, but is exempt from the order check
  <text>           anything else: a row label, option, column header, note or help paragraph
A footnote reference inside a label is written `[^n]`, e.g. `集群占地面积[^2]（平方公里）`: the
source check reads it as the digit the extraction left in the label, the template check drops it.
The template is read as a sequence of units — the cover/title, each section (heading, help) and
each field (group, item, label, help lines, note, footnote, options, columns, rows, statement,
signers) — and inventory lines must match pieces of these units in order (within one field the
pieces may come in any order: the extraction reads merged cells differently).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from apps.filings.definitions import Template, list_templates, load_template

HERE = Path(__file__).parent
INVENTORIES = HERE / "inventories"
ROOT = HERE.parents[2]
SOURCES = ROOT / "data" / "reference"
REFERENCE = ROOT.parent / "shared" / "reference"  # the originals, when mounted beside the checkout
_FOOTREF = re.compile(r"\[\^(\d+)\]")
_SOURCE_RE = re.compile(r"^;\s*source:\s*(\S+)\s+(\d+)-(\d+)\s*$")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"_+", "_", text)  # a blank to fill, however long it was drawn
    return text.rstrip(":")


@dataclass(frozen=True)
class Line:
    number: int  # line number in the inventory file
    kind: str  # "section" | "instruction" | "footnote" | "loose" | "row"
    text: str

    @property
    def for_template(self) -> str:
        return norm(_FOOTREF.sub("", self.text))

    @property
    def for_source(self) -> str:
        return norm(_FOOTREF.sub(r"\1", self.text))


@dataclass(frozen=True)
class Inventory:
    source: str
    first: int
    last: int
    lines: tuple[Line, ...]


def read_inventory(path: Path) -> Inventory:
    source, first, last = "", 0, 0
    lines: list[Line] = []
    kinds = {"§": "section", "i": "instruction", "^": "footnote", "~": "loose"}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.startswith(";"):
            m = _SOURCE_RE.match(raw)
            if m:
                source, first, last = m.group(1), int(m.group(2)), int(m.group(3))
            continue
        head, _, rest = raw.partition(" ")
        if head in kinds and rest.strip():
            lines.append(Line(n, kinds[head], rest.strip()))
        else:
            lines.append(Line(n, "row", raw.strip()))
    assert source, f"{path.name}: header line “; source: <file> <first>-<last>” is missing"
    return Inventory(source, first, last, tuple(lines))


def source_text(inv: Inventory) -> str:
    lines = (SOURCES / inv.source).read_text(encoding="utf-8").splitlines()
    return norm("".join(lines[inv.first - 1 : inv.last]))


def source_problems(inv: Inventory) -> list[str]:
    """Inventory lines that are not in the source range, or not in its order."""
    text = source_text(inv)
    problems: list[str] = []
    pos = 0
    for line in inv.lines:
        needle = line.for_source
        if needle not in text:
            problems.append(f"第{line.number}行“{line.text}”不在原文（{inv.source} 第{inv.first}–{inv.last}行）中")
            continue
        if line.kind in ("footnote", "loose"):
            continue
        found = text.find(needle, pos)
        if found < 0:
            problems.append(f"第{line.number}行“{line.text}”与原文顺序不符（原文中出现在前一条之前）")
            continue
        pos = found + len(needle)
    return problems


# —— the template as a sequence of units of pieces ——
@dataclass(frozen=True)
class Unit:
    name: str
    headings: frozenset[str]
    pieces: tuple[str, ...]


def _lines(text: str) -> list[str]:
    return [t for t in text.split("\n") if t.strip()]


def template_units(template: Template) -> list[Unit]:
    has_cover = bool(template.sections) and not template.sections[0].number
    front = (
        (template.title, template.subtitle) if has_cover else (template.title, template.subtitle, template.authority)
    )
    units = [Unit("(标题)", frozenset(), tuple(p for p in front if p))]
    for si, s in enumerate(template.sections):
        if si == 1 and has_cover and template.authority:  # “××× 制” closes the cover page
            units.append(Unit("(制表单位)", frozenset(), (template.authority,)))
        heading = f"{s.number}、{s.title}" if s.number else s.title
        units.append(Unit(f"§{s.key}", frozenset({norm(heading)}), tuple(_lines(s.help))))
        for f in s.fields:
            pieces = [f.group, f.item, f.label, *_lines(f.help), *_lines(f.note), f.footnote, *_lines(f.statement)]
            if f.kind == "narrative" and f.max_chars:
                pieces.append(f"{f.label}（{f.max_chars}字以内）")
            pieces += [o.label for o in f.options]
            for c in f.columns:
                pieces += [c.group, c.label, c.help]
            if f.kind == "target_table":
                pieces += ["方向", "指标"]  # the fixed head of every target table
            if f.kind == "row_table":
                pieces.append("序号")  # every row table numbers its rows
            for r in f.rows:  # the print adds a row's unit to its label: 集群营业收入（亿元）
                pieces += [r.direction, r.label, f"{r.label}（{r.unit}）" if r.unit else ""]
            pieces += list(f.added_row_directions)
            pieces += list(f.signers)
            units.append(Unit(f.key, frozenset(), tuple(p for p in pieces if p)))
    return units


def template_problems(template: Template, inv: Inventory) -> list[str]:
    """Inventory lines the template lacks, or holds out of order."""
    units = template_units(template)
    normed = [(u, [norm(p) for p in u.pieces]) for u in units]
    problems: list[str] = []
    at, used = 0, set()  # current unit and the pieces of it already matched
    for line in (ln for ln in inv.lines if ln.kind != "instruction"):
        want = line.for_template
        hit = None
        for ui in range(at, len(normed)):
            unit, pieces = normed[ui]
            if line.kind == "section":
                if want in unit.headings:
                    hit = (ui, -1)
                    break
                continue
            for pi, piece in enumerate(pieces):
                if piece == want and not (ui == at and pi in used):
                    hit = (ui, pi)
                    break
            if hit:
                break
        if hit is None:
            where = normed[at][0].name if at < len(normed) else "末尾"
            problems.append(f"第{line.number}行“{line.text}”在模板中（{where} 之后）找不到")
            continue
        if hit[0] != at:
            at, used = hit[0], set()
        used.add(hit[1])
    wanted = [ln for ln in inv.lines if ln.kind == "instruction"]
    have = [norm(t) for t in (*template.instructions, *template.indicator_notes)]
    i = 0
    for line in wanted:
        while i < len(have) and have[i] != line.for_template:
            i += 1
        if i == len(have):
            problems.append(f"第{line.number}行填报说明“{line.text[:30]}…”在模板的填报说明中找不到（或顺序不符）")
            i = 0
        else:
            i += 1
    return problems


def _templates_with_inventory() -> list[tuple[str, str]]:
    return [(i.code, i.version) for i in list_templates() if (INVENTORIES / f"{i.code}_{i.version}.txt").is_file()]


@pytest.mark.parametrize(("code", "version"), _templates_with_inventory())
def test_every_inventory_line_is_in_the_source_text_in_order(code: str, version: str) -> None:
    inv = read_inventory(INVENTORIES / f"{code}_{version}.txt")
    assert source_problems(inv) == []


@pytest.mark.parametrize(("code", "version"), _templates_with_inventory())
def test_template_holds_every_row_of_the_original_in_order(code: str, version: str) -> None:
    inv = read_inventory(INVENTORIES / f"{code}_{version}.txt")
    assert template_problems(load_template(code, version), inv) == []


def test_every_template_has_an_inventory() -> None:
    missing = [
        f"{i.code}_{i.version}" for i in list_templates() if not (INVENTORIES / f"{i.code}_{i.version}.txt").is_file()
    ]
    assert missing == []


def test_every_inventory_names_its_template() -> None:
    known = {f"{i.code}_{i.version}.txt" for i in list_templates()}
    assert sorted(p.name for p in INVENTORIES.glob("*.txt") if p.name not in known) == []


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the project's reference folder is not mounted here")
def test_source_copies_are_the_reference_documents() -> None:
    for path in SOURCES.glob("*.txt"):
        assert path.read_bytes() == (REFERENCE / path.name).read_bytes(), path.name


# —— the checks can fail ——
def _without_field(template: Template, key: str) -> Template:
    sections = tuple(replace(s, fields=tuple(f for f in s.fields if f.key != key)) for s in template.sections)
    return replace(template, sections=sections)


def test_a_template_missing_one_row_fails_its_inventory() -> None:
    template = load_template("sh_annual_report", "2025")
    inv = read_inventory(INVENTORIES / "sh_annual_report_2025.txt")
    assert template_problems(template, inv) == []
    problems = template_problems(_without_field(template, "leading_industry_changed"), inv)
    assert len(problems) == 1 and "主导产业是否发生变更" in problems[0]


def test_a_missing_checkbox_option_fails_the_inventory() -> None:
    template = load_template("sh_municipal_application", "2025")
    inv = read_inventory(INVENTORIES / "sh_municipal_application_2025.txt")
    sections = []
    for s in template.sections:
        fields = tuple(
            replace(f, options=tuple(o for o in f.options if o.key != "cultivation_mechanism"))
            if f.key == "chain_cultivation"
            else f
            for f in s.fields
        )
        sections.append(replace(s, fields=fields))
    problems = template_problems(replace(template, sections=tuple(sections)), inv)
    assert len(problems) == 1 and "建立了产业链培育机制" in problems[0]


def test_rows_in_the_wrong_order_fail_the_inventory() -> None:
    template = load_template("national_application", "2025")
    inv = read_inventory(INVENTORIES / "national_application_2025.txt")
    moved = []
    for s in template.sections:
        fields = list(s.fields)
        keys = [f.key for f in fields]
        if "output_share_of_county" in keys:
            i, j = keys.index("output_value"), keys.index("output_share_of_county")
            fields[i], fields[j] = fields[j], fields[i]
        moved.append(replace(s, fields=tuple(fields)))
    problems = template_problems(replace(template, sections=tuple(moved)), inv)
    assert problems and "集群总产值占所在县级行政区划工业总产值比例" in problems[0]


def test_an_invented_or_shuffled_inventory_line_fails_the_source_check(tmp_path: Path) -> None:
    original = (INVENTORIES / "sh_district_summary_2025.txt").read_text(encoding="utf-8")
    invented = tmp_path / "invented.txt"
    invented.write_text(original.replace("四、存在问题\n", "四、存在问题\n四点五、亮点工作\n"), encoding="utf-8")
    [problem] = source_problems(read_inventory(invented))
    assert "四点五、亮点工作" in problem and "不在原文" in problem
    shuffled = tmp_path / "shuffled.txt"
    shuffled.write_text(
        original.replace("§ 五、2025年工作计划\n§ 六、工作建议", "§ 六、工作建议\n§ 五、2025年工作计划"),
        encoding="utf-8",
    )
    assert any("顺序不符" in p for p in source_problems(read_inventory(shuffled)))


def test_a_line_from_another_attachment_is_not_accepted() -> None:
    inv = read_inventory(INVENTORIES / "sh_annual_report_2025.txt")
    foreign = replace(inv, lines=(*inv.lines, Line(999, "row", "主导产业所属产业领域")))  # only in 附件4
    assert any("主导产业所属产业领域" in p for p in source_problems(foreign))


def test_footnote_references_are_read_as_digits_in_the_source_and_dropped_for_the_template() -> None:
    line = Line(1, "row", "集群占地面积[^2]（平方公里）")
    assert line.for_source == "集群占地面积2(平方公里)"
    assert line.for_template == "集群占地面积(平方公里)"
