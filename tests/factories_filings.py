"""Factories for filings (填报表单) and evidence files used across the filings tests."""

from __future__ import annotations

import copy
import io
import struct
import zipfile
from typing import Any

import factory

from apps.filings.models import Evidence, Filing, FilingStatus
from apps.workflow.demo_forms import APPLICATION_BASE_VALUES

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


# The figures are the platform's one demo application (apps/workflow/demo_forms.py, also used by
# seed_demo); the tests add the Pudong cluster's own narratives of part 八.
SH_2025_VALUES: dict[str, Any] = {**copy.deepcopy(APPLICATION_BASE_VALUES), **SH_2025_NARRATIVES}

# Warning code → the operator's written explanation (警示说明).
SH_2025_EXPLANATIONS = {
    "rule:area_soft_limit": (
        "集群范围按区政府批复的集群规划范围统计，含张江科学城核心区及配套生活、生态用地，产业用地约46平方公里。"
    )
}


def pudong_application(world: Any, version: str = "2025.2") -> Filing:
    """A draft Shanghai municipal application of cluster_pudong for 2025, created by the operator
    through `filing_create` (its template `version`: "2025.2" names who fills each field in the
    file; "2025" through its filled_by overlay)."""
    from apps.filings import services

    return services.filing_create(
        actor=world.operator,
        cluster=world.cluster_pudong,
        template_code=SH_APPLICATION,
        template_version=version,
        reporting_year=2025,
    )


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
