"""申报主体 (`applicant`): a template says who applies with it (operator / county); the published
national files, which cannot change, say it through `<code>/<version>.applicant.yaml` overlays,
validated by the loader and check_templates and hashed in PUBLISHED.sha256."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.filings.definitions import current_templates, list_templates, load_template
from apps.filings.definitions.loader import check_template_text
from apps.filings.definitions.manifest import read_manifest

from .demo_texts import demo_template

HEAD = demo_template()
OVERLAY = """\
code: demo
version: "1"
source: 工信厅企业函〔2025〕77号 一（一）
applicant: county
"""


def _check(head: str = HEAD, overlay: str | None = None) -> tuple[object, list[str]]:
    template, problems = check_template_text(
        head, "demo/1.yaml", applicant_overlay=(overlay, "demo/1.applicant.yaml") if overlay else None
    )
    return template, [str(p) for p in problems]


def test_a_template_without_applicant_is_the_operators_and_one_may_name_the_county() -> None:
    template, problems = _check()
    assert problems == [] and template.applicant == "operator"  # type: ignore[attr-defined]
    template, problems = _check(HEAD.replace("status: published\n", "status: published\napplicant: county\n"))
    assert problems == [] and template.applicant == "county"  # type: ignore[attr-defined]


def test_an_unknown_applicant_in_a_template_is_named_in_chinese() -> None:
    _template, problems = _check(HEAD.replace("status: published\n", "status: published\napplicant: city\n"))
    assert problems == [
        "demo/1.yaml:6: applicant: 申报主体“city”不在允许范围内，应为：operator（集群运营管理机构）、"
        "county（县级（区级）中小企业主管部门）"
    ]


def test_the_overlay_sets_the_applicant_of_a_published_file() -> None:
    template, problems = _check(overlay=OVERLAY)
    assert problems == [] and template.applicant == "county"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (OVERLAY.replace("applicant: county", "applicant: city"), "demo/1.applicant.yaml:4: applicant: 申报主体“city”"),
        (
            OVERLAY.replace('version: "1"', 'version: "2"'),
            "code: 申报主体补充文件应对应 demo 的 1 版本",
        ),
        (OVERLAY + "fields: {}\n", "demo/1.applicant.yaml:5: fields: 不认识的属性“fields”"),
        (OVERLAY.replace("applicant: county\n", ""), "缺少必填属性“applicant”"),
    ],
)
def test_a_wrong_overlay_is_refused_naming_its_file_and_line(overlay: str, message: str) -> None:
    template, problems = _check(overlay=overlay)
    assert template is None and any(message in p for p in problems), problems


def test_the_overlay_cannot_contradict_the_templates_own_applicant() -> None:
    head = HEAD.replace("status: published\n", "status: published\napplicant: operator\n")
    template, problems = _check(head, OVERLAY)
    assert template is None and problems == [
        "demo/1.applicant.yaml:4: applicant: 模板中已写明申报主体为 operator，补充文件不能另行规定"
    ]


def test_the_published_national_forms_are_the_countys_and_their_overlays_are_listed() -> None:
    root = Path(settings.BASE_DIR) / "data" / "form_templates"
    listed = read_manifest()
    for code in ("national_application", "national_rereview"):
        for version in ("2025", "2025.2"):
            template = load_template(code, version)
            overlay = (root / code / f"{version}.applicant.yaml").read_bytes()
            assert template.applicant == "county"
            assert template.applicant_overlay_sha256 == hashlib.sha256(overlay).hexdigest()
            assert listed[f"{code}/{version}.applicant.yaml"] == template.applicant_overlay_sha256
    by_code = {(t.code, t.version): t.applicant for t in list_templates()}
    assert by_code[("national_application", "2025")] == "county"
    assert {t.code for t in current_templates() if t.applicant == "operator"} >= {
        "sh_municipal_application",
        "sh_annual_report",
        "sh_service_evaluation",
    }


def test_check_templates_wants_a_published_versions_applicant_overlay_listed_and_unchanged(
    tmp_path: Path, settings: object
) -> None:
    src = Path(settings.BASE_DIR) / "data" / "form_templates"  # type: ignore[attr-defined]
    root = tmp_path / "form_templates"
    (root / "national_rereview").mkdir(parents=True)
    for name in ("2025.2.yaml", "2025.2.applicant.yaml"):
        shutil.copy(src / "national_rereview" / name, root / "national_rereview" / name)
    settings.FORM_TEMPLATES_DIR = root  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("check_templates")  # neither file listed yet
    call_command("check_templates", "--publish")
    assert set(read_manifest(root / "PUBLISHED.sha256")) == {
        "national_rereview/2025.2.yaml",
        "national_rereview/2025.2.applicant.yaml",
    }
    call_command("check_templates")
    overlay = root / "national_rereview" / "2025.2.applicant.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("county", "operator"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("check_templates")  # a published overlay was changed
    overlay.write_text((src / "national_rereview" / "2025.2.applicant.yaml").read_text(encoding="utf-8"), "utf-8")
    (root / "national_rereview" / "2024.applicant.yaml").write_text(OVERLAY, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("check_templates")  # an overlay without its template
