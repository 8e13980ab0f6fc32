"""Factories for the review cycle: campaigns with deadlines, submissions in any state, experts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.orgs.models import Organisation, Role, User
from apps.workflow.models import Campaign, CampaignDeadline, CampaignTrack, ExpertProfile, Submission
from apps.workflow.models.campaigns import CampaignStatus

from . import factories as f


def campaign(
    authority: Organisation,
    creator: User,
    *,
    document_number: str = "沪经信企〔2025〕73号",
    year: int = 2025,
    deadlines: dict[str, datetime] | None = None,
    tracks: tuple[tuple[str, str], ...] = (("municipal_application", "new_applicants"),),
    templates: dict[str, str] | None = None,
    **kwargs: Any,
) -> Campaign:
    """A published campaign; deadlines default to 30 days ahead for every stage. `templates`
    gives a track its form template ({workflow key: template code}, version 2025)."""
    ahead = timezone.now() + timedelta(days=30)
    c = Campaign.objects.create(
        authority=authority,
        document_number=document_number,
        title="关于做好2025年中小企业特色产业集群培育工作的通知",
        body="请各区组织集群运营管理机构按时报送。",
        year=year,
        status=CampaignStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=creator,
        **kwargs,
    )
    for stage, due in (
        deadlines
        or {
            "operator_submission": ahead,
            "application_submission": ahead,
            "district_review": ahead,
            "city_review": ahead,
            "provincial_recommendation": ahead,
        }
    ).items():
        CampaignDeadline.objects.create(campaign=c, stage=stage, due_at=due)
    for key, audience in tracks:
        code = (templates or {}).get(key, "")
        CampaignTrack.objects.create(
            campaign=c,
            workflow_key=key,
            workflow_version=1,
            audience=audience,
            title="上海市中小企业特色产业集群申报表" if code else key,
            template_code=code,
            template_version="2025" if code else "",
        )
    return c


def sh_application_campaign(world: Any, **kwargs: Any) -> Campaign:
    """The Shanghai campaign asking new applicants for the 2025 municipal application form."""
    return campaign(
        world.shanghai, world.city_staff, templates={"municipal_application": "sh_municipal_application"}, **kwargs
    )


def complete_application(world: Any, filing: Any) -> Any:
    """Fill the application form completely (values, explanations, evidence) as its operator."""
    from apps.workflow.demo_forms import fill_application

    operator = next(
        u for u in (world.operator, world.operator_huangpu) if u.organisation_id == filing.cluster.operator_id
    )
    return fill_application(actor=operator, filing=filing)


def submission(
    campaign: Campaign | None,
    cluster: Any,
    *,
    workflow_key: str = "municipal_application",
    state: str = "draft",
    district: Organisation | None = None,
    subject: Any = None,
) -> Submission:
    from django.contrib.contenttypes.models import ContentType

    track = campaign.tracks.filter(workflow_key=workflow_key).first() if campaign else None
    return Submission.objects.create(
        campaign=campaign,
        track=track,
        workflow_key=workflow_key,
        workflow_version=1,
        cluster=cluster,
        district=district or cluster.district,
        year=campaign.year if campaign else 2025,
        state=state,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )


def expert(
    pool: Organisation,
    username: str,
    *,
    specialties: list[str],
    district: Organisation | None = None,
    affiliation: str = "上海某大学",
    email: str = "",
) -> User:
    user = f.user_with(pool, Role.EXPERT, username=username)
    user.specialties = specialties
    user.email = email or f"{username}@example.cn"
    user.save()
    ExpertProfile.objects.create(user=user, affiliation=affiliation, district=district)
    return user


# ---- access-matrix entries (tests/access_registry.py imports these) ----------------------------


def _prepare(w: Any) -> None:
    """Campaigns in Shanghai and Zhejiang with a submission each, assignments, an objection,
    an attachment and a notification, stored on the world for the matrix's kwargs."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from apps.orgs.models import Assignment
    from apps.workflow.models import CampaignAttachment, Notification, Objection, ReviewAssignment

    if getattr(w, "wf_campaign", None) is not None:
        return
    w.wf_campaign = campaign(w.shanghai, w.city_staff)
    w.wf_campaign_zj = campaign(w.zhejiang, w.province_zj_admin, document_number="浙经信企〔2025〕9号")
    w.wf_sub = submission(w.wf_campaign, w.cluster_pudong, state="expert_review")
    w.wf_sub_xihu = submission(w.wf_campaign_zj, w.cluster_xihu, state="expert_review")
    ReviewAssignment.objects.create(submission=w.wf_sub, expert=w.expert, method="manual", assigned_by=w.city_staff)
    ct = ContentType.objects.get_for_model(Submission)
    Assignment.objects.create(user=w.expert, content_type=ct, object_id=w.wf_sub.pk, purpose="expert_review")
    Assignment.objects.create(user=w.evaluator, content_type=ct, object_id=w.wf_sub.pk, purpose="evaluation")
    w.wf_objection = Objection.objects.create(
        submission=w.wf_sub,
        objector_name="王某",
        objector_contact="13800000000",
        content="异议",
        recorded_by=w.city_staff,
    )
    w.wf_objection_xihu = Objection.objects.create(
        submission=w.wf_sub_xihu,
        objector_name="李某",
        objector_contact="13900000000",
        content="异议",
        recorded_by=w.province_zj_admin,
    )
    atts = []
    for c, who in ((w.wf_campaign, w.city_staff), (w.wf_campaign_zj, w.province_zj_admin)):
        a = CampaignAttachment(campaign=c, name="附件1", uploaded_by=who)
        a.file.save("附件1.txt", ContentFile("附件内容".encode()), save=True)
        atts.append(a)
    w.wf_attachment, w.wf_attachment_zj = atts
    w.wf_note = Notification.objects.create(
        recipient=w.operator, key="matrix", title="测试消息", url="/workflow/inbox/"
    )
    w.wf_note_zj = Notification.objects.create(recipient=w.province_zj_admin, key="matrix", title="测试消息")
    # Each submission's application form (填报表单), bound as its subject.
    from tests.factories_filings import FilingFactory

    w.wf_filing = FilingFactory(cluster=w.cluster_pudong, created_by=w.operator, campaign_ref="沪经信企〔2025〕73号")
    w.wf_filing_xihu = FilingFactory(
        cluster=w.cluster_xihu, created_by=w.city_staff, campaign_ref="浙经信企〔2025〕9号"
    )
    for sub, filing in ((w.wf_sub, w.wf_filing), (w.wf_sub_xihu, w.wf_filing_xihu)):
        sub.subject_type = ContentType.objects.get_for_model(filing)
        sub.subject_id = filing.pk
        sub.save(update_fields=["subject_type", "subject_id"])


def workflow_access_entries() -> dict[str, Any]:
    from tests.access_registry import AUTHORITIES, CITY, EVERYONE, NO_ONE, Access

    viewers = AUTHORITIES | {"operator", "expert", "evaluator"}
    camp_in = lambda w: {"pk": w.wf_campaign.pk}  # noqa: E731
    camp_out = lambda w: {"pk": w.wf_campaign_zj.pk}  # noqa: E731
    sub_in = lambda w: {"pk": w.wf_sub.pk}  # noqa: E731
    sub_out = lambda w: {"pk": w.wf_sub_xihu.pk}  # noqa: E731
    post302 = {"method": "post", "ok": frozenset({302}), "setup": _prepare}
    e: dict[str, Any] = {}
    e["workflow:campaign_list"] = Access(allowed=EVERYONE)
    e["workflow:campaign_create"] = Access(allowed=CITY | {"ministry"}, forbidden=EVERYONE - CITY - {"ministry"})
    e["workflow:campaign_detail"] = Access(allowed=EVERYONE, inside=camp_in, outside=camp_out, setup=_prepare)
    for name in ("workflow:campaign_publish", "workflow:campaign_attach"):
        e[name] = Access(allowed=CITY, forbidden=EVERYONE - CITY, inside=camp_in, outside=camp_out, **post302)
    e["workflow:submission_start"] = Access(
        allowed=frozenset({"operator"}),
        forbidden=EVERYONE - {"operator", "nobody"},
        inside=camp_in,
        outside=camp_out,
        data=lambda w: {"track": w.wf_campaign.tracks.first().pk, "cluster": w.cluster_pudong.pk},
        notes="the Pudong cluster already has its application: refused with a message; nobody has no cluster → 404",
        **post302,
    )
    for name in ("workflow:review_draw", "workflow:review_ranking"):
        e[name] = Access(allowed=CITY, forbidden=EVERYONE - CITY, inside=camp_in, outside=camp_out, setup=_prepare)
    for name in (
        "workflow:bulk",
        "workflow:list_recommendation",
        "workflow:list_rereview",
        "workflow:list_publicity",
        "workflow:list_recognition",
    ):
        e[name] = Access(
            allowed=AUTHORITIES, forbidden=EVERYONE - AUTHORITIES, inside=camp_in, outside=camp_out, setup=_prepare
        )
    e["workflow:attachment_download"] = Access(
        allowed=EVERYONE,
        inside=lambda w: {"pk": w.wf_attachment.pk},
        outside=lambda w: {"pk": w.wf_attachment_zj.pk},
        setup=_prepare,
    )
    e["workflow:submission_list"] = Access(allowed=EVERYONE)
    e["workflow:submission_detail"] = Access(allowed=viewers, inside=sub_in, outside=sub_out, setup=_prepare)
    e["workflow:submission_transition"] = Access(
        allowed=viewers, inside=sub_in, outside=sub_out, notes="no transition named: refused with a message", **post302
    )
    e["workflow:submission_open_form"] = Access(
        allowed=viewers,
        inside=sub_in,
        outside=sub_out,
        notes="the submission already has its form (and is at expert review): refused with a message",
        **post302,
    )
    e["workflow:form_submission"] = Access(
        allowed=viewers,
        ok=frozenset({302}),
        inside=lambda w: {"pk": w.wf_filing.pk},
        outside=lambda w: {"pk": w.wf_filing_xihu.pk},
        setup=_prepare,
        notes="redirects to the submission the form belongs to",
    )
    for name in ("workflow:objection_create", "workflow:review_assign"):
        e[name] = Access(allowed=CITY, forbidden=viewers - CITY, inside=sub_in, outside=sub_out, **post302)
    e["workflow:objection_handle"] = Access(
        allowed=CITY,
        forbidden=viewers - CITY,
        inside=lambda w: {"pk": w.wf_objection.pk},
        outside=lambda w: {"pk": w.wf_objection_xihu.pk},
        **post302,
    )
    e["workflow:conflict_declare"] = Access(
        allowed=frozenset({"expert"}), forbidden=viewers - {"expert"}, inside=sub_in, outside=sub_out, **post302
    )
    e["workflow:review_score"] = Access(
        allowed=frozenset({"expert"}), forbidden=viewers - {"expert"}, inside=sub_in, outside=sub_out, setup=_prepare
    )
    e["workflow:inbox"] = Access(allowed=EVERYONE)
    e["workflow:calendar"] = Access(allowed=EVERYONE)
    e["workflow:notification_read"] = Access(
        allowed=frozenset({"operator"}),
        inside=lambda w: {"pk": w.wf_note.pk},
        outside=lambda w: {"pk": w.wf_note_zj.pk},
        outside_visible=NO_ONE,
        **post302,
    )
    # API (/api/workflow/): the same selectors; the transition reads its JSON body after the scope
    # check, so the matrix's empty form body is a 422 inside scope and a 404 outside.
    e["api:workflow_submissions"] = Access(allowed=EVERYONE)
    e["api:workflow_todo_list"] = Access(allowed=EVERYONE)
    e["api:workflow_submission"] = Access(allowed=viewers, inside=sub_in, outside=sub_out, setup=_prepare)
    e["api:workflow_transition"] = Access(
        allowed=viewers,
        inside=sub_in,
        outside=sub_out,
        method="post",
        ok=frozenset({422}),
        setup=_prepare,
        notes="form-encoded body: refused as not JSON (422) after the scope check",
    )
    e["workflow:lifecycle"] = Access(allowed=AUTHORITIES, forbidden=EVERYONE - AUTHORITIES)
    e["workflow:revoke"] = Access(
        allowed=CITY,
        forbidden=frozenset({"operator", "district", "ministry"}),
        inside=lambda w: {"pk": w.cluster_pudong.pk},
        outside=lambda w: {"pk": w.cluster_xihu.pk},
    )
    return e
