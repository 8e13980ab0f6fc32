"""Signals of the assessment app, for other apps to follow its state changes without it
importing them.

`evaluation_submitted(sender=ServiceEvaluation, evaluation, submission, actor)` is sent inside the
transaction of `services.evaluation_submit`, after the evaluator's EvaluatorSubmission is stored;
a receiver raising ServiceError undoes the whole submit.
"""

from __future__ import annotations

from django.dispatch import Signal

evaluation_submitted = Signal()
