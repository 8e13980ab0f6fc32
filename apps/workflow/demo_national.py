"""Demo data of the national flow (国家级集群申报推荐，演示), registered after `demo.seed_workflow`.

Modelled on 工信厅企业函〔2025〕77号 (invented text, marked 演示): the county department is the
applicant (申报主体, 一（一）), the province reviews and recommends (一（二）、（三）). The Zhejiang
department (demo_zj_admin) relays the notice as a published campaign with a 国家级集群申报 track on
the current national_application form (2025.2); the Xihu district department (demo_county_xihu,
杭州市西湖区经济和信息化局) has opened the application of 西湖数字安防 and filled part of it —
cover, basic information and the first output figures — and is to complete and submit it
(报送省级主管部门), after which demo_zj_admin reviews it and writes the 省级推荐意见 into the form.
The cluster's operator only reads the form.

Through the services (campaign_create/publish, submission_start, submission_open_form,
filing_save_draft). Idempotent: a second run finds the campaign and changes nothing. The rows go
with `demo.reset_workflow` (demo campaign) and the base world's reset (demo users).
"""

from __future__ import annotations

from typing import Any

from apps.core.demo import DemoWorld

DOCUMENT_NUMBER = "工信厅企业函〔2025〕77号（演示）"
TITLE = "关于组织开展2025年度中小企业特色产业集群申报和复核工作的通知（演示）"
BODY = """【演示数据】本通知为平台演示而编写，参照工信厅企业函〔2025〕77号的结构，内容为虚构。

各市、县（市、区）中小企业主管部门：

一、国家级集群申报。以县级行政区划中小企业主管部门为申报主体，在线填写《中小企业特色产业集群申报书》并上传佐证材料，经县级主管部门盖章后报送省级中小企业主管部门。

二、省级初审与推荐。省级中小企业主管部门对申报材料进行初审，必要时开展实地抽查，择优推荐，并填写推荐意见。

截止时间以本页“截止时间”所列为准。（演示）"""
COUNTY_USERNAME = "demo_county_xihu"
CLUSTER_KEY = "zj_xihu"
TEMPLATE = "national_application"
VERSION = "2025.2"


def national_draft_values(cluster: Any, county: Any) -> dict[str, Any]:
    """Part of the 申报书 the county has filled so far (cover, basic information, first figures)."""
    return {
        "cover_cluster_name": cluster.name,
        "cover_region": "浙江省杭州市西湖区",
        "cover_county_authority": county.name,
        "cover_operator": cluster.operator.name,
        "cover_contact": "王敏 0571-8700 0000（演示）",
        "cluster_name": cluster.name,
        "county_authority": county.name,
        "county_contact": "王敏（演示）",
        "county_phone": "0571-8700 0000",
        "operator_name": cluster.operator.name,
        "operator_contact": "陈立（演示）",
        "operator_phone": "0571-8600 0000",
        "area_km2": "6.10",
        "industry_type": "secondary",
        "banned_industry": "no",
        "output_value": {"2022": "168.40", "2023": "183.20", "2024": "201.50"},
        "firm_count": {"2022": "212", "2023": "226", "2024": "241"},
        "sme_count": {"2022": "196", "2023": "209", "2024": "223"},
    }


def seed_national(world: DemoWorld) -> None:
    from apps.core.demo_world import _user
    from apps.filings.services import filing_save_draft
    from apps.orgs.models import Role

    from .demo import _at
    from .models import Campaign
    from .services import campaign_create, campaign_publish, submission_open_form, submission_start

    cluster = world.clusters[CLUSTER_KEY]
    county_org = cluster.district
    county = _user(
        world, "county_xihu", COUNTY_USERNAME, county_org, {Role.DISTRICT_REVIEWER}, "西湖区经信局申报（演示）"
    )
    if Campaign.objects.filter(document_number=DOCUMENT_NUMBER).exists():
        return  # seeded before: idempotent
    province = world.users["zj_admin"]
    campaign = campaign_create(
        actor=province,
        document_number=DOCUMENT_NUMBER,
        title=TITLE,
        body=BODY,
        year=2025,
        tracks=[
            {
                "workflow": "national_application",
                "audience": "new_applicants",
                "title": "中小企业特色产业集群申报书（国家级，县级主管部门申报）",
                "template_code": TEMPLATE,
                "template_version": VERSION,
            }
        ],
        deadlines={"district_review": _at(25), "provincial_recommendation": _at(45)},
        is_demo=True,
    )
    campaign_publish(actor=province, campaign=campaign)
    campaign.refresh_from_db()
    track = campaign.tracks.get(workflow_key="national_application")
    sub = submission_start(
        actor=county,
        campaign=campaign,
        track=track,
        workflow_key=track.workflow_key,
        year=campaign.year,
        cluster=cluster,
        is_demo=True,
    )
    filing = submission_open_form(actor=county, submission=sub)
    filing_save_draft(
        actor=county,
        filing=filing,
        values=national_draft_values(cluster, county_org),
        expected_revision=filing.revision,
    )
