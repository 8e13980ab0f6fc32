"""填写方 overlays (`<code>/<version>.filled_by.yaml`): an older published version, whose file
cannot change, gets its reviewer's fields assigned (filled_by) by a small data file beside it,
applied by the loader, checked by check_templates and hashed in PUBLISHED.sha256 like templates."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.filings.definitions import load_template
from apps.filings.definitions.loader import check_template_text
from apps.filings.definitions.manifest import read_manifest

from .demo_texts import demo_template

HEAD = demo_template(
    "- {key: opinion, label: 区级中小企业主管部门推荐意见, kind: text, max_chars: 100, required: false}",
    "- key: declaration\n  label: 真实性声明\n  kind: declaration\n"
    "  statement: 本单位承诺所填内容真实。\n  signers: [单位负责人（签字）]",
)
OVERLAY = """\
code: demo
version: "1"
source: 原表推荐意见栏“由区级中小企业主管部门填写”
fields:
  opinion: district
"""


def _check(overlay: str) -> tuple[object, list[str]]:
    template, problems = check_template_text(HEAD, "demo/1.yaml", overlay=(overlay, "demo/1.filled_by.yaml"))
    return template, [str(p) for p in problems]


def test_an_overlay_assigns_the_reviewers_field_and_changes_nothing_else() -> None:
    template, problems = _check(OVERLAY)
    assert problems == []
    plain, _ = check_template_text(HEAD, "demo/1.yaml")
    opinion, before = template.field("opinion"), plain.field("opinion")  # type: ignore[attr-defined]
    assert opinion.filled_by == "district" and before.filled_by == "applicant"
    assert (opinion.label, opinion.required, opinion.max_chars) == (before.label, before.required, before.max_chars)
    assert template.field("name").filled_by == "applicant"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            OVERLAY.replace("opinion: district", "seal: district"),
            "demo/1.filled_by.yaml:5: fields.seal: 模板 1 版本中没有字段“seal”",
        ),
        (
            OVERLAY.replace("opinion: district", "opinion: applicant"),
            "填写方“applicant”不在允许范围内，应为：district（区级中小企业主管部门）",
        ),
        (
            OVERLAY.replace('version: "1"', 'version: "2"'),
            "demo/1.filled_by.yaml:1: code: 填写方补充文件应对应 demo 的 1 版本",
        ),
        (OVERLAY.replace("source:", "sauce:"), "不认识的属性“sauce”"),
        (OVERLAY + "  declaration: district\n", "“真实性声明”是声明，只能由申报（填报）单位填写"),
    ],
)
def test_a_wrong_overlay_is_refused_naming_the_file_line_and_field(overlay: str, message: str) -> None:
    _template, problems = _check(overlay)
    assert any(message in p for p in problems), problems


def test_the_published_2025_files_load_with_their_overlays_and_keep_their_own_hash() -> None:
    root = Path(settings.BASE_DIR) / "data" / "form_templates"
    expected = {
        ("sh_municipal_application", "2025"): {"district_recommendation": "district"},
        ("sh_municipal_application", "2020-2022"): {
            "district_recommendation": "district",
            "district_recommendation_seal": "district",
        },
        ("sh_annual_report", "2025"): dict.fromkeys(
            ("district_assessment", "district_seal", "district_date"), "district"
        ),
        ("national_application", "2025"): dict.fromkeys(
            ("provincial_recommendation", "provincial_recommendation_seal", "provincial_recommendation_date"),
            "province",
        ),
        ("national_rereview", "2025"): dict.fromkeys(
            ("provincial_review_opinion", "provincial_review_seal", "provincial_review_date"), "province"
        ),
    }
    listed = read_manifest()
    for (code, version), parties in expected.items():
        template = load_template(code, version)
        assert {k: f.filled_by for k, f in template.fields.items() if f.by_reviewer} == parties, (code, version)
        raw = (root / code / f"{version}.yaml").read_bytes()
        assert template.sha256 == hashlib.sha256(raw).hexdigest() == listed[f"{code}/{version}.yaml"]
        overlay = (root / code / f"{version}.filled_by.yaml").read_bytes()
        assert (
            template.overlay_sha256 == hashlib.sha256(overlay).hexdigest() == listed[f"{code}/{version}.filled_by.yaml"]
        )


def test_check_templates_wants_the_overlay_of_a_published_version_listed_and_unchanged(
    tmp_path: Path, settings: object
) -> None:
    src = Path(settings.BASE_DIR) / "data" / "form_templates"  # type: ignore[attr-defined]
    root = tmp_path / "form_templates"
    (root / "sh_annual_report").mkdir(parents=True)
    shutil.copy(src / "sh_annual_report" / "2025.yaml", root / "sh_annual_report" / "2025.yaml")
    shutil.copy(src / "sh_annual_report" / "2025.filled_by.yaml", root / "sh_annual_report" / "2025.filled_by.yaml")
    settings.FORM_TEMPLATES_DIR = root  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("check_templates")  # neither file listed yet
    call_command("check_templates", "--publish")
    assert set(read_manifest(root / "PUBLISHED.sha256")) == {
        "sh_annual_report/2025.yaml",
        "sh_annual_report/2025.filled_by.yaml",
    }
    overlay = root / "sh_annual_report" / "2025.filled_by.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("  district_date: district\n", ""), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("check_templates")  # a published overlay was changed
    (root / "sh_annual_report" / "2024.filled_by.yaml").write_text(OVERLAY, encoding="utf-8")
    overlay.write_text((src / "sh_annual_report" / "2025.filled_by.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("check_templates")  # an overlay without its template
