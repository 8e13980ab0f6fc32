"""Demo data of the review cycle (演示数据), registered with apps.core.demo.register_seeder.

A published demo campaign of the Shanghai commission modelled on 沪经信企〔2025〕73号 (invented
text, marked 演示 everywhere) with its three tracks — 年度发展情况报告 and 高效服务评价 for every
recognised cluster, 市级集群申报 for new applicants on the 2025 application form — and deadlines
relative to today: reports were due two days ago (as in the notice, reports come first),
applications are due in three weeks, the district review in six, the city review in ten.

Everything goes through the services (campaign_create/publish, application_start,
transition_apply, review_assign, score_save, filing services), so the rows, events, audit trail and
notifications are what real use would leave. States seeded:
- 杨浦 未来健康: an application in draft (form opened, cover filled);
- 浦东 智能算力: submitted, awaiting the Pudong district (demo_pudong);
- 嘉定 激光雷达: returned by the Jiading district with reasons on two fields (demo_jiading);
- 徐汇 智能芯片: at expert review with the three demo experts assigned, one score submitted;
- the Zhangjiang IC cluster's (demo_operator) annual report — a complete 2024 report on the
  annual-report form — submitted on time, awaiting the district; every other recognised
  cluster's annual report is overdue (no demo operator login files them), so the lifecycle page
  lists them; the service evaluations wait for their operators to start the evaluation form,
  except 临港 民用航空's (demo_op_pudong_aero): its self-assessment is submitted and the city has
  assigned the demo evaluator (demo_evaluator), who has it as 待评分.
Idempotent: a second run finds the campaign and changes nothing. Deterministic: no randomness.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from apps.core.demo import DEMO_PASSWORD, DemoLogin, DemoWorld

DOCUMENT_NUMBER = "沪经信企〔2025〕73号（演示）"
TITLE = "关于做好2025年中小企业特色产业集群培育工作的通知（演示）"
BODY = """【演示数据】本通知为平台演示而编写，参照沪经信企〔2025〕73号的结构，内容为虚构。

各区中小企业主管部门、有关单位：

为做好2025年中小企业特色产业集群培育工作，现将有关事项通知如下：

一、集群年度发展情况报告。请各国家级、市级集群运营主体总结2024年度集群发展情况，填报《中小企业特色产业集群年度发展情况报告》（附件1），由区级中小企业主管部门确认后报送。

二、集群高效服务指标评价。请各集群运营主体填报《推进中小企业特色产业集群高效服务评价表》（附件3），由第三方机构开展评价，评价结果“良好”及以上的集群可申报专项资金。

三、2025年度市级集群申报。请各区组织集群运营管理机构在线填写《上海市中小企业特色产业集群申报表》（附件4）并上传佐证材料，区级中小企业主管部门按期完成初审并推荐。

截止时间以本页“截止时间”所列为准。（演示）"""

APPLICANTS = [
    # (cluster key, username, display name, state)
    ("yp_health", "demo_op_yangpu", "杨浦未来健康集群填报（演示）", "draft"),
    ("pd_ai", "demo_op_pudong_ai", "浦东智能算力集群填报（演示）", "district_review"),
    ("jd_lidar", "demo_op_jiading_lidar", "嘉定激光雷达集群填报（演示）", "returned"),
    ("xh_chip", "demo_op_xuhui_chip", "徐汇智能芯片集群填报（演示）", "expert_review"),
]
EXPERT_AFFILIATIONS = {
    "expert1": ("上海某高校微电子学院（演示）", "教授"),
    "expert2": ("上海某生物医药研究院（演示）", "研究员"),
    "expert3": ("上海某装备工程咨询公司（演示）", "高级工程师"),
}


def _at(days: int, hour: int = 17) -> datetime:
    """A deadline `days` from today at `hour`:00, local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def _user(world: DemoWorld, key: str, username: str, org: Any, role: str, label: str) -> Any:
    from apps.orgs import services as org_services
    from apps.orgs.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = org_services.user_create(
            actor=None,
            username=username,
            organisation=org,
            roles={role},
            password=DEMO_PASSWORD,
            display_name=label,
            must_change_password=False,
        )
    world.users[key] = user
    world.logins.append(DemoLogin(username=username, role="、".join(user.role_labels()), organisation=org.name))
    return user


def _apply(actor: Any, sub: Any, transition: str, comment: str = "", **kw: Any) -> Any:
    from .services import transition_apply

    sub.refresh_from_db()
    return transition_apply(
        actor=actor, instance=sub, transition=transition, comment=comment, expected_state=sub.state, **kw
    )


def seed_workflow(world: DemoWorld) -> None:
    from apps.orgs.models import Role

    from .demo_forms import (
        ANNUAL_REPORT_TEMPLATE,
        ANNUAL_REPORT_VERSION,
        APPLICATION_TEMPLATE,
        APPLICATION_VERSION,
        SERVICE_EVALUATION_TEMPLATE,
        SERVICE_EVALUATION_VERSION,
        fill_application,
    )
    from .models import Campaign, ExpertProfile, Submission
    from .services import (
        application_start,
        campaign_create,
        campaign_publish,
        review_assign,
        score_save,
        submission_open_form,
    )
    from .services.evaluation import service_evaluation_assign

    city = world.users["city_staff"]
    xuhui = world.clusters["xh_chip"].district
    district_users = {
        "浦东新区": world.users["district"],
        "嘉定区": world.users["district_jd"],
        "徐汇区": _user(world, "district_xh", "demo_xuhui", xuhui, Role.DISTRICT_REVIEWER, "徐汇区审核（演示）"),
    }
    operators = {}
    for key, username, label, _state in APPLICANTS:
        cluster = world.clusters[key]
        operators[key] = _user(world, f"operator_{key}", username, cluster.operator, Role.OPERATOR_STAFF, label)
    for key, (affiliation, title) in EXPERT_AFFILIATIONS.items():
        ExpertProfile.objects.get_or_create(
            user=world.users[key], defaults={"affiliation": affiliation, "title": title}
        )
    if Campaign.objects.filter(document_number=DOCUMENT_NUMBER).exists():
        return  # seeded before: idempotent

    campaign = campaign_create(
        actor=city,
        document_number=DOCUMENT_NUMBER,
        title=TITLE,
        body=BODY,
        year=2025,
        tracks=[
            {
                "workflow": "annual_report",
                "audience": "recognised",
                "title": "中小企业特色产业集群年度发展情况报告（附件1）",
                "template_code": ANNUAL_REPORT_TEMPLATE,
                "template_version": ANNUAL_REPORT_VERSION,
            },
            {
                "workflow": "service_evaluation",
                "audience": "recognised",
                "title": "推进中小企业特色产业集群高效服务评价表（附件3）",
                "template_code": SERVICE_EVALUATION_TEMPLATE,
                "template_version": SERVICE_EVALUATION_VERSION,
            },
            {
                "workflow": "municipal_application",
                "audience": "new_applicants",
                "title": "上海市中小企业特色产业集群申报表（附件4）",
                "template_code": APPLICATION_TEMPLATE,
                "template_version": APPLICATION_VERSION,
            },
        ],
        deadlines={
            "operator_submission": _at(-2),
            "application_submission": _at(20),
            "district_review": _at(41),
            "city_review": _at(70),
        },
        recognition_prefix="沪集群（演示）",
        is_demo=True,
    )
    campaign_publish(actor=city, campaign=campaign)
    campaign.refresh_from_db()

    # The demo operator's annual report, submitted before the deadline and awaiting the district.
    report = Submission.objects.get(campaign=campaign, workflow_key="annual_report", cluster=world.clusters["pd_ic"])
    report_form = submission_open_form(actor=world.users["operator"], submission=report)
    fill_application(actor=world.users["operator"], filing=report_form, date=_at(-4).date().isoformat())
    _apply(world.users["operator"], report, "submit", now=_at(-4, 10))

    # 临港 民用航空's self-assessment (附件3), submitted on time; the city assigned the demo evaluator,
    # who has yet to score it (待评分).
    aero = world.clusters["pd_aero"]
    aero_operator = _user(
        world, "operator_pd_aero", "demo_op_pudong_aero", aero.operator, Role.OPERATOR_STAFF, "临港航空填报（演示）"
    )
    evaluation = Submission.objects.get(campaign=campaign, workflow_key="service_evaluation", cluster=aero)
    evaluation_form = submission_open_form(actor=aero_operator, submission=evaluation)
    fill_application(actor=aero_operator, filing=evaluation_form, date=_at(-5).date().isoformat())
    _apply(aero_operator, evaluation, "submit", now=_at(-5, 10))
    service_evaluation_assign(actor=city, submission=evaluation, evaluators=[world.users["evaluator"]])

    track = campaign.tracks.get(workflow_key="municipal_application")
    for key, _username, _label, state in APPLICANTS:
        cluster = world.clusters[key]
        operator = operators[key]
        district = district_users.get(cluster.district.region_name)
        sub = application_start(actor=operator, campaign=campaign, track=track, cluster=cluster)
        filing: Any = sub.subject
        if state == "draft":
            from apps.filings.services import filing_save_draft

            filing_save_draft(
                actor=operator,
                filing=filing,
                values={"cover_cluster_name": cluster.name, "cover_operator": cluster.operator.name},
                expected_revision=filing.revision,
            )
            continue
        fill_application(actor=operator, filing=filing, date=timezone.localdate().isoformat())
        _apply(operator, sub, "submit")
        if state == "returned":
            _apply(
                district,
                sub,
                "district_return",
                "请按以下意见修改后重新提交（演示）。",
                field_reasons={
                    "firm_count": "2024年集群企业数量与所附企业清单条数不一致，请核对（演示）",
                    "sme_rd_expense": "研发经费请按财税〔2015〕119号口径归集，并附计算过程（演示）",
                },
            )
        elif state == "expert_review":
            _apply(district, sub, "district_recommend", "材料齐全，符合申报条件，同意推荐（演示）。")
            _apply(city, sub, "city_accept", "形式审查通过（演示）。")
            for expert_key in ("expert1", "expert2", "expert3"):
                review_assign(actor=city, submission=sub, expert=world.users[expert_key])
            items = {
                "compliance": "5",
                "competitiveness": "17",
                "quality_firms": "8",
                "chain": "8",
                "innovation": "12",
                "digital": "8",
                "green": "7",
                "openness": "4",
                "governance": "12",
            }
            score_save(
                actor=world.users["expert1"],
                submission=sub,
                items=items,
                comment="主导产业特色鲜明，创新平台支撑较强；绿色化指标有提升空间（演示）。",
                submit=True,
            )


@transaction.atomic
def reset_workflow() -> None:
    """Remove the demo campaign, its submissions and everything hanging on them (run before the
    base world is deleted by `seed_demo --reset`)."""
    from django.core.files.storage import default_storage

    from apps.filings.models import Evidence, Filing
    from apps.orgs.models import Assignment

    from .models import (
        Campaign,
        ExpertDraw,
        ExpertProfile,
        ExpertScore,
        Objection,
        ReviewAssignment,
        Revocation,
        Submission,
    )

    subs = Submission.objects.filter(campaign__is_demo=True) | Submission.objects.filter(is_demo=True)
    sub_ids = list(subs.values_list("pk", flat=True))
    filing_ct = ContentType.objects.get_for_model(Filing)
    filing_ids = list(
        Submission.objects.filter(pk__in=sub_ids, subject_type=filing_ct).values_list("subject_id", flat=True)
    )
    sub_ct = ContentType.objects.get_for_model(Submission)
    from apps.assessment.models import AssessmentRecord, ServiceEvaluation

    from .services.evaluation import evaluation_for

    evaluated = [
        evaluation_for(s) for s in Submission.objects.filter(pk__in=sub_ids, workflow_key="service_evaluation")
    ]
    evaluation_ids = [e.pk for e in evaluated if e is not None]
    Assignment.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceEvaluation), object_id__in=evaluation_ids
    ).delete()
    ServiceEvaluation.objects.filter(pk__in=evaluation_ids).delete()

    AssessmentRecord.objects.filter(content_type=sub_ct, object_id__in=sub_ids).delete()
    Assignment.objects.filter(content_type=sub_ct, object_id__in=sub_ids).delete()
    Assignment.objects.filter(content_type=filing_ct, object_id__in=filing_ids).delete()
    ExpertScore.objects.filter(assignment__submission_id__in=sub_ids).delete()
    ReviewAssignment.objects.filter(submission_id__in=sub_ids).delete()
    Objection.objects.filter(submission_id__in=sub_ids).delete()
    Submission.objects.filter(pk__in=sub_ids).delete()
    ExpertDraw.objects.filter(campaign__is_demo=True).delete()
    Campaign.objects.filter(is_demo=True).delete()
    Revocation.objects.filter(cluster__is_demo=True).delete()
    ExpertProfile.objects.filter(user__organisation__is_demo=True).delete()
    stored = set(Evidence.objects.filter(filing_id__in=filing_ids).values_list("stored_name", flat=True))
    Filing.objects.filter(pk__in=filing_ids).delete()
    for name in stored:
        if not Evidence.objects.filter(stored_name=name).exists():
            transaction.on_commit(lambda n=name: default_storage.delete(n))  # type: ignore[misc]
