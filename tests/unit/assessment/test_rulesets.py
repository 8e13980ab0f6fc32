"""Rule sets are data: wording quoted verbatim, comparison words read from the wording,
published files frozen by the manifest, unverified sets visibly marked."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from apps.assessment import rulesets as R
from apps.assessment.dossier import Dossier
from apps.assessment.engine import Engine

ALL = sorted(R.RULESET_DIR.glob("*/*.yaml"))
EXAMPLE = Path(R.RULESET_DIR).parent / "examples" / "dossier_example.json"


def _quotes() -> list[tuple[str, str, str, str]]:
    out = []
    for rs in R.file_rulesets().values():
        for rule in rs.rules:
            for src in [rule.legal_basis] + ([rule.footnote] if rule.footnote else []):
                if src.get("wording"):
                    out.append((rs.id, rule.id, rs.documents[src["document"]].get("file", ""), src["wording"]))
    return out


@pytest.mark.parametrize(("ruleset_id", "rule_id", "file", "wording"), _quotes())
def test_each_quoted_wording_is_found_verbatim_in_the_reference_documents(
    ruleset_id: str, rule_id: str, file: str, wording: str
) -> None:
    assert file, f"{ruleset_id} {rule_id}: 引用原文的文件未登记"
    text = (R.REFERENCE_DIR / file).read_text(encoding="utf-8")
    assert R.normalise(wording) in R.normalise(text), f"{rule_id}: “{wording}”不在 {file} 中"


def test_the_verbatim_check_would_catch_a_paraphrase() -> None:
    text = (R.REFERENCE_DIR / "002_b80daf14075b9403.txt").read_text(encoding="utf-8")
    assert R.normalise("近三年产值均在30亿元以上") in R.normalise(text)
    assert R.normalise("近三年产值均不低于30亿元") not in R.normalise(text)


def test_every_rule_without_quoted_wording_belongs_to_a_set_marked_to_be_verified() -> None:
    for rs in R.file_rulesets().values():
        for rule in rs.rules:
            if not rule.legal_basis.get("wording"):
                assert rs.verification == "待核实", rule.id
    national = R.get_ruleset("national-recognition-2022-v1")
    assert not national.is_verified and national.verification_note


def test_all_published_rule_set_files_match_the_manifest() -> None:
    manifest = R.read_manifest()
    for path in ALL:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        rel = path.relative_to(R.RULESET_DIR).as_posix()
        if content.get("status") == "published":
            assert manifest.get(rel) == R.file_hash(path), rel


def test_a_published_file_changed_after_publishing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = R.RULESET_DIR / "example_province_recognition" / "2024-v1.yaml"
    folder = tmp_path / "example_province_recognition"
    folder.mkdir()
    target = folder / "2024-v1.yaml"
    target.write_text(src.read_text(encoding="utf-8").replace('threshold: "10"', 'threshold: "8"'), encoding="utf-8")
    monkeypatch.setattr(R, "RULESET_DIR", tmp_path)
    manifest = {"example_province_recognition/2024-v1.yaml": R.file_hash(src)}
    with pytest.raises(R.RuleSetError, match="哈希不符"):
        R.load_file(target, manifest)


def test_comparison_word_must_appear_in_the_quoted_wording() -> None:
    content = yaml.safe_load((R.RULESET_DIR / "sh_recognition" / "2025-v1.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in content["rules"] if r["id"] == "sh.6.2.output")
    rule["check"]["word"] = "高于"
    with pytest.raises(R.RuleSetError, match="未出现在依据原文中"):
        R.validate_rule(rule, content["documents"])


def test_unknown_indicator_code_in_a_rule_is_refused() -> None:
    content = yaml.safe_load((R.RULESET_DIR / "sh_recognition" / "2025-v1.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in content["rules"] if r["id"] == "sh.6.2.output")
    rule["check"]["value"] = "output_valeu"
    with pytest.raises(R.RuleSetError, match="不在指标目录中"):
        R.validate_rule(rule, content["documents"])


def test_provincial_example_is_just_another_rule_set_with_lower_thresholds() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    data["indicators"]["output_value"] = {"2022": "12.00", "2023": "13.00", "2024": "14.00"}
    data["indicators"].pop("output_cagr")
    d = Dossier.from_dict(data)
    prov = Engine(R.get_ruleset("example-province-recognition-2024-v1")).evaluate(d)
    sh = Engine(R.get_ruleset("sh-recognition-2025-v1")).evaluate(Dossier.from_dict(data))
    assert next(r for r in prov.results if r.rule_id == "prov.output").status == "pass"
    assert next(r for r in sh.results if r.rule_id == "sh.6.2.output").status == "fail"


def test_national_leading_share_uses_strict_gaoyu_without_a_conflict() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    data["indicators"]["leading_industry_output_share"] = {"2024": "70.00"}
    result = Engine(R.get_ruleset("national-recognition-2022-v1")).evaluate(Dossier.from_dict(data))
    r = next(x for x in result.results if x.rule_id == "nat.leading_share")
    assert r.status == "fail"
    assert "条文原文待核实" in r.explanation
