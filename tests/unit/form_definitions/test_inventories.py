"""Each template against a checked-in inventory of the original's section titles and row labels.

An inventory line is `§ <section heading>`, `# <row group>` or a field label, in the order of
the original; a row missing from (or added to) the template fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.filings.definitions import Template, list_templates, load_template

INVENTORIES = Path(__file__).parent / "inventories"


def inventory_of(template: Template) -> list[str]:
    lines: list[str] = []
    for section in template.sections:
        lines.append(f"§ {section.heading}")
        group = ""
        for field in section.fields:
            if field.group and field.group != group:
                lines.append(f"# {field.group}")
            group = field.group
            lines.append(field.label)
            lines.extend(f"  - {row.direction}｜{row.label}" for row in field.rows)
    return lines


def _templates_with_inventory() -> list[tuple[str, str]]:
    return [(i.code, i.version) for i in list_templates() if (INVENTORIES / f"{i.code}_{i.version}.txt").is_file()]


@pytest.mark.parametrize(("code", "version"), _templates_with_inventory())
def test_template_holds_every_row_of_the_original_in_order(code: str, version: str) -> None:
    expected = (INVENTORIES / f"{code}_{version}.txt").read_text(encoding="utf-8").splitlines()
    expected = [line for line in expected if line.strip() and not line.startswith(";")]
    assert inventory_of(load_template(code, version)) == expected


def test_every_template_has_an_inventory() -> None:
    missing = [
        f"{i.code}_{i.version}" for i in list_templates() if not (INVENTORIES / f"{i.code}_{i.version}.txt").is_file()
    ]
    assert missing == []


def test_a_missing_row_fails_the_comparison() -> None:
    template = load_template("sh_municipal_application", "2025")
    lines = inventory_of(template)
    expected = (INVENTORIES / "sh_municipal_application_2025.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [line for line in expected if line.strip() and not line.startswith(";")]
    assert lines[:-1] != [line for line in expected if line.strip() and not line.startswith(";")]
