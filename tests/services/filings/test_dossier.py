"""A filing as the assessment engine's dossier, and the self-check on the edit page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from apps.assessment.dossier import Dossier
from apps.assessment.sources import latest_dossier
from apps.filings import dossier, services
from apps.filings.definitions import load_template
from tests import factories_filings as ff


@pytest.fixture
def template() -> Any:
    return load_template(ff.SH_APPLICATION, ff.SH_APPLICATION_VERSION)


def test_the_shanghai_2025_mapping_names_only_existing_fields_rows_and_rule_sets(template: Any) -> None:
    mapping = dossier.dossier_map(template.code, template.version)
    assert mapping is not None
    assert dossier.check_map(mapping, template) == []
    assert mapping.rulesets == ("sh-recognition-2025-v1", "sh-targets-2025-v1")


def test_a_mapping_naming_a_missing_field_or_rule_set_is_reported(template: Any, tmp_path: Path, db: None) -> None:
    folder = tmp_path / template.code
    folder.mkdir()
    (folder / f"{template.version}.yaml").write_text(
        "template: sh_municipal_application\nversion: '2025'\nrulesets: [no-such-ruleset]\n"
        "answers:\n  no_major_incidents_3y: {field: no_such_field}\n"
        "targets: {field: plan_targets, rows: {no_row: co2_intensity}}\n",
        encoding="utf-8",
    )
    with override_settings(DOSSIER_MAPS_DIR=tmp_path):
        mapping = dossier.dossier_map(template.code, template.version)
        assert mapping is not None
        problems = "\n".join(dossier.check_map(mapping, template))
    assert "“no_such_field”不在模板中" in problems
    assert "“no_row”不在目标表中" in problems
    assert "“no-such-ruleset”无法读取" in problems


def test_the_complete_application_reads_as_a_dossier_with_answers_targets_and_sources(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    data = dossier.filing_dossier(filing)
    Dossier.from_dict(data)  # valid for the engine
    assert data["reference_year"] == 2024
    assert data["indicators"]["output_value"] == {"2022": "286.4", "2023": "321.75", "2024": "358.2"}
    assert data["indicators"]["sme_rd_expense"]["2024"] == "183500"  # 亿元 → the catalogue's 万元
    assert data["indicators"]["platforms_provincial_count"] == {"2024": "2"}
    assert data["sources"]["output_value"].endswith("二、主导产业情况 · 集群总产值/营业收入（亿元）")
    answers = data["answers"]
    assert answers["no_major_incidents_3y"] == "是"
    assert answers["energy_efficiency_above_benchmark"] == "不涉及"
    assert answers["chain_cultivation"] == ["绘制了产业链图谱", "其他：组建了集成电路产业链联盟"]
    assert answers["chain_cooperation"] == ["与链主企业开展合作"]
    assert "（三）重点任务：" in answers["development_plan"]
    targets = data["targets"]
    assert (targets["baseline_year"], targets["final_year"]) == (2024, 2027)
    assert targets["values"]["co2_intensity"] == {"2024": "0.32", "2025": "0.30", "2026": "0.28", "2027": "0.26"}
    assert targets["values"]["sme_rd_expense"]["2027"] == "252000.00"


def test_the_self_check_of_the_complete_application_finds_no_failure_and_flags_the_area(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    check = dossier.self_check(filing)
    assert check is not None and check.problems == []
    recognition, targets = check.results
    assert recognition.ruleset_id == "sh-recognition-2025-v1"
    statuses = {r.rule_id: r.status for r in recognition.results}
    assert statuses["sh.6.2.area"] == "warning"
    assert statuses["sh.6.2.output"] == "pass"
    assert recognition.counts()["fail"] == 0 and recognition.counts()["missing"] == 0
    assert {r.rule_id: r.status for r in targets.results}["sh.t.co2"] == "pass"


def test_output_under_30_yi_in_one_year_fails_the_self_check(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={"output_value": {"2022": "28.00", "2023": "321.75", "2024": "358.20"}},
        expected_revision=filing.revision,
    )
    filing.refresh_from_db()
    check = dossier.self_check(filing)
    assert check is not None
    recognition = check.results[0]
    output = next(r for r in recognition.results if r.rule_id == "sh.6.2.output")
    assert output.status == "fail"
    assert recognition.verdict == "fails"


def test_a_blank_form_has_a_self_check_that_names_what_is_missing(world: Any) -> None:
    filing = services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
    )
    check = dossier.self_check(filing)
    assert check is not None
    assert check.results[0].verdict == "incomplete"
    assert check.attention == sum(len(r.results) for r in check.results)


def test_the_latest_submitted_filing_is_the_assessment_apps_dossier(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    assert dossier.latest_submitted_source(world.cluster_pudong) is None  # a draft is not a source
    services.filing_submit(actor=world.operator, filing=filing)
    found = latest_dossier(world.cluster_pudong)
    assert found is not None
    assert "2025年度《上海市中小企业特色产业集群申报表》（已提交）" in found.label
    assert found.data["answers"]["no_tax_or_credit_violations"] == "是"
