"""Workflow definitions: the shipped files load; malformed ones name the file and the path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from apps.workflow.definitions import WorkflowDefinitionError, all_workflows, load_file, parse_workflow
from apps.workflow.scoring import RubricError, get_rubric, parse_rubric

DATA = Path(__file__).resolve().parents[3] / "data" / "workflows"


def _raw(name: str = "municipal_application.v1.yaml") -> dict[str, Any]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_every_shipped_workflow_loads() -> None:
    keys = {k for k, _v in all_workflows()}
    assert {
        "municipal_application",
        "national_application",
        "national_rereview",
        "annual_report",
        "service_evaluation",
        "district_summary",
    } <= keys


def test_municipal_application_follows_the_procedure_of_the_regulation() -> None:
    wf = parse_workflow(_raw(), "m.yaml")
    assert wf.transitions["district_return"].field_reasons
    assert wf.transitions["district_recommend"].target == "city_formal_review"
    assert wf.transitions["publish"].effects == ("create_recognition",)
    assert wf.public_label("district_review") == "已提交，区级初审中"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r["transitions"]["submit"].__setitem__("to", "nowhere"),
            r"m\.yaml: transitions\.submit\.to：未知状态“nowhere”",
        ),
        (
            lambda r: r["transitions"]["submit"].__setitem__("role", "mayor"),
            r"m\.yaml: transitions\.submit\.role：未知角色“mayor”",
        ),
        (
            lambda r: r["transitions"]["submit"].__setitem__("from", ["draft", "limbo"]),
            r"transitions\.submit\.from\[1\]：未知状态“limbo”",
        ),
        (
            lambda r: r["states"].__setitem__("orphan", {"label": "孤立", "public": "孤立", "final": True}),
            r"m\.yaml: states\.orphan：从初始状态“draft”无法到达",
        ),
        (
            lambda r: r["transitions"]["publish"].__setitem__("effects", ["explode"]),
            r"transitions\.publish\.effects\[0\]：未知动作“explode”",
        ),
        (
            lambda r: r["transitions"]["submit"].__setitem__("deadline", "someday"),
            r"transitions\.submit\.deadline：未知截止环节",
        ),
        (lambda r: r.__setitem__("initial", "zero"), r"m\.yaml: initial：未知状态“zero”"),
    ],
)
def test_a_malformed_workflow_is_refused_naming_file_and_path(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    mutate(raw)
    with pytest.raises(WorkflowDefinitionError, match=message):
        parse_workflow(raw, "m.yaml")


def test_a_file_whose_name_does_not_match_its_key_and_version_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "municipal_application.v2.yaml"
    target.write_text((DATA / "municipal_application.v1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match=r"文件名应为“municipal_application\.v1\.yaml”"):
        load_file(target)


def test_the_rubric_totals_100_and_a_bad_maximum_names_the_item() -> None:
    assert get_rubric("municipal_expert_review.v1").total_max == 100
    with pytest.raises(RubricError, match=r"r\.yaml: items\[0\]\.max：应为数值"):
        parse_rubric(
            {"key": "k", "version": 1, "title": "t", "items": [{"code": "a", "label": "A", "max": "x"}]}, "r.yaml"
        )
