"""Workflow data: a transition's data field may start at a value another transition recorded
(`initial`, checked when the file loads); whether a workflow has the 专家评审 stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from apps.workflow.definitions import WorkflowDefinitionError, all_workflows, get_workflow, parse_workflow

DATA = Path(__file__).resolve().parents[3] / "data" / "workflows"


def _raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_the_city_grade_starts_at_the_proposed_grade_in_service_evaluation_v2() -> None:
    wf = get_workflow("service_evaluation", 2)
    [grade] = wf.transitions["city_confirm_grade"].data
    assert (grade.key, grade.initial) == ("grade", "proposed_grade")
    assert all(not f.initial for f in wf.transitions["evaluator_submit"].data)


def test_an_initial_naming_data_no_transition_records_is_refused_naming_the_path() -> None:
    raw = _raw("service_evaluation.v2.yaml")
    raw["transitions"]["city_confirm_grade"]["data"]["grade"]["initial"] = "proposed_level"
    with pytest.raises(
        WorkflowDefinitionError, match=r"transitions\.city_confirm_grade\.data\.grade\.initial.*proposed_level"
    ):
        parse_workflow(raw, "service_evaluation.v2.yaml")


def test_only_workflows_with_an_expert_review_state_have_the_expert_review_stage() -> None:
    with_stage = {key for (key, _v), wf in all_workflows().items() if wf.has_expert_review}
    assert with_stage == {"municipal_application"}
    assert not get_workflow("service_evaluation").has_expert_review
