"""Factories for filings (填报表单) and evidence files used across the filings tests."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import factory

from apps.filings.models import Evidence, Filing, FilingStatus

# The Shanghai 2025 municipal application (000 附件4) — the template the tests fill.
SH_APPLICATION = "sh_municipal_application"
SH_APPLICATION_VERSION = "2025"


class FilingFactory(factory.django.DjangoModelFactory):
    """A draft filing; pass cluster=…, created_by=… (the updated_by defaults to the creator)."""

    class Meta:
        model = Filing

    template_code = SH_APPLICATION
    template_version = SH_APPLICATION_VERSION
    template_title = "上海市中小企业特色产业集群申报表"
    reporting_year = 2025
    status = FilingStatus.DRAFT
    updated_by = factory.SelfAttribute("created_by")


def pdf_bytes(text: str = "evidence") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def xlsx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def ole_bytes(stream_name: str) -> bytes:
    """A minimal OLE2 container header followed by a directory entry naming `stream_name`."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    return header + entry + b"\x00" * 512


def exe_bytes() -> bytes:
    """A Windows PE executable header (MZ … PE)."""
    return b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def evidence_for(filing: Filing, *, field_key: str, option_key: str = "", uploaded_by: Any) -> Evidence:
    """Upload a small PDF through the service (so storage, hash and audit are real)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.filings.services import evidence_upload

    upload = SimpleUploadedFile("证明材料.pdf", pdf_bytes(f"{field_key}-{option_key}"), "application/pdf")
    return evidence_upload(actor=uploaded_by, filing=filing, field_key=field_key, option_key=option_key, file=upload)


def real_pdf_bytes(title: str = "evidence") -> bytes:
    """A small, well-formed one-page PDF (catalogue, page tree, font, content and a correct xref).

    `title` is ASCII text drawn on the page (different titles give different content hashes).
    """
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# —— a complete, consistent Shanghai 2025 application (演示数据) ————————————————————————————
# Every field of 000 附件4 filled as an operator would, consistent with the template's rules
# (SME count ≤ firm count, shares match counts, R&D growth matches the totals …). The one
# warning it raises — the area above the soft 100 km² limit — is explained in
# SH_2025_EXPLANATIONS. Used by the end-to-end test and benchmarks/filing_edit.py.

SH_2025_NARRATIVES = {
    "plan_overview": (
        "（演示数据）集群以集成电路设计、封装测试和专用装备为主导产业，聚焦车规级芯片与先进封装细分领域，"
        "2024年集群总产值358.20亿元，主导产业占比84.00%，在国内同类集群中位居前列。集群先后获评市级中小企业"
        "特色产业集群、区级先进制造业示范园区；近三年出台“一集群一策”专项政策3项，培育专精特新中小企业74家、"
        "专精特新“小巨人”企业13家，建成从设计、制造到封测的产业链协同体系。"
    ),
    "plan_achievements": (
        "（演示数据）近三年集群产值年均增速11.83%，主导产业优势持续增强；中小企业研发经费年均增长12.42%，"
        "有效发明专利拥有量达1085件；上云中小企业比例由72.24%提升至81.51%，工业互联网平台应用普及率达到"
        "34.55%；单位产值能耗下降12.50%，建成国家级绿色工厂2家；在境外设立分支机构7家，承办国际研讨会2次；"
        "组建产业联盟2个，服务专员队伍覆盖全部中小企业。"
    ),
    "plan_problems": (
        "（演示数据）一是高端装备和关键材料对外依存度仍较高，产业链部分环节存在短板；二是中小企业融资渠道"
        "较窄，研发投入后劲不足；三是专业人才特别是复合型工程师供给不足，人才流动性较大。"
    ),
    "plan_approach": (
        "（演示数据）坚持“链主引领、中小协同、平台赋能”的思路，围绕车规级芯片和先进封装两条主线，"
        "强化创新平台、公共服务和数字化赋能，推动集群向高端化、智能化、绿色化发展。"
    ),
    "plan_tasks": (
        "（演示数据）一是实施强链补链行动，引进装备和材料项目10个以上；二是建设先进封装公共技术平台，"
        "开展联合攻关项目20项；三是推进中小企业数字化转型，新增上云企业60家；四是实施绿色制造提升工程，"
        "新增绿色工厂3家；五是深化国际合作，组织企业参加国际展会不少于6次。"
    ),
    "plan_safeguards": (
        "（演示数据）成立由区分管领导牵头的集群推进工作组，设立集群发展专项资金，完善服务专员制度和"
        "目标考核机制，每季度通报目标完成情况。"
    ),
}


def _series(a: str, b: str, c: str) -> dict[str, str]:
    return {"2022": a, "2023": b, "2024": c}


SH_2025_VALUES: dict[str, Any] = {
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
    **SH_2025_NARRATIVES,
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

# Warning code → the operator's written explanation (警示说明).
SH_2025_EXPLANATIONS = {
    "rule:area_soft_limit": (
        "集群范围按区政府批复的集群规划范围统计，含张江科学城核心区及配套生活、生态用地，产业用地约46平方公里。"
    )
}


def fill_complete_application(world: Any) -> Filing:
    """A filing of cluster_pudong with every field of the application and every evidence file."""
    from apps.filings import services
    from apps.filings.definitions import load_template, validate

    filing = services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=SH_APPLICATION, reporting_year=2025
    )
    services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values=SH_2025_VALUES,
        expected_revision=filing.revision,
        warning_explanations=SH_2025_EXPLANATIONS,
    )
    template = load_template(SH_APPLICATION, SH_APPLICATION_VERSION)
    needed = validate(template, SH_2025_VALUES, for_submit=True, evidenced=(), explanations={})
    for issue in needed:
        if issue.code.endswith(":evidence"):
            evidence_for(filing, field_key=issue.field, option_key=issue.option or "", uploaded_by=world.operator)
    filing.refresh_from_db()
    return filing
