"""Models of the review cycle (审核流程): campaigns, submissions and their events, expert review,
public notice objections, revocations and notifications."""

from .campaigns import AUDIENCES, Audience, Campaign, CampaignAttachment, CampaignDeadline, CampaignTrack
from .experts import ConflictDeclaration, ExpertDraw, ExpertProfile, ExpertScore, ReviewAssignment, ScoreStatus
from .lifecycle import Objection, ObjectionStatus, Revocation, RevocationGround
from .notifications import Notification
from .submissions import Submission, WorkflowEvent

__all__ = [
    "AUDIENCES",
    "Audience",
    "Campaign",
    "CampaignAttachment",
    "CampaignDeadline",
    "CampaignTrack",
    "ConflictDeclaration",
    "ExpertDraw",
    "ExpertProfile",
    "ExpertScore",
    "Notification",
    "Objection",
    "ObjectionStatus",
    "ReviewAssignment",
    "Revocation",
    "RevocationGround",
    "ScoreStatus",
    "Submission",
    "WorkflowEvent",
]
