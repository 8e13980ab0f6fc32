"""The assessment engine (评估引擎): a rule set applied to a dossier, every verdict explained.

Per rule the result is one of pass / fail / warning / judgment / missing, with the actual value,
the threshold, the formula, each input with its year, value and source, and the legal basis.
Missing inputs give `missing` (naming what is missing) — never a silent pass.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .catalogue import name_of, unit_of
from .dossier import Dossier
from .expressions import Missing, Value, parse
from .rulesets import OP_INCLUSIVE, OP_SYMBOLS, WORD_OPS, Rule, RuleSet, get_ruleset

PASS, FAIL, WARNING, JUDGMENT, MISSING = "pass", "fail", "warning", "judgment", "missing"
STATUS_LABELS = {PASS: "通过", FAIL: "不通过", WARNING: "警示", JUDGMENT: "需人工判断", MISSING: "资料不全"}

VERDICT_MEETS, VERDICT_FAILS, VERDICT_JUDGMENT, VERDICT_INCOMPLETE = "meets", "fails", "judgment", "incomplete"
VERDICT_LABELS = {
    VERDICT_MEETS: "符合",
    VERDICT_FAILS: "不符合",
    VERDICT_JUDGMENT: "需人工判断",
    VERDICT_INCOMPLETE: "资料不全",
}


def compare(value: Decimal, op: str, threshold: Decimal) -> bool:
    if op == ">=":
        return value >= threshold
    if op == ">":
        return value > threshold
    if op == "<=":
        return value <= threshold
    return value < threshold


_QUANTA = {d: (Decimal(1).scaleb(-d) if d > 0 else Decimal(1)) for d in range(0, 7)}


def _quantum(decimals: int) -> Decimal:
    return _QUANTA.get(decimals) or Decimal(1).scaleb(-decimals)


def fmt(value: Decimal | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return str(value.quantize(_quantum(decimals), rounding=ROUND_HALF_UP))


@dataclass
class InputUsed:
    label: str
    code: str
    year: int
    value: str | None
    source: str
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "code": self.code,
            "name": self.name,
            "year": self.year,
            "value": self.value,
            "source": self.source,
        }


_NAMES: dict[str, str] = {}


def _name(code: str) -> str:
    name = _NAMES.get(code)
    if name is None:
        name = _NAMES[code] = name_of(code)
    return name


class _Reader:
    """The Resolver an expression reads through: records every input and its source."""

    __slots__ = ("dossier", "inputs", "year_t", "year_y")

    def __init__(self, dossier: Dossier, year_y: int, year_t: int) -> None:
        self.dossier = dossier
        self.year_y = year_y
        self.year_t = year_t
        self.inputs: list[InputUsed] = []

    def lookup(self, namespace: str, code: str, year: int) -> Value:
        value, source = self.dossier.lookup(namespace, code, year)
        prefix = "" if namespace == "value" else f"{namespace}."
        self.inputs.append(
            InputUsed(
                label=f"{prefix}{code}[{year}]",
                code=code,
                year=year,
                value=None if isinstance(value, Missing) else str(value),
                source=source,
                name=_name(code),
            )
        )
        return value


@dataclass
class RuleResult:
    rule_id: str
    title: str
    group: str
    severity: str
    status: str
    explanation: str
    legal_basis: dict[str, str]
    legal_basis_label: str
    footnote: dict[str, str] | None = None
    value: str | None = None
    threshold: str | None = None
    comparison: str = ""
    unit: str = ""
    formula: str = ""
    inputs: list[InputUsed] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "group": self.group,
            "severity": self.severity,
            "status": self.status,
            "status_label": self.status_label,
            "value": self.value,
            "threshold": self.threshold,
            "comparison": self.comparison,
            "unit": self.unit,
            "formula": self.formula,
            "explanation": self.explanation,
            "legal_basis": {**self.legal_basis, "label": self.legal_basis_label},
            "footnote": self.footnote,
            "inputs": [i.as_dict() for i in self.inputs],
            "missing": self.missing,
            "evidence": self.evidence,
            "notes": self.notes,
        }


@dataclass
class AssessmentResult:
    ruleset_id: str
    ruleset_title: str
    ruleset_version: int
    ruleset_hash: str
    ruleset_verification: str
    reference_year: int | None
    results: list[RuleResult]
    verdict: str

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUS_LABELS, 0)
        for r in self.results:
            out[r.status] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {
                "id": self.ruleset_id,
                "title": self.ruleset_title,
                "version": self.ruleset_version,
                "hash": self.ruleset_hash,
                "verification": self.ruleset_verification,
            },
            "reference_year": self.reference_year,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
        }


def overall_verdict(statuses: list[tuple[str, str]]) -> str:
    """(severity, status) pairs → verdict. A hard failure decides; then missing data; then judgment."""
    if any(st == FAIL for _, st in statuses):
        return VERDICT_FAILS
    if any(st == MISSING for _, st in statuses):
        return VERDICT_INCOMPLETE
    if any(st == JUDGMENT for _, st in statuses):
        return VERDICT_JUDGMENT
    return VERDICT_MEETS


class Engine:
    """Evaluates one rule set; reusable across many dossiers (the rule set is read once)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._basis_labels = {r.id: self._basis_label(r.legal_basis) for r in ruleset.rules}
        self._static: dict[int, tuple[str, str, Decimal, str, int, str, str]] = {}
        for rule in ruleset.rules:  # parse once, up front
            for src in self._expressions(rule):
                parse(src)

    @staticmethod
    def _expressions(rule: Rule) -> list[str]:
        check = rule.check
        if check["type"] == "threshold":
            return [str(check["value"])]
        if check["type"] == "any_of":
            return [str(o["value"]) for o in check["options"]]
        return []

    def _basis_label(self, basis: dict[str, str]) -> str:
        doc = self.ruleset.document_label(basis.get("document", ""))
        parts = [doc, basis.get("article", ""), basis.get("clause", "")]
        return " ".join(p for p in parts if p)

    # —— entry point ——
    def evaluate(self, dossier: Dossier) -> AssessmentResult:
        ref_year = dossier.latest_year()
        baseline, final = dossier.target_years()
        year_y = (baseline if self.ruleset.kind == "targets" else ref_year) or 0
        year_t = final or year_y
        results = [self.evaluate_rule(rule, dossier, year_y, year_t) for rule in self.ruleset.rules]
        verdict = overall_verdict([(r.severity, r.status) for r in results])
        return AssessmentResult(
            ruleset_id=self.ruleset.id,
            ruleset_title=self.ruleset.title,
            ruleset_version=self.ruleset.version,
            ruleset_hash=self.ruleset.content_hash,
            ruleset_verification=self.ruleset.verification,
            reference_year=year_y or None,
            results=results,
            verdict=verdict,
        )

    def evaluate_rule(self, rule: Rule, dossier: Dossier, year_y: int, year_t: int) -> RuleResult:
        result = RuleResult(
            rule_id=rule.id,
            title=rule.title,
            group=rule.group,
            severity=rule.severity,
            status=MISSING,
            explanation="",
            legal_basis=rule.legal_basis,
            legal_basis_label=self._basis_labels[rule.id],
            footnote=rule.footnote,
            notes=rule.notes,
        )
        if not year_y:
            result.missing = ["评估资料中没有任何年度数据"]
            result.explanation = "无法确定评估年度：评估资料中没有任何年度数据。"
            return result
        ctype = rule.check["type"]
        if ctype == "threshold":
            self._threshold(rule, rule.check, dossier, year_y, year_t, result)
        elif ctype == "any_of":
            self._any_of(rule, dossier, year_y, year_t, result)
        elif ctype == "answer":
            self._answer(rule, dossier, result)
        elif ctype == "trend":
            self._trend(rule, dossier, year_y, year_t, result)
        elif ctype == "evidence":
            self._evidence(rule, dossier, result)
        elif ctype == "ruleset":
            self._ruleset(rule, dossier, result)
        return result

    # —— check types ——
    def _prepare(self, rule: Rule, check: dict[str, Any]) -> tuple[str, str, Decimal, str, int, str, str]:
        """The parts of a threshold check that do not depend on the dossier (computed once)."""
        word = str(check["word"])
        wording = rule.legal_basis.get("wording", "")
        basis_word = (
            f"{self._basis_labels[rule.id]}“{wording}”"
            if wording
            else f"{self.ruleset.document_label(rule.legal_basis.get('document', ''))}（条文原文待核实）"
        )
        return (
            word,
            WORD_OPS[word],
            Decimal(str(check["threshold"])),
            str(check.get("unit", "")),
            int(check.get("decimals", 2)),
            str(check.get("label") or rule.title),
            basis_word,
        )

    def _measure(
        self, check: dict[str, Any], dossier: Dossier, year_y: int, year_t: int
    ) -> tuple[Value, list[InputUsed], Decimal | None]:
        reader = _Reader(dossier, year_y, year_t)
        raw = parse(str(check["value"])).evaluate(reader)
        if isinstance(raw, Missing):
            return raw, reader.inputs, None
        return raw, reader.inputs, raw.quantize(_quantum(int(check.get("decimals", 2))), rounding=ROUND_HALF_UP)

    def _threshold(
        self, rule: Rule, check: dict[str, Any], dossier: Dossier, year_y: int, year_t: int, result: RuleResult
    ) -> None:
        st = self._static.get(id(check))
        if st is None:
            st = self._static[id(check)] = self._prepare(rule, check)
        word, op, threshold, unit, decimals, label, basis_word = st
        raw, inputs, value = self._measure(check, dossier, year_y, year_t)
        result.inputs = inputs
        result.formula = str(check["value"])
        result.threshold = str(threshold)
        result.unit = unit
        result.comparison = f"{OP_SYMBOLS[op]} {threshold}{unit}（“{word}”，{OP_INCLUSIVE[op]}）"
        if isinstance(raw, Missing):
            result.missing = list(raw.reasons)
            judge_ns = tuple(f"{ns}." for ns in check.get("judgment_if_missing", []))
            only_context = judge_ns and all(i.value is not None or i.label.startswith(judge_ns) for i in inputs)
            if only_context:
                result.status = JUDGMENT
                result.explanation = (
                    f"{label}：{'；'.join(raw.reasons)}。该项须对照行业平均水平判断，请审核人员根据行业数据作出判断。"
                )
            else:
                result.status = MISSING
                result.explanation = f"无法判断“{label}”：{'；'.join(raw.reasons)}。"
            return
        assert value is not None
        result.value = fmt(value, decimals)
        ok = compare(value, op, threshold)
        shown = f"{label}为 {result.value}{unit}"
        if raw != value:
            shown += f"（按公式计算为 {raw:.6f}，按填报口径保留 {decimals} 位小数）"
        text = f"{shown}，要求 {OP_SYMBOLS[op]} {threshold}{unit}（依据{basis_word}，“{word}”{OP_INCLUSIVE[op]}）"
        foot = rule.footnote
        if foot and foot.get("word") and WORD_OPS[foot["word"]] != op and check is rule.check:
            foot_op = WORD_OPS[foot["word"]]
            foot_ok = compare(value, foot_op, threshold)
            if foot_ok != ok:
                foot_doc = self.ruleset.document_label(foot["document"])
                foot_label = f"{foot_doc} {foot.get('article', '')} {foot.get('clause', '')}".strip()
                result.status = JUDGMENT
                result.explanation = (
                    f"{text}。数值恰在界限上：按规章“{word}”{OP_INCLUSIVE[op]}，{'符合' if ok else '不符合'}；"
                    f"而{foot_label}“{foot.get('wording', '')}”用“{foot['word']}”（{OP_INCLUSIVE[foot_op]}），"
                    f"{'符合' if foot_ok else '不符合'}。两处依据不一致，以规章为准，请审核人员确认。"
                )
                self._cross_check(check, dossier, year_y, value, result)
                return
        if ok:
            result.status = PASS
            result.explanation = f"{text}，符合。"
        elif rule.severity == "soft":
            result.status = WARNING
            result.explanation = f"{text}，超出一般要求，请说明理由（提示，不作为否决条件）。"
        elif rule.severity == "judgment":
            result.status = JUDGMENT
            result.explanation = f"{text}，未达到，请审核人员判断。"
        else:
            result.status = FAIL
            result.explanation = f"{text}，不符合。"
        self._cross_check(check, dossier, year_y, value, result)

    @staticmethod
    def _cross_check(check: dict[str, Any], dossier: Dossier, year: int, value: Decimal, result: RuleResult) -> None:
        """Compare a computed value with the figure the applicant declared for it (if any)."""
        code = check.get("declared")
        if not code:
            return
        declared = dossier.indicators.get(str(code), {}).get(year)
        if declared is None:
            return
        decimals = int(check.get("decimals", 2))
        if fmt(declared, decimals) != fmt(value, decimals):
            result.explanation += (
                f" 注意：申报表填写的“{name_of(str(code))}”为 {fmt(declared, decimals)}，"
                f"与按公式计算的 {fmt(value, decimals)} 不一致，本条按公式计算值判断。"
            )

    def _any_of(self, rule: Rule, dossier: Dossier, year_y: int, year_t: int, result: RuleResult) -> None:
        parts: list[str] = []
        missing: list[str] = []
        statuses: list[str] = []
        notes: list[str] = []
        for opt in rule.check["options"]:
            sub = RuleResult(
                rule_id=rule.id,
                title=str(opt.get("label", "")),
                group=rule.group,
                severity=rule.severity,
                status=MISSING,
                explanation="",
                legal_basis=rule.legal_basis,
                legal_basis_label=self._basis_labels[rule.id],
            )
            self._threshold(rule, opt, dossier, year_y, year_t, sub)
            result.inputs.extend(sub.inputs)
            if sub.status == PASS and opt.get("on_pass") == "judgment":
                sub.status = JUDGMENT
                notes.append(str(opt.get("note", "")))
            statuses.append(sub.status)
            missing.extend(sub.missing)
            parts.append(f"（{len(parts) + 1}）{sub.explanation}")
            if result.value is None and sub.value is not None:
                result.value, result.threshold, result.unit = sub.value, sub.threshold, sub.unit
        result.formula = " 或 ".join(
            f"{o['value']} {OP_SYMBOLS[WORD_OPS[o['word']]]} {o['threshold']}" for o in rule.check["options"]
        )
        result.comparison = "满足任一项即可"
        result.missing = missing
        body = " ".join(parts)
        if PASS in statuses:
            result.status = PASS
            result.explanation = f"满足其中一项即符合。{body}"
        elif JUDGMENT in statuses:
            result.status = JUDGMENT
            result.explanation = f"{body} {' '.join(n for n in notes if n)}".strip()
        elif MISSING in statuses:
            result.status = MISSING
            result.explanation = f"各项均未确认满足，且有资料缺失，无法判断。{body}"
        else:
            result.status = FAIL if rule.severity == "hard" else WARNING
            result.explanation = f"各项均不满足。{body}"

    def _answer(self, rule: Rule, dossier: Dossier, result: RuleResult) -> None:
        check = rule.check
        code = str(check["question"])
        question = str(check.get("question_text", code))
        answer = dossier.answer(code)
        result.formula = f"answers.{code}"
        result.inputs = [
            InputUsed(
                label=f"answers.{code}",
                code=code,
                year=0,
                value=None if answer is None else str(answer),
                source=f"申报表勾选项 · {question}",
                name=question,
            )
        ]
        passes = [str(x) for x in check.get("pass", [])]
        fails = [str(x) for x in check.get("fail", [])]
        not_applicable = [str(x) for x in check.get("not_applicable", [])]
        result.threshold = "/".join(passes)
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            result.status = MISSING
            result.missing = [f"未填写“{question}”"]
            result.explanation = f"未填写“{question}”，无法判断。"
            return
        text = str(answer).strip()
        result.value = text
        if text in passes:
            result.status = PASS
            result.explanation = f"“{question}”填写为“{text}”，符合。"
        elif text in not_applicable:
            result.status = PASS
            result.explanation = f"“{question}”填写为“{text}”，本条不适用。"
        elif text in fails:
            result.status = FAIL if rule.severity == "hard" else (WARNING if rule.severity == "soft" else JUDGMENT)
            result.explanation = (
                f"“{question}”填写为“{text}”，不符合{'' if result.status == FAIL else '（请审核人员判断）'}。"
            )
        else:
            options = "、".join(passes + fails + not_applicable)
            result.status = MISSING
            result.missing = [f"“{question}”的回答“{text}”无法识别（应为：{options}）"]
            result.explanation = f"“{question}”的回答“{text}”无法识别，应为：{options}。"

    def _trend(self, rule: Rule, dossier: Dossier, year_y: int, year_t: int, result: RuleResult) -> None:
        check = rule.check
        code = str(check["series"])
        namespace = str(check.get("namespace", "value"))
        env = {"Y": year_y, "T": year_t}
        start = _year(str(check.get("from", "Y-2")), env)
        end = _year(str(check.get("to", "Y")), env)
        increasing = check["direction"] == "increasing"
        reader = _Reader(dossier, year_y, year_t)
        values: list[tuple[int, Value]] = []
        for y in range(start, end + 1):
            v = reader.lookup(namespace, code, y)
            if namespace == "target" and isinstance(v, Missing) and y not in (start, end):
                reader.inputs.pop()  # intermediate target years are optional (national form: 2024 and 2027 only)
                continue
            values.append((y, v))
        result.inputs = reader.inputs
        word = "逐年增加" if increasing else "逐年下降"
        result.formula = f"{code}[{start}] {'<' if increasing else '>'} … {'<' if increasing else '>'} {code}[{end}]"
        result.comparison = word
        missing = [r for _, v in values if isinstance(v, Missing) for r in v.reasons]
        if missing or len(values) < 2:
            result.status = MISSING
            result.missing = missing or [f"“{name_of(code)}”至少需要两个年度的数值"]
            result.explanation = f"无法判断“{name_of(code)}”是否{word}：{'；'.join(result.missing)}。"
            return
        nums = [(y, v) for y, v in values if isinstance(v, Decimal)]
        series_text = "、".join(f"{y}年 {v}" for y, v in nums)
        result.value = series_text
        bad = [(a, b) for a, b in itertools.pairwise(nums) if (b[1] <= a[1] if increasing else b[1] >= a[1])]
        label = f"“{name_of(code)}”{'目标值' if namespace == 'target' else ''}"
        if not bad:
            result.status = PASS
            result.explanation = f"{label}：{series_text}，{word}，符合。"
            return
        where = "；".join(f"{b[0]}年（{b[1]}）未{'高于' if increasing else '低于'}{a[0]}年（{a[1]}）" for a, b in bad)
        status = {"hard": FAIL, "soft": WARNING, "judgment": JUDGMENT}[rule.severity]
        result.status = status
        result.explanation = f"{label}：{series_text}，未做到{word}：{where}。"
        if status == WARNING:
            result.explanation += "（提示，请说明理由）"

    def _evidence(self, rule: Rule, dossier: Dossier, result: RuleResult) -> None:
        check = rule.check
        evidence: list[str] = []
        declared_any = False
        for item in check["items"]:
            label = str(item.get("label", item.get("answer") or item.get("indicator")))
            if "answer" in item:
                ans = dossier.answer(str(item["answer"]))
                if ans is None:
                    continue
                declared_any = True
                if isinstance(ans, list):
                    if ans:
                        evidence.append(f"{label}：{'；'.join(map(str, ans))}")
                elif str(ans).strip() and str(ans).strip() != "无":
                    evidence.append(f"{label}：{ans}")
            elif "indicator" in item:
                code = str(item["indicator"])
                year = dossier.latest_year()
                series = dossier.indicators.get(code, {})
                if year is not None and year in series:
                    declared_any = True
                    if series[year] > 0:
                        evidence.append(f"{label}：{series[year]}{unit_of(code)}")
        result.evidence = evidence
        hint = str(check.get("hint", ""))
        result.formula = "定性条款：由审核人员对照佐证材料判断"
        if not declared_any:
            result.status = MISSING
            result.missing = [f"未填写：{'、'.join(str(i.get('label', '')) for i in check['items'])}"]
            result.explanation = f"定性条款，申报资料中未填写相关内容，无法判断。{hint}"
        elif not evidence:
            result.status = FAIL
            result.explanation = f"定性条款，申报资料中未勾选或填写任何相关工作，不符合。{hint}"
        else:
            result.status = JUDGMENT
            result.explanation = f"定性条款，需审核人员对照佐证材料判断。申报内容：{'；'.join(evidence)}。{hint}"

    def _ruleset(self, rule: Rule, dossier: Dossier, result: RuleResult) -> None:
        ref = str(rule.check["ref"])
        inner = Engine(get_ruleset(ref)).evaluate(dossier)
        mapping = {VERDICT_MEETS: PASS, VERDICT_FAILS: FAIL, VERDICT_INCOMPLETE: MISSING, VERDICT_JUDGMENT: JUDGMENT}
        result.status = mapping[inner.verdict]
        result.value = inner.verdict_label
        result.threshold = "符合"
        result.formula = f"按规则集 {ref}（{inner.ruleset_title}）评估基准值"
        not_ok = [r for r in inner.results if r.status in (FAIL, MISSING, JUDGMENT)]
        detail = "；".join(f"{r.title}：{r.status_label}" for r in not_ok)
        result.missing = [m for r in inner.results if r.status == MISSING for m in r.missing]
        result.evidence = [f"{r.title}：{r.status_label} — {r.explanation}" for r in not_ok]
        result.explanation = f"基准值按“{inner.ruleset_title}”评估，结论为“{inner.verdict_label}”。" + (
            f"未确认符合的条款：{detail}。" if detail else ""
        )


def _year(text: str, env: dict[str, int]) -> int:
    text = text.replace(" ", "")
    for sym, val in env.items():
        if text.startswith(sym):
            rest = text[len(sym) :]
            return val + (int(rest) if rest else 0)
    return int(text)


def assess(ruleset: RuleSet | str, dossier: Dossier | dict[str, Any]) -> AssessmentResult:
    """Convenience: evaluate a rule set (object or id) against a dossier (object or dict)."""
    rs = get_ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    d = dossier if isinstance(dossier, Dossier) else Dossier.from_dict(dossier)
    return Engine(rs).evaluate(d)
