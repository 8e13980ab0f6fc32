"""A complete, consistent demo application form (演示数据) for the Shanghai 2025 municipal
application template (000 沪经信企〔2025〕73号 附件4), and a helper that fills a Filing with it —
values through `filing_save_draft`, one demo PDF per evidence slot the submission check asks for
through `evidence_upload` — so seeded applications and tests can be submitted for real.

Every figure is invented and consistent with the template's rules (SME count ≤ firm count,
shares match counts, R&D growth matches the totals …); names and the area come from the cluster.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

APPLICATION_TEMPLATE = "sh_municipal_application"
APPLICATION_VERSION = "2025.2"  # the 2025 form with the district's own fields (filled_by)
ANNUAL_REPORT_TEMPLATE = "sh_annual_report"
ANNUAL_REPORT_VERSION = "2025.2"
SERVICE_EVALUATION_TEMPLATE = "sh_service_evaluation"
SERVICE_EVALUATION_VERSION = "2025"
AREA_SOFT_LIMIT_CODE = "rule:area_soft_limit"


def _series(a: str, b: str, c: str) -> dict[str, str]:
    return {"2022": a, "2023": b, "2024": c}


APPLICATION_BASE_VALUES: dict[str, Any] = {
    # 封面
    "cover_cluster_name": "上海市浦东新区集成电路产业集群",
    "cover_district": "浦东新区",
    "cover_district_authority": "浦东新区科技和经济委员会",
    "cover_operator": "张江集成电路园区运营有限公司",
    "cover_date": "2025-05-08",
    "cover_contact": "王晓明 021-58881234",
    # 一、基本情况
    "cluster_name": "中小企业特色产业集群（集成电路设计与封装测试产业）",
    "district_authority": "浦东新区科技和经济委员会",
    "district_contact": "李文娟",
    "district_phone": "021-28280000",
    "operator_name": "张江集成电路园区运营有限公司",
    "operator_contact": "王晓明",
    "operator_phone": "021-58881234",
    "area_km2": "108.60",
    "domain": {"checked": ["integrated_circuits", "electronic_information"]},
    "not_banned_industry": "yes",
    "no_major_accidents": "yes",
    "no_tax_evasion": "yes",
    "energy_efficiency_above_benchmark": "na",
    "water_efficiency_above_benchmark": "yes",
    # 二、主导产业情况
    "output_value": _series("286.40", "321.75", "358.20"),
    "output_share_of_district": _series("2.85", "3.02", "3.18"),
    "sme_output_share": _series("58.60", "59.20", "60.10"),
    "leading_industry_output_share": _series("82.30", "83.10", "84.00"),
    "firm_count": _series("412", "436", "458"),
    "sme_count": _series("371", "392", "411"),
    "specialised_sme_count": _series("58", "66", "74"),
    "little_giant_count": _series("9", "11", "13"),
    "single_champion_count": _series("2", "2", "3"),
    "national_high_tech_count": _series("165", "178", "192"),
    "innovative_sme_count": _series("96", "108", "121"),
    "listed_sme_count": _series("6", "7", "8"),
    "listing_tutoring_sme_count": _series("3", "4", "4"),
    "fdi_amount": "125600.00",
    "fdi_growth": "6.35",
    "export_amount": "865400.00",
    "export_growth": "-2.15",
    "chain_cultivation": {"checked": ["chain_map", "other"], "other_text": "组建了集成电路产业链联盟"},
    "resource_sharing": {"checked": ["shared_manufacturing"]},
    "collaboration": {"checked": ["chain_leader"]},
    "quality_brand": {"checked": ["quality_diagnosis"]},
    # 三、创新能力情况
    "sme_rd_intensity": _series("8.65", "8.92", "9.18"),
    "sme_rd_expense": _series("14.52", "16.30", "18.35"),
    "sme_rd_expense_growth": _series("10.85", "12.26", "12.58"),
    "sme_employees": _series("28650", "30120", "31980"),
    "sme_rd_staff": _series("7420", "7980", "8560"),
    "sme_ip_grants": _series("1260", "1385", "1502"),
    "standards": {
        "2022": {
            "international": {"lead": "0", "participate": "0"},
            "national": {"lead": "1", "participate": "2"},
            "industry": {"lead": "2", "participate": "3"},
            "group": {"lead": "1", "participate": "2"},
        },
        "2023": {
            "international": {"lead": "0", "participate": "1"},
            "national": {"lead": "1", "participate": "3"},
            "industry": {"lead": "2", "participate": "2"},
            "group": {"lead": "2", "participate": "4"},
        },
        "2024": {
            "international": {"lead": "0", "participate": "1"},
            "national": {"lead": "2", "participate": "3"},
            "industry": {"lead": "3", "participate": "2"},
            "group": {"lead": "4", "participate": "5"},
        },
    },
    "platforms_national": {"count": "1", "names": "国家集成电路特色工艺及封装测试创新中心"},
    "platforms_municipal": {"count": "2", "names": "上海市集成电路设计创新中心、上海市先进封装技术创新中心"},
    "platforms_other": {"count": "0"},
    "sme_pct_applications": "86",
    "sme_invention_patents_cagr": "16.20",
    "sme_invention_patents": "1085",
    "collaborative_innovation": {"checked": ["difficulty_list", "innovation_consortium"]},
    # 四、数字化升级情况
    "cloud_sme_count": _series("268", "301", "335"),
    "cloud_sme_ratio": _series("72.24", "76.79", "81.51"),
    "iip_sme_count": _series("96", "118", "142"),
    "iip_penetration": _series("25.88", "30.10", "34.55"),
    "digital_rd_tool_penetration": _series("41.20", "45.60", "50.30"),
    "software_use_rising": "yes",
    "industrial_software_spend": _series("3650.00", "4120.00", "4785.00"),
    "digital_services": {"checked": ["solution_providers", "maturity_assessment"]},
    "new_models": {"checked": ["municipal_pilots"]},
    # 五、绿色化转型情况
    "carbon_monitoring": "yes",
    "co2_intensity": _series("0.38", "0.35", "0.32"),
    "energy_intensity": _series("0.09", "0.08", "0.07"),
    "energy_intensity_reduction": "12.50",
    "solid_waste_utilisation": "无",
    "solid_waste_above_average": "na",
    "water_reuse_rate": "68.40",
    "water_reuse_above_average": "yes",
    "green_work": {"checked": ["energy_diagnosis", "carbon_accounting"]},
    "green_national": {"count": "2", "names": "上海某某微电子有限公司（绿色工厂）、张江集成电路产业园（绿色工业园区）"},
    "green_municipal": {
        "count": "3",
        "names": "上海某某封测有限公司\n上海某某半导体设备有限公司\n上海某某材料有限公司",
    },
    "green_other": {"count": "0"},
    # 六、开放合作情况
    "intl_activities": {"checked": ["expos", "seminars"]},
    "overseas_branch_count": "7",
    # 七、治理和服务水平
    "industry_alliances": {"count": "2", "names": "浦东新区集成电路行业协会、张江集成电路产业链联盟"},
    "governance_work": {"checked": ["policy_mechanism", "service_staff"]},
    "public_service_platforms": {"checked": ["municipal_demo"]},
    "public_services": {"checked": ["information", "financing", "other"], "other_text": "知识产权代理"},
    # 八、未来三年发展规划
    "plan_targets": {
        "fixed": {
            "output_cagr": {
                "baseline_2024": "11.83",
                "target_2025": "12.00",
                "target_2026": "12.50",
                "target_2027": "13.00",
            },
            "quality_firms": {"baseline_2024": "236", "target_2025": "255", "target_2026": "275", "target_2027": "300"},
            "rd_expense": {
                "baseline_2024": "183500.00",
                "target_2025": "205000.00",
                "target_2026": "228000.00",
                "target_2027": "252000.00",
            },
            "invention_patents": {
                "baseline_2024": "1085",
                "target_2025": "1200",
                "target_2026": "1330",
                "target_2027": "1470",
            },
            "iip": {"baseline_2024": "34.55", "target_2025": "38.00", "target_2026": "42.00", "target_2027": "46.00"},
            "co2": {"baseline_2024": "0.32", "target_2025": "0.30", "target_2026": "0.28", "target_2027": "0.26"},
            "energy": {"baseline_2024": "0.07", "target_2025": "0.06", "target_2026": "0.05", "target_2027": "0.04"},
            "openness": {
                "baseline_2024": "境外分支机构7家",
                "target_2025": "新增国际合作项目2项",
                "target_2026": "新增境外分支机构2家",
                "target_2027": "建成国际合作交流平台",
            },
            "governance": {
                "baseline_2024": "服务专员覆盖全部中小企业",
                "target_2025": "建成一网式智慧集群平台",
                "target_2026": "公共服务满意率95%以上",
                "target_2027": "形成可复制的治理服务模式",
            },
        },
        "added": [
            {
                "direction": "数字化",
                "label": "中小企业上云比例",
                "unit": "%",
                "baseline_2024": "81.51",
                "target_2025": "84.00",
                "target_2026": "87.00",
                "target_2027": "90.00",
            },
            {
                "direction": "其它",
                "label": "集群品牌建设",
                "qualitative": True,
                "baseline_2024": "集体商标1件",
                "target_2025": "举办品牌推介会",
                "target_2026": "新增集体商标1件",
                "target_2027": "形成区域公共品牌",
            },
        ],
    },
    # 九、真实性声明
    "truth_declaration": {
        "agreed": True,
        "signatures": {"0": "王建国", "1": "张江集成电路园区运营有限公司"},
        "date": "2025-05-08",
    },
}


def _narratives(industry: str) -> dict[str, str]:
    return {
        "plan_overview": (
            f"（演示数据）集群以{industry}为主导产业，2024年集群总产值358.20亿元，主导产业占比84.00%，"
            "在国内同类集群中位居前列。近三年出台“一集群一策”专项政策3项，培育专精特新中小企业74家、"
            "专精特新“小巨人”企业13家，建成较完整的产业链协同体系。"
        ),
        "plan_achievements": (
            "（演示数据）近三年集群产值年均增速11.83%，主导产业优势持续增强；中小企业研发经费年均增长12.42%，"
            "有效发明专利拥有量达1085件；上云中小企业比例由72.24%提升至81.51%，工业互联网平台应用普及率达到"
            "34.55%；单位产值能耗下降12.50%，建成国家级绿色工厂2家；在境外设立分支机构7家。"
        ),
        "plan_problems": (
            "（演示数据）一是关键装备和材料对外依存度仍较高；二是中小企业融资渠道较窄，研发投入后劲不足；"
            "三是复合型专业人才供给不足。"
        ),
        "plan_approach": (
            f"（演示数据）坚持“链主引领、中小协同、平台赋能”的思路，围绕{industry}细分领域，"
            "强化创新平台、公共服务和数字化赋能，推动集群向高端化、智能化、绿色化发展。"
        ),
        "plan_tasks": (
            "（演示数据）一是实施强链补链行动，引进项目10个以上；二是建设公共技术平台，开展联合攻关项目20项；"
            "三是推进中小企业数字化转型，新增上云企业60家；四是实施绿色制造提升工程，新增绿色工厂3家。"
        ),
        "plan_safeguards": (
            "（演示数据）成立由区分管领导牵头的集群推进工作组，设立集群发展专项资金，完善服务专员制度和"
            "目标考核机制，每季度通报目标完成情况。"
        ),
    }


def application_values(cluster: Any, *, date: str = "2025-05-08") -> tuple[dict[str, Any], dict[str, str]]:
    """(values, warning explanations) of a complete application for `cluster`."""
    values = copy.deepcopy(APPLICATION_BASE_VALUES)
    district = cluster.district
    operator = cluster.operator
    values.update(
        {
            "cover_cluster_name": cluster.name,
            "cover_district": district.region_name or district.name,
            "cover_district_authority": district.name,
            "cover_operator": operator.name,
            "cover_date": date,
            "cluster_name": f"中小企业特色产业集群（{cluster.leading_industry}产业）",
            "district_authority": district.name,
            "operator_name": operator.name,
            "area_km2": f"{Decimal(cluster.area_km2):.2f}",
            "truth_declaration": {"agreed": True, "signatures": {"0": "王建国", "1": operator.name}, "date": date},
        }
    )
    values.update(_narratives(cluster.leading_industry))
    explanations = {}
    if Decimal(cluster.area_km2) > 100:
        explanations[AREA_SOFT_LIMIT_CODE] = "集群范围按区政府批复的集群规划范围统计，含配套生活、生态用地。"
    return values, explanations


def _y(value: str) -> dict[str, str]:
    return {"2024": value}


def _as_of_2024(key: str) -> dict[str, Any]:
    """The application's 2024 figure of `key`, as the annual report asks it again (that year only)."""
    return {"2024": copy.deepcopy(APPLICATION_BASE_VALUES[key]["2024"])}


_ANNUAL: dict[str, Any] = {
    "operator_changed": "no",
    "leading_industry_changed": "no",
    "no_major_accidents": "yes",
    "no_tax_evasion": "yes",
    "output_value": _as_of_2024("output_value"),
    "sme_output_share": _as_of_2024("sme_output_share"),
    "leading_industry_output_share": _as_of_2024("leading_industry_output_share"),
    "leading_industry_output_growth": _y("12.52"),
    "firm_count": _as_of_2024("firm_count"),
    "sme_count": _as_of_2024("sme_count"),
    "specialised_sme_count": _as_of_2024("specialised_sme_count"),
    "little_giant_count": _as_of_2024("little_giant_count"),
    "single_champion_count": _as_of_2024("single_champion_count"),
    "national_high_tech_count": _as_of_2024("national_high_tech_count"),
    "innovative_sme_count": _as_of_2024("innovative_sme_count"),
    "sme_rd_expense": _y("183500.00"),
    "sme_rd_intensity": _as_of_2024("sme_rd_intensity"),
    "sme_rd_expense_growth": _as_of_2024("sme_rd_expense_growth"),
    "standards": _as_of_2024("standards"),
    "platforms_national": {"count": "1", "names": "国家级创新平台（演示）"},
    "platforms_municipal": {"count": "2", "names": "市级创新中心甲（演示）、市级创新中心乙（演示）"},
    "platforms_other": {"count": "0"},
    "sme_employees": APPLICATION_BASE_VALUES["sme_employees"]["2024"],
    "rd_staff_ratio": "26.77",
    "sme_invention_patents_cagr": "16.20",
    "sme_invention_patents": "1085",
    "cloud_sme_ratio": _as_of_2024("cloud_sme_ratio"),
    "iip_penetration": _as_of_2024("iip_penetration"),
    "software_use_rising": "yes",
    "industrial_software_spend": _as_of_2024("industrial_software_spend"),
    "co2_intensity": _as_of_2024("co2_intensity"),
    "energy_intensity": _as_of_2024("energy_intensity"),
    "energy_intensity_reduction": _y("12.50"),
    "solid_waste_utilisation": _y("无"),
    "solid_waste_above_average": "na",
    "water_reuse_rate": _y("68.40"),
    "water_reuse_above_average": "yes",
    "overseas_branch_count": _y("7"),
    "export_amount": _y("865400.00"),
    "export_growth": _y("-2.15"),
    "fdi_amount": _y("125600.00"),
    "fdi_growth": _y("6.35"),
    "work_targets": {
        "fixed": {
            "output_cagr": {"target_2024": "11.50", "actual_2024": "11.83"},
            "quality_firms": {"target_2024": "230", "actual_2024": "236"},
            "rd_expense": {"target_2024": "180000.00", "actual_2024": "183500.00"},
            "invention_patents": {"target_2024": "1050", "actual_2024": "1085"},
            "iip": {"target_2024": "33.00", "actual_2024": "34.55"},
            "co2": {"target_2024": "0.34", "actual_2024": "0.32"},
            "energy": {"target_2024": "0.08", "actual_2024": "0.07"},
            "openness": {"target_2024": "新增境外分支机构1家", "actual_2024": "新增境外分支机构2家"},
            "governance": {"target_2024": "服务专员覆盖全部中小企业", "actual_2024": "已覆盖全部中小企业"},
        },
        "added": [],
    },
}


def annual_report_values(cluster: Any, *, date: str = "2025-03-20") -> tuple[dict[str, Any], dict[str, str]]:
    """(values, warning explanations) of a complete 2024 annual report for `cluster`."""
    values = copy.deepcopy(_ANNUAL)
    industry = cluster.leading_industry
    values.update(
        {
            "cover_cluster_name": cluster.name,
            "cover_operator": cluster.operator.name,
            "cover_contact": "王晓明 021-58881234",
            "operator_name": cluster.operator.name,
            "area_km2": f"{Decimal(cluster.area_km2):.2f}",
            "leading_industry": industry,
            "work_overview": (
                f"（演示数据）2024年集群围绕{industry}持续推进强链补链，总产值358.20亿元，同比增长11.33%。"
            ),
            "work_results": (
                "（演示数据）2024年度目标全部完成：产值年均增速、优质中小企业数量、研发投入等指标均达到或超过目标值。"
            ),
            "work_done": (
                "（演示数据）建设公共技术服务平台，组织产业链对接活动12场，推进中小企业数字化转型和绿色工厂创建。"
            ),
            "work_problems": "（演示数据）关键装备和材料对外依存度仍较高；复合型专业人才供给不足。",
            "work_plan_2025": "（演示数据）新增上云企业60家，开展联合攻关项目20项，新增绿色工厂3家。",
            "work_suggestions": "（演示数据）建议加大对集群公共服务平台建设的支持力度。",
            "truth_declaration": {"agreed": True, "signatures": {"0": "王建国"}, "date": date},
        }
    )
    explanations = {}
    if Decimal(cluster.area_km2) > 100:
        explanations[AREA_SOFT_LIMIT_CODE] = "集群范围按区政府批复的集群规划范围统计，含配套生活、生态用地。"
    return values, explanations


def demo_pdf(title: str = "DEMO EVIDENCE") -> bytes:
    """A small well-formed one-page PDF (the evidence check reads the content, not the name)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%EOF\n".encode()
    return bytes(out)


def service_evaluation_values(cluster: Any, *, date: str = "2025-03-20") -> tuple[dict[str, Any], dict[str, str]]:
    """(values, explanations) of a complete 2024 self-assessment on the service evaluation form
    (附件3) for `cluster`: every narrative written, every item list with its first item ticked
    (and its number when it asks for one), numbers within their units."""
    from apps.filings.definitions import load_template

    template = load_template(SERVICE_EVALUATION_TEMPLATE, SERVICE_EVALUATION_VERSION)
    named = {
        "cover_cluster_name": cluster.name,
        "cluster_name": cluster.name,
        "cover_district": cluster.district.region_name or cluster.district.name,
        "cover_operator": cluster.operator.name,
        "operator_name": cluster.operator.name,
        "cover_contact": "王晓明 021-58881234",
        "contact_person": "王晓明",
        "contact_phone": "021-58881234",
    }
    values: dict[str, Any] = {}
    for f in template.fields.values():
        if f.key in named:
            values[f.key] = named[f.key][: f.max_chars or 100]
        elif f.kind == "narrative":
            text = f"（演示数据）2024年{f.label}：已建立相应机制并按计划推进，详见佐证材料。"
            values[f.key] = text[: f.max_chars or 200]
        elif f.kind == "text":
            values[f.key] = f"（演示）{f.label}"[: f.max_chars or 100]
        elif f.kind == "number":
            values[f.key] = "85.00" if f.unit == "%" else ("12" if f.decimals == 0 else "12.50")
        elif f.kind == "choice":
            values[f.key] = f.options[0].key
        elif f.kind == "checkboxes":
            first = f.options[0]
            ticked: dict[str, Any] = {"checked": [first.key]}
            if first.count_unit:
                ticked["counts"] = {first.key: "6"}
            if first.text:
                ticked["other_text"] = "（演示）其他情况说明"
            values[f.key] = ticked
        elif f.kind == "date":
            values[f.key] = date
    return values, {}


FILLERS = {
    (APPLICATION_TEMPLATE, APPLICATION_VERSION): application_values,
    (APPLICATION_TEMPLATE, "2025"): application_values,  # the first 2025 file: same applicant fields
    (ANNUAL_REPORT_TEMPLATE, ANNUAL_REPORT_VERSION): annual_report_values,
    (ANNUAL_REPORT_TEMPLATE, "2025"): annual_report_values,
    (SERVICE_EVALUATION_TEMPLATE, SERVICE_EVALUATION_VERSION): service_evaluation_values,
}


def fill_application(*, actor: Any, filing: Any, date: str = "2025-05-08") -> Any:
    """Fill `filing` (the 2025 application, annual report or service self-assessment) completely as
    its operator would:
    values, explanations and one demo PDF per evidence slot the submission check asks for."""
    from apps.filings.services import evidence_upload, filing_issues, filing_save_draft

    filler = FILLERS[(filing.template_code, filing.template_version)]
    values, explanations = filler(filing.cluster, date=date)
    filing_save_draft(
        actor=actor,
        filing=filing,
        values=values,
        expected_revision=filing.revision,
        warning_explanations=explanations,
    )
    filing.refresh_from_db()
    pdf = demo_pdf()
    for issue in filing_issues(filing, for_submit=True):
        if not issue.code.endswith(":evidence"):
            continue
        upload = SimpleUploadedFile("演示佐证材料.pdf", pdf, "application/pdf")
        evidence_upload(actor=actor, filing=filing, field_key=issue.field, option_key=issue.option or "", file=upload)
    filing.refresh_from_db()
    return filing
