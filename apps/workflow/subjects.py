"""Subject adapters: what the workflow needs from the object a submission is about (the filled
form): its revision number, a snapshot for diffs, its field keys and labels, and the hooks for
submit / return (re-open flagged fields) / lock.

Adapters are registered per model label. The filings app's `Filing` is bound in
`apps.workflow.apps`; any other model works with the generic adapter (revision from a `revision`
or `version` attribute, no hooks), so the engine runs without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DiffRow:
    """One field changed between the returned version and the resubmission."""

    key: str
    label: str
    before: str
    after: str
    flagged: bool


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    text: str
    evidence: int = 0
    reopened: bool = False
    note: str = ""


@dataclass(frozen=True)
class FormSection:
    heading: str
    fields: list[FormField] = field(default_factory=list)

    @property
    def has_reopened(self) -> bool:
        return any(f.reopened for f in self.fields)


class SubjectAdapter:
    """Generic adapter: reads `revision` / `version`, knows no fields, does nothing on hooks."""

    kind_label = "关联对象"

    def list_queryset(self, model: type[models.Model]) -> models.QuerySet[Any]:
        """How a list of submissions loads subjects of this adapter's model (what `str(subject)`
        and the adapter's labels read), so a list asks once per subject model, not per row."""
        return model._default_manager.all()

    def revision(self, obj: models.Model) -> int | None:
        for attr in ("revision", "version"):
            value = getattr(obj, attr, None)
            if isinstance(value, int):
                return value
        return None

    def snapshot(self, obj: models.Model) -> dict[str, Any] | None:
        return None

    def field_labels(self, obj: models.Model) -> dict[str, str] | None:
        """{field key: label} of the fields a reviewer may flag; None when unknown."""
        return None

    def field_groups(self, obj: models.Model) -> list[tuple[str, list[tuple[str, str]]]]:
        """[(group heading, [(field key, label)])] for the reviewer's field picker."""
        labels = self.field_labels(obj)
        return [("", list(labels.items()))] if labels else []

    def url(self, obj: models.Model) -> str:
        return ""

    def edit_url(self, obj: models.Model, user: Any) -> str:
        """Where `user` fills the form now ("" when they may not)."""
        return ""

    def status_label(self, obj: models.Model) -> str:
        return ""

    def open_issues(self, obj: models.Model) -> tuple[int, int] | None:
        """(errors, unexplained warnings) that would block a submission; None when unknown."""
        return None

    def resubmission_diff(self, obj: models.Model, flagged: set[str]) -> list[DiffRow] | None:
        """Fields changed by the last resubmission; None: compare the events' snapshots."""
        return None

    def readonly_sections(self, obj: models.Model) -> list[FormSection]:
        """The form's content for reviewers (read-only)."""
        return []

    def submit(self, *, actor: Any, obj: models.Model) -> None:
        return None

    def record_assessment(self, *, actor: Any, obj: models.Model, submission: models.Model) -> None:
        """Keep the rule assessment of what was just submitted with the submission (if any)."""
        return None

    def reopen(self, *, actor: Any, obj: models.Model, field_reasons: dict[str, str]) -> None:
        return None

    def lock(self, *, actor: Any, obj: models.Model) -> None:
        return None

    def fill(
        self, *, actor: Any, obj: models.Model, role: str, values: dict[str, Any], comment: str, comment_field: str
    ) -> None:
        """The acting reviewer (`role`) writes its own part of the subject (effect subject_fill)."""
        return None

    def reviewer_inputs(self, obj: models.Model, role: str, user: Any, comment_field: str) -> list[ReviewerInput]:
        """The subject's fields `role` fills on the transition form (besides the comment)."""
        return []


@dataclass(frozen=True)
class ReviewerInput:
    """One field of the subject a reviewer fills on the transition form (e.g. 推荐单位（公章）)."""

    key: str
    label: str
    kind: str  # "text" | "narrative" | "date"
    value: str
    required: bool = False
    max_chars: int | None = None
    help: str = ""


class ClusterAdapter(SubjectAdapter):
    """A cluster's basic information (集群基本情况) as a subject: used where no form is attached."""

    kind_label = "集群基本情况"

    FIELDS = {
        "name": "集群名称",
        "leading_industry": "主导产业（细分领域）",
        "domain": "主导产业所属产业领域",
        "area_km2": "集群占地面积（平方公里）",
        "core_parks": "核心园区",
        "description": "简介",
    }

    def snapshot(self, obj: models.Model) -> dict[str, Any]:
        from apps.core.audit import snapshot

        return snapshot(obj, self.FIELDS)

    def field_labels(self, obj: models.Model) -> dict[str, str]:
        return dict(self.FIELDS)


_adapters: dict[str, SubjectAdapter] = {"clusters.cluster": ClusterAdapter()}
_generic = SubjectAdapter()


def register_adapter(model_label: str, adapter: SubjectAdapter) -> None:
    _adapters[model_label.lower()] = adapter


def subject_prefetch() -> Any:
    """`prefetch_related` argument loading the subjects of a list of submissions with each
    adapter's `list_queryset` (one query per subject model)."""
    from django.apps import apps
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    querysets = [adapter.list_queryset(apps.get_model(label)) for label, adapter in _adapters.items()]
    return GenericPrefetch("subject", querysets)


def adapter_for(obj: models.Model | None) -> SubjectAdapter:
    if obj is None:
        return _generic
    return _adapters.get(obj._meta.label_lower, _generic)
