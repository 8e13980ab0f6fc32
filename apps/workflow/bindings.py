"""Binds the workflow to the filings app's `Filing` (填报表单).

A submission whose campaign track names a form template gets a Filing (created by the operator
through `services.forms.submission_open_form`). From then on:
- submitting (提交申报 / 重新提交) runs `filing_submit`, so every error blocks and every warning
  needs its written explanation before the submission moves on;
- 退回修改 / 退回补正 runs `filing_return` with the reviewer's reasons per field, which re-opens
  only those fields; the keys are the template's field keys and the pages show them by label
  (“二、主导产业情况 · 集群企业数量”);
- the authority locks the form when the review no longer needs the operator (`filing_lock`);
- a transition with the effect `subject_fill` (区级推荐 / 区确认 / 省级推荐) writes the acting
  reviewer's own fields of the form (the template's `filled_by: district|city|province`: opinion,
  seal, date) through `filing_fill_reviewer_fields`, the comment going to its `comment_field`
  (the first 2025 files get their reviewer's fields from their 填写方 overlay, see
  apps/filings/definitions/loader.py); a form version without such fields is left as it is;
- the reviewer's diff of a resubmission is the filings app's `submission_diff` (the snapshots
  kept in FilingRevision at each submission), read with the template's labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse

from .subjects import DiffRow, FormField, FormSection, ReviewerInput, SubjectAdapter, register_adapter


@dataclass(frozen=True)
class _Labels:
    flat: dict[str, str]
    groups: list[tuple[str, list[tuple[str, str]]]]


def _template(filing: Any) -> Any:
    from apps.filings.services import template_of

    return template_of(filing)


def _labels(filing: Any) -> _Labels:
    """Field keys a reviewer may flag, labelled with their section (computed fields have no
    stored value of their own: a reviewer flags the fields they are computed from; the fields a
    reviewer fills itself are never returned to the applicant)."""
    template = _template(filing)
    flat: dict[str, str] = {}
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for section in template.sections:
        rows = []
        for f in section.fields:
            if f.kind == "computed" or f.by_reviewer:
                continue
            label = f"{section.heading} · {f.label}"
            flat[f.key] = label
            rows.append((f.key, f.label))
        if rows:
            groups.append((section.heading, rows))
    return _Labels(flat, groups)


class FilingAdapter(SubjectAdapter):
    kind_label = "填报表单"

    def list_queryset(self, model: type[models.Model]) -> models.QuerySet[Any]:
        # str(filing) names the cluster, or the district of a district-level form (区级表单)
        return model._default_manager.select_related("cluster", "district")

    def revision(self, obj: models.Model) -> int | None:
        return int(obj.revision)  # type: ignore[attr-defined]

    def snapshot(self, obj: models.Model) -> dict[str, Any] | None:
        # FilingRevision keeps the whole form at each submission; events record the revision.
        return None

    def field_labels(self, obj: models.Model) -> dict[str, str]:
        return _labels(obj).flat

    def field_groups(self, obj: models.Model) -> list[tuple[str, list[tuple[str, str]]]]:
        return _labels(obj).groups

    def url(self, obj: models.Model) -> str:
        return reverse("filings:detail", args=[obj.pk])

    def edit_url(self, obj: models.Model, user: Any) -> str:
        from apps.filings.permissions import can_edit_filing

        if can_edit_filing(user, obj)[0]:  # type: ignore[arg-type]
            return reverse("filings:edit", args=[obj.pk])
        return ""

    def status_label(self, obj: models.Model) -> str:
        return str(obj.get_status_display())  # type: ignore[attr-defined]

    def open_issues(self, obj: models.Model) -> tuple[int, int] | None:
        """(errors, unexplained warnings) that would block a submission now."""
        from apps.filings.services import filing_issues

        blocking = [i for i in filing_issues(obj, for_submit=True) if i.blocking]  # type: ignore[arg-type]
        errors = sum(1 for i in blocking if i.severity == "error")
        return errors, len(blocking) - errors

    def resubmission_diff(self, obj: models.Model, flagged: set[str]) -> list[DiffRow] | None:
        from apps.filings.formdata import display
        from apps.filings.services import submission_diff

        template = _template(obj)
        labels = _labels(obj).flat
        order = {k: i for i, k in enumerate(template.fields)}
        changed = submission_diff(obj)  # type: ignore[arg-type]
        rows = []
        for key in sorted(changed, key=lambda k: (order.get(k, len(order)), k)):
            before, after = changed[key]
            f = template.fields.get(key)
            if f is not None and f.kind == "year_series" and isinstance(before, dict) and isinstance(after, dict):
                # Only the years that changed (“2024年 458” → “2024年 457”).
                years = [y for y in dict.fromkeys([*before, *after]) if before.get(y) != after.get(y)]
                before = {y: before[y] for y in years if y in before}
                after = {y: after[y] for y in years if y in after}
            rows.append(
                DiffRow(
                    key=key,
                    label=labels.get(key, f.label if f else key),
                    before=display(f, before) if f else str(before),
                    after=display(f, after) if f else str(after),
                    flagged=key in flagged,
                )
            )
        return rows

    def readonly_sections(self, obj: models.Model) -> list[FormSection]:
        from apps.filings.definitions import compute
        from apps.filings.formdata import display

        template = _template(obj)
        data = dict(obj.data or {})  # type: ignore[attr-defined]
        computed = compute(template, data)
        evidence: dict[str, int] = {}
        for field_key in obj.evidence.values_list("field_key", flat=True):  # type: ignore[attr-defined]
            evidence[field_key] = evidence.get(field_key, 0) + 1
        reopened = set(obj.reopened_fields or [])  # type: ignore[attr-defined]
        sections = []
        for section in template.sections:
            rows = []
            for f in section.fields:
                note = ""
                if f.kind == "computed":
                    parts = []
                    for k, c in computed.items():
                        if k != f.key and not k.startswith(f"{f.key}["):
                            continue
                        year = k[len(f.key) + 1 : -1] if k != f.key else ""
                        value = "—" if c.value is None else f"{c.value:.2f}"
                        parts.append(f"{year}年 {value}" if year else value)
                        note = c.explanation or f"计算公式：{c.formula}"
                    text = "；".join(parts) or "—"
                elif f.kind == "attachment":
                    text = f"已上传 {evidence.get(f.key, 0)} 个文件" if evidence.get(f.key) else "（未上传）"
                else:
                    text = display(f, data.get(f.key))
                rows.append(
                    FormField(
                        key=f.key,
                        label=f.label,
                        text=text,
                        evidence=evidence.get(f.key, 0),
                        reopened=f.key in reopened,
                        note=note or f.filled_by_note,
                    )
                )
            sections.append(FormSection(heading=section.heading, fields=rows))
        return sections

    def submit(self, *, actor: Any, obj: models.Model) -> None:
        from apps.filings.services import filing_submit

        if obj.status in ("draft", "returned"):  # type: ignore[attr-defined]
            filing_submit(actor=actor, filing=obj)  # type: ignore[arg-type]

    def record_assessment(self, *, actor: Any, obj: models.Model, submission: models.Model) -> None:
        """The result of the day of every rule set the form is checked against (data/dossier_maps/),
        stored with the submission (apps.assessment.AssessmentRecord) so reviewers see what was
        submitted, judged by the rules in force then, and record their judgments on it."""
        from apps.assessment.services import assessment_run
        from apps.filings.dossier import dossier_map, filing_dossier

        mapping = dossier_map(obj.template_code, obj.template_version)  # type: ignore[attr-defined]
        if mapping is None or obj.cluster_id is None:  # type: ignore[attr-defined]
            return  # rule sets judge a cluster; a district-level form (区级表单) has none
        data = filing_dossier(obj)  # type: ignore[arg-type]
        for ruleset_id in mapping.rulesets:
            assessment_run(
                actor=actor,
                cluster=obj.cluster,  # type: ignore[attr-defined]
                ruleset_id=ruleset_id,
                dossier_data=data,
                subject=submission,
                purpose="submission",
            )

    def reopen(self, *, actor: Any, obj: models.Model, field_reasons: dict[str, str]) -> None:
        from apps.filings.services import filing_return

        filing_return(actor=actor, filing=obj, field_reasons=field_reasons)  # type: ignore[arg-type]

    def lock(self, *, actor: Any, obj: models.Model) -> None:
        from apps.filings.services import filing_lock

        if obj.status != "locked":  # type: ignore[attr-defined]
            filing_lock(actor=actor, filing=obj, note="审核流程锁定")  # type: ignore[arg-type]

    def fill(
        self, *, actor: Any, obj: models.Model, role: str, values: dict[str, Any], comment: str, comment_field: str
    ) -> None:
        from apps.core.errors import ServiceError
        from apps.filings.definitions.types import FILLED_BY_PARTIES
        from apps.filings.services import filing_fill_reviewer_fields

        template = _template(obj)
        mine = template.keys_filled_by(role)
        party = FILLED_BY_PARTIES.get(role, role)
        if not mine:
            if values:  # the form has no part for this reviewer
                key = next(iter(values))
                raise ServiceError(
                    f"《{template.title}》（{template.version}版）没有由{party}填写的栏目，不能填写“{key}”。", field=key
                )
            return
        if comment_field and comment_field in values:
            label = template.field(comment_field).label if comment_field in template.fields else comment_field
            raise ServiceError(f"栏目“{label}”即本操作的意见，请填写在意见（comment）中。", field=comment_field)
        # Every other key goes to the service, which names an unknown field or another party's.
        given = dict(values)
        if comment_field in mine and comment:
            given[comment_field] = comment
        filing_fill_reviewer_fields(
            actor=actor,
            filing=obj,  # type: ignore[arg-type]
            party=role,
            values=given,
            note="审核流程办理时填写",
        )

    def reviewer_inputs(self, obj: models.Model, role: str, user: Any, comment_field: str) -> list[ReviewerInput]:
        """The reviewer's fields other than the one the comment fills; a seal line defaults to the
        reviewer's organisation, a date to today (both editable)."""
        from django.utils import timezone

        template = _template(obj)
        data = dict(obj.data or {})  # type: ignore[attr-defined]
        org = getattr(user, "organisation", None)
        out = []
        for key in template.keys_filled_by(role):
            if key == comment_field:
                continue
            f = template.field(key)
            value = data.get(key)
            if value in (None, ""):
                if f.kind == "date":
                    value = timezone.localdate().isoformat()
                elif f.kind == "text" and "公章" in f.label and org is not None:
                    value = org.name
            out.append(
                ReviewerInput(
                    key=key,
                    label=f.label,
                    kind=f.kind if f.kind in ("narrative", "date") else "text",
                    value="" if value is None else str(value),
                    required=f.required,
                    max_chars=f.max_chars,
                    help=f.help,
                )
            )
        return out


def bind_subjects() -> None:
    register_adapter("filings.filing", FilingAdapter())
