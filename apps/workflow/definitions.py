"""Workflows as versioned data (流程定义): data/workflows/<key>.v<version>.yaml.

A definition names its states and transitions. Per state: `label` (internal stage name, 内部环节),
`public` (the name the operator sees), `editable` (all / flagged / none: what the operator may
still change), `owner` (the workflow role whose to-do it is), `deadline` (a campaign stage key),
`final`. Per transition: `label`, `from`, `to`, `role` (who acts), `comment` (required / optional),
`comment_label`, `comment_field` (with the effect `subject_fill`: the subject's field the comment is
written to, e.g. the form's 区级推荐意见), `field_reasons` (required: 退回修改 with a reason per field), `deadline` and
`deadline_policy` (enforce: refused after the deadline; flag: allowed and recorded as overdue),
`quota` (a quota key counted per province), `data` (extra values the actor must give: date,
integer, text, choice), `guards` and `effects` (named checks and actions implemented in code),
`notify` (workflow roles told about it), `automatic` (taken by a service on the role's behalf when
its condition is met — e.g. the last evaluator's submission — and never offered as a button).

Everything is checked when the file is loaded; an error names the file and the path inside it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

WORKFLOW_ROLES: dict[str, str] = {
    "operator": "集群运营管理机构",
    "county": "县级（区级）主管部门（申报主体）",
    "district": "区级中小企业主管部门",
    "city": "市经济信息化委",
    "province": "省级中小企业主管部门",
    "ministry": "工业和信息化部",
    "expert": "评审专家",
    "evaluator": "第三方评价机构",
}

DEADLINE_STAGES: dict[str, str] = {
    "operator_submission": "运营管理机构报送",
    "application_submission": "集群申报材料提交",
    "district_review": "区级初审",
    "city_review": "市级审查",
    "provincial_recommendation": "省级推荐",
}

QUOTA_KEYS: dict[str, str] = {"national_recommendation": "向工业和信息化部推荐名额"}
KNOWN_GUARDS = frozenset(
    {
        "scores_complete",
        "publicity_period_valid",
        "publicity_ended",
        "objections_resolved",
        "evaluation_complete",
        "grade_change_explained",
    }
)
KNOWN_EFFECTS = frozenset(
    {"subject_submit", "subject_return", "subject_lock", "subject_fill", "create_recognition", "extend_recognition"}
)
EDITABLE_MODES = frozenset({"all", "flagged", "none"})
DATA_TYPES = frozenset({"date", "integer", "text", "choice"})
RECOGNITION_LEVELS = frozenset({"municipal", "provincial", "national"})


class WorkflowDefinitionError(ValueError):
    """A workflow file is malformed; the message names the file and the path inside it."""


@dataclass(frozen=True)
class DataField:
    key: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...] = ()
    initial: str = ""  # key of the submission's data whose value the form starts with (e.g. proposed_grade)


@dataclass(frozen=True)
class State:
    key: str
    label: str
    public: str
    editable: str = "none"
    owner: str = ""
    deadline: str = ""
    final: bool = False


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str
    role: str
    comment: str = "optional"
    comment_label: str = "意见"
    comment_field: str = ""  # subject_fill: the subject field the comment is written to
    field_reasons: bool = False
    deadline: str = ""
    deadline_policy: str = "enforce"
    quota: str = ""
    data: tuple[DataField, ...] = ()
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    automatic: bool = False

    @property
    def comment_required(self) -> bool:
        return self.comment == "required"


@dataclass(frozen=True)
class Workflow:
    key: str
    version: int
    title: str
    source: str
    initial: str
    states: dict[str, State]
    transitions: dict[str, Transition]
    recognition_level: str = ""
    overdue_states: tuple[str, ...] = ()
    overdue_deadline: str = ""
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def state(self, key: str) -> State:
        return self.states[key]

    def state_label(self, key: str) -> str:
        s = self.states.get(key)
        return s.label if s else key

    def public_label(self, key: str) -> str:
        s = self.states.get(key)
        return s.public if s else key

    @property
    def has_expert_review(self) -> bool:
        """The workflow has the 专家评审 stage (state `expert_review`, where experts are assigned and
        score: apps.workflow.services.experts)."""
        return "expert_review" in self.states

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def acting_states(self, role: str) -> set[str]:
        """States in which `role` has at least one transition."""
        return {s for t in self.transitions.values() if t.role == role for s in t.sources}


def workflows_dir() -> Path:
    return Path(getattr(settings, "WORKFLOW_DEFINITIONS_DIR", settings.DATA_DIR / "workflows"))


def _need(d: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in d or d[key] in (None, ""):
        raise WorkflowDefinitionError(f"{where}.{key}：缺少必填项。")
    value = d[key]
    if not isinstance(value, kind):
        raise WorkflowDefinitionError(f"{where}.{key}：类型应为 {kind.__name__}。")
    return value


def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WorkflowDefinitionError(f"{where}：应为字符串列表。")
    return tuple(value)


def parse_workflow(raw: Any, name: str) -> Workflow:
    """Build and check a workflow from parsed YAML; `name` (the file) prefixes every error path."""
    if not isinstance(raw, dict):
        raise WorkflowDefinitionError(f"{name}：文件内容应为映射（key: value）。")
    key = _need(raw, "key", name)
    version = _need(raw, "version", name, int)
    title = _need(raw, "title", name)
    initial = _need(raw, "initial", name)
    raw_states = _need(raw, "states", name, dict)
    raw_transitions = _need(raw, "transitions", name, dict)
    level = raw.get("recognition_level", "") or ""
    if level and level not in RECOGNITION_LEVELS:
        raise WorkflowDefinitionError(f"{name}: recognition_level：未知认定级别“{level}”。")

    states: dict[str, State] = {}
    for skey, sraw in raw_states.items():
        where = f"{name}: states.{skey}"
        if not isinstance(sraw, dict):
            raise WorkflowDefinitionError(f"{where}：应为映射。")
        editable = sraw.get("editable", "none")
        if editable not in EDITABLE_MODES:
            raise WorkflowDefinitionError(f"{where}.editable：应为 all、flagged 或 none，而不是“{editable}”。")
        owner = sraw.get("owner", "") or ""
        if owner and owner not in WORKFLOW_ROLES:
            raise WorkflowDefinitionError(f"{where}.owner：未知角色“{owner}”。")
        deadline = sraw.get("deadline", "") or ""
        if deadline and deadline not in DEADLINE_STAGES:
            raise WorkflowDefinitionError(f"{where}.deadline：未知截止环节“{deadline}”。")
        states[skey] = State(
            key=skey,
            label=_need(sraw, "label", where),
            public=_need(sraw, "public", where),
            editable=editable,
            owner=owner,
            deadline=deadline,
            final=bool(sraw.get("final", False)),
        )
    if initial not in states:
        raise WorkflowDefinitionError(f"{name}: initial：未知状态“{initial}”。")

    transitions: dict[str, Transition] = {}
    for tkey, traw in raw_transitions.items():
        where = f"{name}: transitions.{tkey}"
        if not isinstance(traw, dict):
            raise WorkflowDefinitionError(f"{where}：应为映射。")
        sources = _as_tuple(traw.get("from"), f"{where}.from")
        if not sources:
            raise WorkflowDefinitionError(f"{where}.from：缺少必填项。")
        for i, s in enumerate(sources):
            if s not in states:
                raise WorkflowDefinitionError(f"{where}.from[{i}]：未知状态“{s}”。")
            if states[s].final:
                raise WorkflowDefinitionError(f"{where}.from[{i}]：终态“{s}”不能再流转。")
        target = _need(traw, "to", where)
        if target not in states:
            raise WorkflowDefinitionError(f"{where}.to：未知状态“{target}”。")
        role = _need(traw, "role", where)
        if role not in WORKFLOW_ROLES:
            raise WorkflowDefinitionError(f"{where}.role：未知角色“{role}”。")
        comment = traw.get("comment", "optional")
        if comment not in ("required", "optional"):
            raise WorkflowDefinitionError(f"{where}.comment：应为 required 或 optional。")
        fr = traw.get("field_reasons", None)
        if fr not in (None, "required"):
            raise WorkflowDefinitionError(f"{where}.field_reasons：只能为 required。")
        deadline = traw.get("deadline", "") or ""
        if deadline and deadline not in DEADLINE_STAGES:
            raise WorkflowDefinitionError(f"{where}.deadline：未知截止环节“{deadline}”。")
        policy = traw.get("deadline_policy", "enforce")
        if policy not in ("enforce", "flag"):
            raise WorkflowDefinitionError(f"{where}.deadline_policy：应为 enforce 或 flag。")
        quota = traw.get("quota", "") or ""
        if quota and quota not in QUOTA_KEYS:
            raise WorkflowDefinitionError(f"{where}.quota：未知名额类型“{quota}”。")
        guards = _as_tuple(traw.get("guards"), f"{where}.guards")
        for i, g in enumerate(guards):
            if g not in KNOWN_GUARDS:
                raise WorkflowDefinitionError(f"{where}.guards[{i}]：未知校验“{g}”。")
        effects = _as_tuple(traw.get("effects"), f"{where}.effects")
        for i, e in enumerate(effects):
            if e not in KNOWN_EFFECTS:
                raise WorkflowDefinitionError(f"{where}.effects[{i}]：未知动作“{e}”。")
        comment_field = str(traw.get("comment_field", "") or "")
        if comment_field and "subject_fill" not in effects:
            raise WorkflowDefinitionError(f"{where}.comment_field：须同时声明动作 subject_fill。")
        if ("create_recognition" in effects or "extend_recognition" in effects) and not level:
            raise WorkflowDefinitionError(f"{where}.effects：生成认定记录的流程须声明 recognition_level。")
        notify = _as_tuple(traw.get("notify"), f"{where}.notify")
        for i, r in enumerate(notify):
            if r not in WORKFLOW_ROLES:
                raise WorkflowDefinitionError(f"{where}.notify[{i}]：未知角色“{r}”。")
        data_fields: list[DataField] = []
        for dkey, draw_ in (traw.get("data") or {}).items():
            dwhere = f"{where}.data.{dkey}"
            if not isinstance(draw_, dict):
                raise WorkflowDefinitionError(f"{dwhere}：应为映射。")
            dtype = draw_.get("type", "text")
            if dtype not in DATA_TYPES:
                raise WorkflowDefinitionError(f"{dwhere}.type：未知类型“{dtype}”。")
            choices = _as_tuple(draw_.get("choices"), f"{dwhere}.choices")
            if dtype == "choice" and not choices:
                raise WorkflowDefinitionError(f"{dwhere}.choices：选择类型须列出选项。")
            data_fields.append(
                DataField(
                    key=dkey,
                    label=_need(draw_, "label", dwhere),
                    type=dtype,
                    required=bool(draw_.get("required", False)),
                    choices=choices,
                    initial=str(draw_.get("initial", "") or ""),
                )
            )
        transitions[tkey] = Transition(
            key=tkey,
            label=_need(traw, "label", where),
            sources=sources,
            target=target,
            role=role,
            comment=comment,
            comment_label=traw.get("comment_label", "意见") or "意见",
            comment_field=comment_field,
            field_reasons=fr == "required",
            deadline=deadline,
            deadline_policy=policy,
            quota=quota,
            data=tuple(data_fields),
            guards=guards,
            effects=effects,
            notify=notify,
            automatic=bool(traw.get("automatic", False)),
        )

    # A field's `initial` names data another transition records (e.g. grade ← proposed_grade).
    recorded = {f.key for t in transitions.values() for f in t.data}
    for t in transitions.values():
        for f in t.data:
            if f.initial and f.initial not in recorded:
                raise WorkflowDefinitionError(
                    f"{name}: transitions.{t.key}.data.{f.key}.initial：没有流转记录数据项“{f.initial}”。"
                )

    # Every state must be reachable from the initial state.
    seen = {initial}
    queue = deque([initial])
    while queue:
        current = queue.popleft()
        for t in transitions.values():
            if current in t.sources and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    unreachable = [s for s in states if s not in seen]
    if unreachable:
        raise WorkflowDefinitionError(f"{name}: states.{unreachable[0]}：从初始状态“{initial}”无法到达。")
    # A non-final state without a way out would strand submissions.
    for skey, st in states.items():
        if not st.final and not any(skey in t.sources for t in transitions.values()):
            raise WorkflowDefinitionError(f"{name}: states.{skey}：非终态但没有任何流转，请标记 final: true。")

    overdue_states = _as_tuple(raw.get("overdue_states"), f"{name}: overdue_states")
    for i, s in enumerate(overdue_states):
        if s not in states:
            raise WorkflowDefinitionError(f"{name}: overdue_states[{i}]：未知状态“{s}”。")
    overdue_deadline = raw.get("overdue_deadline", "") or ""
    if overdue_deadline and overdue_deadline not in DEADLINE_STAGES:
        raise WorkflowDefinitionError(f"{name}: overdue_deadline：未知截止环节“{overdue_deadline}”。")
    return Workflow(
        key=key,
        version=version,
        title=title,
        source=raw.get("source", "") or "",
        initial=initial,
        states=states,
        transitions=transitions,
        recognition_level=level,
        overdue_states=overdue_states,
        overdue_deadline=overdue_deadline,
        path=name,
    )


def load_file(path: Path) -> Workflow:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WorkflowDefinitionError(f"{path.name}：YAML 格式错误：{exc}") from exc
    wf = parse_workflow(raw, path.name)
    expected = f"{wf.key}.v{wf.version}.yaml"
    if path.name != expected:
        raise WorkflowDefinitionError(f"{path.name}: key/version：文件名应为“{expected}”。")
    return wf


@cache
def _registry(directory: str) -> dict[tuple[str, int], Workflow]:
    found: dict[tuple[str, int], Workflow] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        wf = load_file(path)
        found[(wf.key, wf.version)] = wf
    return found


def all_workflows() -> dict[tuple[str, int], Workflow]:
    return _registry(str(workflows_dir()))


def get_workflow(key: str, version: int | None = None) -> Workflow:
    registry = all_workflows()
    if version is None:
        versions = [v for (k, v) in registry if k == key]
        if not versions:
            raise WorkflowDefinitionError(f"没有名为“{key}”的流程定义。")
        version = max(versions)
    try:
        return registry[(key, version)]
    except KeyError as exc:
        raise WorkflowDefinitionError(f"没有名为“{key}”第 {version} 版的流程定义。") from exc


def latest_workflows() -> list[Workflow]:
    latest: dict[str, Workflow] = {}
    for (k, _v), wf in sorted(all_workflows().items()):
        latest[k] = wf
    return list(latest.values())
