"""Service functions of the review cycle (all state changes go through these)."""

from .campaigns import campaign_attach, campaign_create, campaign_publish
from .engine import available_transitions, submission_bind_subject, submission_start, transition_apply
from .experts import (
    aggregate_scores,
    conflict_declare,
    conflicts_of,
    expert_draw,
    expert_draw_replay,
    ranking,
    review_assign,
    score_save,
)
from .forms import application_start, submission_open_form
from .lifecycle import (
    bulk_transition,
    objection_handle,
    objection_record,
    overdue_submissions,
    recognition_revoke,
    recognitions_due_for_rereview,
    send_deadline_reminders,
)
from .notify import notification_mark_read, notify

__all__ = [
    "aggregate_scores",
    "application_start",
    "available_transitions",
    "bulk_transition",
    "campaign_attach",
    "campaign_create",
    "campaign_publish",
    "conflict_declare",
    "conflicts_of",
    "expert_draw",
    "expert_draw_replay",
    "notification_mark_read",
    "notify",
    "objection_handle",
    "objection_record",
    "overdue_submissions",
    "ranking",
    "recognition_revoke",
    "recognitions_due_for_rereview",
    "review_assign",
    "score_save",
    "send_deadline_reminders",
    "submission_bind_subject",
    "submission_open_form",
    "submission_start",
    "transition_apply",
]
