"""The reviewer's own form fields on a transition form (effect `subject_fill`), e.g. the district's
推荐单位（公章） and 推荐日期 beside its 推荐意见 (the comment)."""

from __future__ import annotations

from typing import Any

from django import template

from ..subjects import ReviewerInput, adapter_for

register = template.Library()


@register.simple_tag
def subject_fill_inputs(submission: Any, transition: Any, user: Any) -> list[ReviewerInput]:
    subject = submission.subject
    if subject is None:
        return []
    return adapter_for(subject).reviewer_inputs(subject, transition.role, user, transition.comment_field)
