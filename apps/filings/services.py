"""State changes of filings (填报): create, save a draft, evidence, submit, return, lock.

Each function is keyword-only with `actor=`, runs in one transaction, checks the permission
again (the views checked it first) and writes the audit trail. Refusals raise ServiceError /
AccessDenied / ConcurrentEdit (apps.core.errors) with Chinese messages naming the field.

Optimistic concurrency: every filing carries `revision`; a save names the revision it was
based on. If someone saved in between, the save is refused with `FilingConflict` carrying a
field-level diff of what changed meanwhile, so the page can show both and merge field by field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.errors import ConcurrentEdit, ServiceError, require
from apps.indicators.catalogue import load_catalogue

from . import evidence as ev
from . import permissions as perms
from . import totals as tot
from .definitions import Issue, Template, indicator_values, load_template, validate
from .definitions.types import FILLED_BY_PARTIES, STANDARD_CATEGORIES, STANDARD_ROLES
from .models import ApplicantKind, Evidence, Filing, FilingRevision, FilingStatus, FilingValue, RevisionKind
from .prefill import prefill_values

EXPLANATION_MAX_CHARS = 500
REASON_MAX_CHARS = 500


# —— errors carrying data for the page ————————————————————————————————————————————————


class FilingConflict(ConcurrentEdit):
    """The filing was saved by someone else since `based_on`.

    `theirs` is {field_key: {"before": value at based_on, "after": current value}} and
    `authors` names who saved in between (with times), newest last.
    """

    def __init__(
        self, message: str, *, based_on: int, current: int, theirs: dict[str, dict[str, Any]], authors: list[str]
    ) -> None:
        super().__init__(message)
        self.based_on = based_on
        self.current = current
        self.theirs = theirs
        self.authors = authors


class FilingInvalid(ServiceError):
    """A save or submission refused because of validation issues (all listed in `issues`)."""

    def __init__(self, message: str, issues: list[Issue]) -> None:
        super().__init__(message, code="invalid")
        self.issues = issues


@dataclass
class SaveResult:
    filing: Filing
    changes: dict[str, list[Any]]
    issues: list[Issue] = field(default_factory=list)
    figures: dict[str, tot.FieldFigures] | None = None  # enterprise-list figures of the saved data


# —— helpers ———————————————————————————————————————————————————————————————————————————


def template_of(filing: Filing) -> Template:
    return load_template(filing.template_code, filing.template_version)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def data_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{key: [before, after]} for keys whose value differs (blank and missing are the same)."""
    out: dict[str, list[Any]] = {}
    for key in dict.fromkeys([*before.keys(), *after.keys()]):
        a, b = before.get(key), after.get(key)
        if _is_blank(a) and _is_blank(b):
            continue
        if _canon(a) != _canon(b):
            out[key] = [a, b]
    return out


def evidenced_slots(filing: Filing) -> set[str]:
    """Evidence slots with at least one file, as the definitions name them: "field" or "field.option"."""
    pairs = filing.evidence.values_list("field_key", "option_key").distinct()
    return {f"{f}.{o}" if o else f for f, o in pairs}


def filing_figures(
    filing: Filing,
    data: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    fresh: bool = False,
) -> dict[str, tot.FieldFigures]:
    """Enterprise-list figures (由企业库计算) for the fields of the filing (see apps.filings.totals).
    `fresh` recomputes the totals instead of using the short-lived cache."""
    return tot.field_figures(
        template_of(filing),
        filing.data if data is None else data,
        filing.cluster,
        overrides=filing.overrides if overrides is None else overrides,
        fresh=fresh,
    )


def filing_issues(
    filing: Filing,
    *,
    for_submit: bool,
    data: Mapping[str, Any] | None = None,
    figures: Mapping[str, tot.FieldFigures] | None = None,
) -> list[Issue]:
    """Validation issues of the filing's data (warnings marked explained where explained), and
    the departures from the enterprise list that have no written reason."""
    template = template_of(filing)
    values = dict(filing.data if data is None else data)
    issues = validate(
        template,
        values,
        for_submit=for_submit,
        evidenced=evidenced_slots(filing),
        explanations=filing.warning_explanations or {},
    )
    if figures is None:
        figures = filing_figures(filing, values, fresh=for_submit)
    return issues + tot.override_issues(figures)


def filing_field_labels(filing: Filing) -> dict[str, str]:
    """{field key: label} of the filing's template (the workflow names fields with these)."""
    return {k: f.label for k, f in template_of(filing).fields.items()}


def _rebuild_values(filing: Filing, template: Template) -> None:
    """Replace the filing's FilingValue rows by the template's indicator mapping of its data."""
    catalogue = load_catalogue()
    field_of: dict[str, str] = {}
    for f in template.fields.values():
        if f.indicator:
            field_of.setdefault(f.indicator, f.key)
        for opt in f.options:
            if opt.count_indicator:
                field_of.setdefault(opt.count_indicator, f.key)
        if f.kind == "standards_matrix":
            field_of.update({f"standards_{c}_{r}": f.key for c, _ in STANDARD_CATEGORIES for r, _ in STANDARD_ROLES})
    FilingValue.objects.filter(filing=filing).delete()
    rows: dict[tuple[str, int], FilingValue] = {}
    for code, year, value in indicator_values(template, filing.data, catalogue):
        ind = catalogue.get(code)
        rows[(code, year)] = FilingValue(
            filing=filing,
            indicator_code=code,
            year=year,
            value=value,
            unit=ind.unit if ind else "",
            field_key=field_of.get(code, ""),
        )
    FilingValue.objects.bulk_create(rows.values())


def _record(filing: Filing, *, kind: str, actor: Any, changes: Mapping[str, Any], snapshot: bool = False) -> None:
    FilingRevision.objects.create(
        filing=filing,
        number=filing.revision,
        kind=kind,
        changes=dict(changes),
        snapshot=dict(filing.data) if snapshot else None,
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )


def changes_since(filing: Filing, revision: int) -> dict[str, dict[str, Any]]:
    """What changed in the filing's data after `revision`: {key: {"before", "after"}}."""
    out: dict[str, dict[str, Any]] = {}
    revs = filing.revisions.filter(number__gt=revision).order_by("number", "id")
    for rev in revs:
        for key, pair in (rev.changes or {}).items():
            if key.startswith("_"):
                continue
            if key not in out:
                out[key] = {"before": pair[0]}
    current = filing.data or {}
    for key in list(out):
        out[key]["after"] = current.get(key)
        if _canon(out[key]["before"]) == _canon(out[key]["after"]):
            del out[key]
    return out


def _authors_since(filing: Filing, revision: int) -> list[str]:
    names = []
    for rev in filing.revisions.filter(number__gt=revision).select_related("author").order_by("number", "id"):
        who = str(rev.author) if rev.author else "系统"
        when = timezone.localtime(rev.created_at).strftime("%m-%d %H:%M:%S")
        names.append(f"{who}（{when}，{rev.get_kind_display()}）")
    return names


def _lock(filing: Filing) -> Filing:
    return (
        Filing.objects.select_for_update(of=("self",))
        .select_related("cluster", "cluster__district", "district")
        .get(pk=filing.pk)
    )


# —— create ————————————————————————————————————————————————————————————————————————————


def filing_create(
    *,
    actor: Any,
    cluster: Any = None,
    district: Any = None,
    template_code: str,
    reporting_year: int,
    template_version: str | None = None,
    campaign_ref: str = "",
    prefill: bool = True,
) -> Filing:
    """Open a new form (新建填报), prefilled where possible.

    The applicant (申报/填报主体) is the template's (`Template.applicant`, data beside the form —
    see apps.filings.definitions.loader), never the caller's choice: an operator's form for its
    own cluster, or — the national application and re-review (77号 一（一）、二（一）) — the county
    department's for a cluster of its district. Whoever else asks (an operator opening a national
    form from 新建填报 or Word import) is refused with the reason, and nothing is created.

    A district-level form (template `subject: district`: the district summary, 沪经信企〔2025〕73号
    附件2) is opened for a `district`, not a cluster: only that district department's staff may,
    and a cluster given for it (or a district for a cluster form) is refused."""
    from .definitions import list_templates
    from .definitions.loader import version_key

    published = [t for t in list_templates() if t.code == template_code and t.status == "published"]
    if template_version is None:
        if not published:
            raise ServiceError("该表单模板不存在或尚未发布。", field="template")
        template_version = max(published, key=lambda t: version_key(t.version)).version
    elif not any(t.version == template_version for t in published):
        raise ServiceError("该表单模板版本不存在或尚未发布。", field="template")
    template = load_template(template_code, template_version)
    applicant = ApplicantKind(template.applicant)
    if template.subject == "district":
        require(perms.can_create_district_filing(actor, district))
        if cluster is not None:
            raise ServiceError(f"《{template.title}》是区级表单，为本区填写，不选择集群。", field="cluster")
        subject: Any = district
        subject_name = district.region_name or district.name
    else:
        if cluster is None or district is not None:
            raise ServiceError(f"《{template.title}》按集群填写，请选择集群。", field="cluster")
        require(perms.can_create_filing(actor, cluster, applicant))
        subject, subject_name = cluster, str(cluster)
    if not 2000 <= int(reporting_year) <= 2100:
        raise ServiceError("填报年度应为四位年份。", field="reporting_year")
    with transaction.atomic():
        if Filing.objects.filter(
            cluster=cluster,
            district=district,
            template_code=template_code,
            reporting_year=reporting_year,
            campaign_ref=campaign_ref,
        ).exists():
            raise ServiceError(
                f"“{subject_name}”{reporting_year}年度的《{template.title}》已经存在，请在“我的填报”中打开。",
                field="template",
            )
        filing = Filing(
            cluster=cluster,
            district=district,
            template_code=template_code,
            template_version=template_version,
            template_title=template.title,
            reporting_year=reporting_year,
            campaign_ref=campaign_ref,
            applicant=applicant,
            created_by=actor,
            updated_by=actor,
        )
        sources: list[dict[str, Any]] = []
        if prefill:
            filing.data, sources = prefill_values(
                template, cluster=cluster, district=district, reporting_year=reporting_year
            )
        filing.prefilled_from = sources
        filing.save()
        _rebuild_values(filing, template)
        _record(filing, kind=RevisionKind.CREATE, actor=actor, changes=data_diff({}, filing.data))
        audit_record(
            actor=actor,
            action="filing.create",
            action_label="新建填报",
            obj=filing,
            subject=subject,
            changes={
                "模板": f"{template.title}（{template_version}版）",
                "年度": reporting_year,
                "申报（填报）主体": applicant.label,
            },
            note="；".join(s.get("label", "") for s in sources)
            and "预填来源：" + "；".join(s["label"] for s in sources),
        )
    return filing


# —— save draft ————————————————————————————————————————————————————————————————————————


def _check_text_limits(explanations: Mapping[str, str], overrides: Mapping[str, Mapping[str, Any]]) -> None:
    for code, text in explanations.items():
        if len(str(text)) > EXPLANATION_MAX_CHARS:
            raise ServiceError(f"警示说明不能超过 {EXPLANATION_MAX_CHARS} 字。", field=f"explain:{code}")
    for key, item in overrides.items():
        if len(str((item or {}).get("reason", "")).strip()) > tot.OVERRIDE_REASON_MAX_CHARS:
            raise ServiceError(
                f"与企业库不一致的原因不能超过 {tot.OVERRIDE_REASON_MAX_CHARS} 字。", field=f"override:{key}"
            )


def filing_save_draft(
    *,
    actor: Any,
    filing: Filing,
    values: Mapping[str, Any],
    expected_revision: int,
    warning_explanations: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
    merge: bool = False,
) -> SaveResult:
    """Save the operator's values (保存草稿).

    `values` holds the fields being saved ({key: value in the definitions' format}); missing
    keys keep their stored value. Refused when the filing moved on since `expected_revision`
    (FilingConflict: nothing saved, the caller keeps the user's values) or when a value is
    malformed (FilingInvalid listing every issue: text in a number, three decimals, too long,
    negative count, a percentage over 100 …). Cross-field findings do not block a draft.
    """
    require(perms.can_edit_filing(actor, filing))
    template = template_of(filing)
    unknown = sorted(k for k in values if k not in template.fields)
    if unknown:
        raise ServiceError(f"表单中没有栏目“{unknown[0]}”。", field=unknown[0])
    explanations = {str(k): str(v).strip() for k, v in (warning_explanations or {}).items()}
    _check_text_limits(explanations, overrides or {})
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_edit_filing(actor, locked))
        if locked.revision != expected_revision:
            theirs = changes_since(locked, expected_revision)
            raise FilingConflict(
                "保存未成功：在您编辑期间，其他人已保存了这份表单"
                f"（您编辑的是第 {expected_revision} 版，当前为第 {locked.revision} 版）。"
                "您的填写内容没有丢失，请对照对方的修改逐项合并后再保存。",
                based_on=expected_revision,
                current=locked.revision,
                theirs=theirs,
                authors=_authors_since(locked, expected_revision),
            )
        editable = perms.editable_field_keys(actor, locked)
        new_data = dict(locked.data or {})
        for key, value in values.items():
            if editable is not None and key not in editable:
                if _canon(value) != _canon(new_data.get(key)) and not (
                    _is_blank(value) and _is_blank(new_data.get(key))
                ):
                    _ok, reason = perms.can_edit_field(actor, locked, key)
                    raise ServiceError(reason or f"栏目“{template.field(key).label}”不能更改。", field=key)
                continue
            if _is_blank(value):
                new_data.pop(key, None)
            else:
                new_data[key] = value
        changes = data_diff(locked.data or {}, new_data)
        new_expl = {k: v for k, v in {**(locked.warning_explanations or {}), **explanations}.items() if v}
        issues = validate(
            template, new_data, for_submit=False, evidenced=evidenced_slots(locked), explanations=new_expl
        )
        blocking = [i for i in issues if i.severity == "error" and i.field in changes and _is_value_issue(i)]
        if blocking:
            raise FilingInvalid(f"有 {len(blocking)} 处填写不符合要求，本次未保存，请按提示修改。", blocking)
        expl_changes = data_diff(locked.warning_explanations or {}, new_expl)
        figures = tot.field_figures(template, new_data, locked.cluster)
        new_overrides = tot.stored_overrides(figures, overrides or {}, locked.overrides or {})
        for key, item in new_overrides.items():
            figures[key].reason = item["reason"]
        issues += tot.override_issues(figures)
        ov_changes = data_diff(locked.overrides or {}, new_overrides)
        if not changes and not expl_changes and not ov_changes:
            return SaveResult(locked, {}, issues, figures)
        locked.data = new_data
        locked.warning_explanations = new_expl
        locked.overrides = new_overrides
        locked.revision += 1
        locked.updated_by = actor
        locked.save()
        if changes:
            _rebuild_values(locked, template)
        all_changes: dict[str, Any] = dict(changes)
        all_changes.update({f"_explain:{k}": v for k, v in expl_changes.items()})
        all_changes.update({f"_override:{k}": v for k, v in ov_changes.items()})
        _record(locked, kind=RevisionKind.MERGE if merge else RevisionKind.SAVE, actor=actor, changes=all_changes)
        audit_record(
            actor=actor,
            action="filing.merge" if merge else "filing.save",
            action_label="合并保存填报" if merge else "保存填报草稿",
            obj=locked,
            subject=locked.subject,
            changes={"版本": locked.revision, "修改栏目": [template.field(k).label for k in changes]},
        )
    filing.refresh_from_db()
    return SaveResult(filing, changes, issues, figures)


# Issue codes (their last part) about the shape of one value, as opposed to cross-field rules
# or completeness findings: these refuse a draft save.
VALUE_ISSUE_SUFFIXES = frozenset({"nan", "int", "dp", "neg", "pct", "len", "date", "type", "option", "none", "max"})


def _is_value_issue(issue: Issue) -> bool:
    return not issue.code.startswith("rule:") and issue.code.rsplit(":", 1)[-1] in VALUE_ISSUE_SUFFIXES


# —— evidence ——————————————————————————————————————————————————————————————————————————


def _evidence_slot_label(template: Template, field_key: str, option_key: str) -> str:
    f = template.field(field_key)
    if option_key:
        opt = f.option(option_key)
        return f"{f.label} · {opt.label if opt else option_key}"
    return f.label


def evidence_upload(*, actor: Any, filing: Filing, field_key: str, option_key: str = "", file: Any) -> Evidence:
    """Attach a 佐证材料 file to a field (and checkbox option). Type judged by content."""
    template = template_of(filing)
    if field_key not in template.fields:
        raise ServiceError("表单中没有该栏目，不能上传佐证材料。", field="file")
    f = template.field(field_key)
    if option_key:
        opt = f.option(option_key)
        if opt is None:
            raise ServiceError("该栏目没有这个选项，不能上传佐证材料。", field="file")
    require(perms.can_upload_evidence(actor, filing, field_key))
    stored = ev.check_and_store(file, getattr(file, "name", "") or "", getattr(file, "size", None))
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_upload_evidence(actor, locked, field_key))
        item = Evidence.objects.create(
            filing=locked,
            field_key=field_key,
            option_key=option_key,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            sha256=stored.sha256,
            content_type=stored.kind.content_type,
            size=stored.size,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="filing.evidence_upload",
            action_label="上传佐证材料",
            obj=item,
            subject=locked,
            changes={
                "栏目": _evidence_slot_label(template, field_key, option_key),
                "文件": stored.original_name,
                "类型": stored.kind.label,
                "大小": stored.size,
                "SHA-256": stored.sha256,
            },
        )
    return item


def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    """Remove a 佐证材料 file from a filing; the stored file goes when nothing else uses it."""
    from django.core.files.storage import default_storage

    filing = evidence.filing
    require(perms.can_delete_evidence(actor, evidence))
    template = template_of(filing)
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_edit_field(actor, locked, evidence.field_key))
        name, sha, stored_name = evidence.original_name, evidence.sha256, evidence.stored_name
        audit_record(
            actor=actor,
            action="filing.evidence_delete",
            action_label="删除佐证材料",
            obj=evidence,
            subject=locked,
            changes={
                "栏目": _evidence_slot_label(template, evidence.field_key, evidence.option_key),
                "文件": name,
                "SHA-256": sha,
            },
        )
        evidence.delete()
        if not Evidence.objects.filter(sha256=sha).exists():
            transaction.on_commit(lambda: default_storage.delete(stored_name))


# —— submit, return, lock ——————————————————————————————————————————————————————————————


def filing_submit(*, actor: Any, filing: Filing, expected_revision: int | None = None) -> Filing:
    """Submit (提交): every error blocks, every warning needs a written explanation."""
    require(perms.can_submit_filing(actor, filing))
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_submit_filing(actor, locked))
        if expected_revision is not None and locked.revision != expected_revision:
            raise FilingConflict(
                "提交未成功：在您查看期间，其他人已修改了这份表单，请先查看最新内容。",
                based_on=expected_revision,
                current=locked.revision,
                theirs=changes_since(locked, expected_revision),
                authors=_authors_since(locked, expected_revision),
            )
        issues = filing_issues(locked, for_submit=True)
        blocking = [i for i in issues if i.blocking]
        if blocking:
            errors = sum(1 for i in blocking if i.severity == "error")
            warnings = len(blocking) - errors
            parts = []
            if errors:
                parts.append(f"{errors} 处错误需要改正")
            if warnings:
                parts.append(f"{warnings} 处警示需要填写说明")
            raise FilingInvalid("不能提交：" + "，".join(parts) + "。", blocking)
        previous_status = locked.status
        locked.status = FilingStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.updated_by = actor
        locked.reopened_fields = []
        locked.revision += 1
        locked.save()
        _record(locked, kind=RevisionKind.SUBMIT, actor=actor, changes={}, snapshot=True)
        audit_record(
            actor=actor,
            action="filing.submit",
            action_label="提交填报" if previous_status == FilingStatus.DRAFT else "退回后重新提交",
            obj=locked,
            subject=locked.subject,
            changes={"状态": [FilingStatus(previous_status).label, FilingStatus.SUBMITTED.label]},
            note=f"已说明的警示 {sum(1 for i in issues if i.severity == 'warning')} 处",
        )
    filing.refresh_from_db()
    return filing


def filing_return(*, actor: Any, filing: Filing, field_reasons: Mapping[str, str]) -> Filing:
    """Return for correction (退回修改) with a reason per field; re-opens only those fields."""
    require(perms.can_return_filing(actor, filing))
    template = template_of(filing)
    reasons = {str(k): str(v).strip() for k, v in field_reasons.items()}
    if not reasons:
        raise ServiceError("退回修改时请至少指明一个需要修改的栏目并写明原因。", field="field_reasons")
    for key, reason in reasons.items():
        if key not in template.fields:
            raise ServiceError(f"表单中没有栏目“{key}”。", field=key)
        f = template.field(key)
        if f.by_reviewer:
            raise ServiceError(f"栏目“{f.label}”{f.filled_by_note}，不能退回给申报（填报）单位修改。", field=key)
        if not reason:
            raise ServiceError(f"请写明栏目“{f.label}”的退回原因。", field=key)
        if len(reason) > REASON_MAX_CHARS:
            raise ServiceError(f"栏目“{f.label}”的退回原因不能超过 {REASON_MAX_CHARS} 字。", field=key)
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_return_filing(actor, locked))
        locked.status = FilingStatus.RETURNED
        locked.reopened_fields = sorted(reasons)
        locked.return_reasons = reasons
        locked.revision += 1
        locked.updated_by = actor
        locked.save()
        _record(
            locked,
            kind=RevisionKind.RETURN,
            actor=actor,
            changes={f"_return:{k}": [None, v] for k, v in reasons.items()},
        )
        audit_record(
            actor=actor,
            action="filing.return",
            action_label="退回修改",
            obj=locked,
            subject=locked.subject,
            changes={template.field(k).label: v for k, v in reasons.items()},
        )
    filing.refresh_from_db()
    return filing


def reviewer_fields(filing: Filing, party: str) -> list[Any]:
    """The template fields `party` (district / city / province) fills, in the original's order."""
    template = template_of(filing)
    return [template.field(k) for k in template.keys_filled_by(party)]


def filing_fill_reviewer_fields(
    *, actor: Any, filing: Filing, party: str, values: Mapping[str, Any], note: str = ""
) -> Filing:
    """The reviewing authority fills its part of the form (审核方填写: 区级推荐意见、考核意见、
    省级推荐意见 with their seal and date), usually from the review workflow's transition form.

    Only the fields the template marks `filled_by: <party>` may be given; missing keys keep
    their value. The party's fields are validated as at a submission (format, and its required
    fields such as the opinion); the applicant's fields are neither required nor changed. The
    form must be submitted and not locked. Audited; the revision keeps the field-level diff.
    """
    require(perms.can_fill_reviewer_fields(actor, filing, party))
    template = template_of(filing)
    allowed = set(template.keys_filled_by(party))
    for key in values:
        if key not in template.fields:
            raise ServiceError(f"表单中没有栏目“{key}”。", field=key)
        if key not in allowed:
            f = template.field(key)
            who = FILLED_BY_PARTIES[f.filled_by]
            raise ServiceError(f"栏目“{f.label}”由{who}填写，{FILLED_BY_PARTIES[party]}不能填写。", field=key)
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_fill_reviewer_fields(actor, locked, party))
        new_data = dict(locked.data or {})
        for key, value in values.items():
            value = value.strip() if isinstance(value, str) else value
            if _is_blank(value):
                new_data.pop(key, None)
            else:
                new_data[key] = value
        issues = validate(template, new_data, for_submit=True, evidenced=evidenced_slots(locked), party=party)
        blocking = [i for i in issues if i.field in allowed and i.severity == "error"]
        if blocking:
            raise FilingInvalid(
                f"{FILLED_BY_PARTIES[party]}填写的栏目有 {len(blocking)} 处不符合要求："
                + "；".join(i.message for i in blocking),
                blocking,
            )
        changes = data_diff(locked.data or {}, new_data)
        if not changes:
            return locked
        locked.data = new_data
        locked.revision += 1
        locked.updated_by = actor
        locked.save()
        _rebuild_values(locked, template)
        _record(locked, kind=RevisionKind.REVIEW_FILL, actor=actor, changes=changes)
        audit_record(
            actor=actor,
            action="filing.review_fill",
            action_label=f"{FILLED_BY_PARTIES[party]}填写审核栏目",
            obj=locked,
            subject=locked.subject,
            changes={template.field(k).label: pair for k, pair in changes.items()},
            note=note,
        )
    filing.refresh_from_db()
    return filing


def filing_lock(*, actor: Any, filing: Filing, note: str = "") -> Filing:
    """Lock a submitted form (锁定): no further changes; the workflow decides when."""
    require(perms.can_lock_filing(actor, filing))
    with transaction.atomic():
        locked = _lock(filing)
        require(perms.can_lock_filing(actor, locked))
        locked.status = FilingStatus.LOCKED
        locked.revision += 1
        locked.updated_by = actor
        locked.save()
        _record(locked, kind=RevisionKind.LOCK, actor=actor, changes={})
        audit_record(
            actor=actor,
            action="filing.lock",
            action_label="锁定填报",
            obj=locked,
            subject=locked.subject,
            changes={"状态": [FilingStatus.SUBMITTED.label, FilingStatus.LOCKED.label]},
            note=note,
        )
    filing.refresh_from_db()
    return filing


def submission_diff(filing: Filing) -> dict[str, list[Any]]:
    """Diff between the last two submissions (a resubmission after a return), for reviewers."""
    snaps = list(filing.revisions.filter(kind=RevisionKind.SUBMIT).exclude(snapshot=None).order_by("-number")[:2])
    if len(snaps) < 2:
        return {}
    return data_diff(snaps[1].snapshot or {}, snaps[0].snapshot or {})
