"""公示 and 认定 notices in an authority's notice format (GB/T 9704-2012 党政机关公文格式).

Built from a plain data structure (`Notice`) so any app can call it — the workflow builds one
from its 公示/认定 list and gets .docx and .pdf back:

    notice = publicity_notice(authority="上海市经济和信息化委员会", number="沪经信企〔2025〕88号", …)
    docx_bytes, pdf_bytes = render_notice_docx(notice), render_notice_pdf(notice)

Layout as in the originals (000, 002): red 发文机关标志 and 文号 over a red rule (红头), title in
小标宋 二号, 主送机关, body in 仿宋 三号 with 黑体/楷体 headings, 附件说明, 署名 and 成文日期,
then each 附件 on a new page ("附件1" in 黑体, title, list table), and the 版记 (抄送, 印发).
Page numbers "— n —", odd pages right, even pages left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string

from . import docxkit as K
from . import fonts as F
from .pdf import FONT_CONTEXT, html_to_pdf


@dataclass(frozen=True)
class Para:
    """One body paragraph. level 0: text; 1: “一、” heading (黑体); 2: “（一）” heading (楷体)."""

    text: str
    level: int = 0


@dataclass(frozen=True)
class NoticeAttachment:
    """附件: a titled list table (e.g. 拟认定名单). `widths` are relative column widths."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Notice:
    issuer: str  # 发文机关, e.g. 上海市经济和信息化委员会
    number: str  # 发文字号, e.g. 沪经信企〔2025〕73号
    title: str
    body: tuple[Para, ...]
    signed_date: date
    addressee: str = ""  # 主送机关, e.g. 各区中小企业主管部门、有关单位
    issuer_mark: str = ""  # 发文机关标志; default “{issuer}文件”
    signatory: str = ""  # 署名; default the issuer
    attachments: tuple[NoticeAttachment, ...] = ()
    copy_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关, e.g. 上海市经济和信息化委员会办公室
    printed_date: date | None = None
    disclosure: str = ""  # e.g. 信息公开属性：主动公开

    @property
    def mark(self) -> str:
        return self.issuer_mark or f"{self.issuer}文件"

    @property
    def signer(self) -> str:
        return self.signatory or self.issuer


def cn_date(d: date) -> str:
    """成文日期 in Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5.1): 2025年2月8日."""
    return f"{d.year}年{d.month}月{d.day}日"


def attachment_label(notice: Notice, index: int) -> str:
    return "附件" if len(notice.attachments) == 1 else f"附件{index + 1}"


# ---- builders for the two notices the workflow issues ----------------------------------------


@dataclass(frozen=True)
class ListedCluster:
    """One row of a 公示/认定 list."""

    district: str
    name: str
    operator: str
    leading_industry: str = ""


def _list_attachment(title: str, clusters: list[ListedCluster]) -> NoticeAttachment:
    with_industry = any(c.leading_industry for c in clusters)
    columns = (
        ("序号", "所属区", "集群名称", "主导产业", "集群运营管理机构")
        if with_industry
        else ("序号", "所属区", "集群名称", "集群运营管理机构")
    )
    rows = []
    for i, c in enumerate(clusters, start=1):
        row = (
            (str(i), c.district, c.name, c.leading_industry, c.operator)
            if with_industry
            else (str(i), c.district, c.name, c.operator)
        )
        rows.append(row)
    widths = (0.6, 1.3, 2.8, 1.4, 2.4) if with_industry else (0.6, 1.3, 3.2, 2.8)
    return NoticeAttachment(title=title, columns=columns, rows=tuple(rows), widths=widths)


def publicity_notice(
    *,
    issuer: str,
    number: str,
    year: int,
    level: str,
    clusters: list[ListedCluster],
    period_start: date,
    period_end: date,
    signed_date: date,
    basis: str,
    procedure: str = "经区级中小企业主管部门初审推荐、专家评审",
    contact: str = "",
    objection_address: str = "",
    issuer_short: str = "我委",
    printed_by: str = "",
) -> Notice:
    """公示 of a proposed list (拟认定名单). `basis` names the rules, e.g. the 管理办法 with its 文号."""
    n = len(clusters)
    list_title = f"{year}年度{level}中小企业特色产业集群拟认定名单"
    body = [
        Para(
            f"根据{basis}，{procedure}，拟认定{n}个集群为{year}年度{level}中小企业特色产业集群"
            f"（名单见附件），现予以公示。"
        ),
        Para(
            f"公示期为{cn_date(period_start)}至{cn_date(period_end)}。公示期间，如对公示集群有异议，"
            f"请以书面形式实名向{issuer_short}反映，并提供必要的证明材料。单位提出异议的须加盖公章，"
            "个人提出异议的须签署真实姓名并提供有效联系方式。逾期及匿名异议不予受理。"
        ),
    ]
    if contact:
        body.append(Para(f"联系人及联系电话：{contact}。"))
    if objection_address:
        body.append(Para(f"来信地址：{objection_address}。"))
    return Notice(
        issuer=issuer,
        number=number,
        title=f"关于{year}年度{level}中小企业特色产业集群拟认定名单的公示",
        body=tuple(body),
        signed_date=signed_date,
        attachments=(_list_attachment(list_title, clusters),),
        printed_by=printed_by,
        printed_date=signed_date if printed_by else None,
    )


def recognition_notice(
    *,
    issuer: str,
    number: str,
    year: int,
    level: str,
    clusters: list[ListedCluster],
    valid_from: date,
    valid_to: date,
    signed_date: date,
    basis: str,
    addressee: str = "各区中小企业主管部门、有关单位",
    procedure: str = "经区级中小企业主管部门初审推荐、专家评审和公示",
    duties: tuple[str, ...] = (),
    issuer_short: str = "我委",
    printed_by: str = "",
    copy_to: str = "",
) -> Notice:
    """认定 notice publishing the final list, with the validity period (3 years, 002 第十五条)."""
    n = len(clusters)
    list_title = f"{year}年度{level}中小企业特色产业集群名单"
    body = [
        Para(
            f"根据{basis}，{procedure}，现认定{n}个集群为{year}年度{level}中小企业特色产业集群"
            f"（名单见附件），有效期自{cn_date(valid_from)}至{cn_date(valid_to)}。"
        ),
        *(Para(d) for d in duties),
    ]
    return Notice(
        issuer=issuer,
        number=number,
        title=f"关于公布{year}年度{level}中小企业特色产业集群名单的通知",
        addressee=addressee,
        body=tuple(body),
        signed_date=signed_date,
        attachments=(_list_attachment(list_title, clusters),),
        printed_by=printed_by,
        printed_date=signed_date if printed_by else None,
        copy_to=copy_to,
    )


# ---- .docx ------------------------------------------------------------------------------------

LINE = 29.0  # 22 lines per page on the 225 mm 版心


def _signature_indents(notice: Notice) -> tuple[float, float]:
    """Right indents (in characters) so the 署名 is centred over the 成文日期, which sits 4 chars in."""
    d, s = len(cn_date(notice.signed_date)), len(notice.signer)
    return max(4 + (d - s) / 2, 2), 4


def render_notice_docx(notice: Notice) -> bytes:
    doc = K.new_document()
    section = doc.sections[0]
    K.page_numbers(doc, section)
    width = K.content_width_mm(section)

    K.paragraph(
        doc, notice.mark, east_asia=F.XIAOBIAOSONG, size=30, align="center", color=K.RED, line_pt=48, space_before=10
    )
    K.paragraph(doc, "", line_pt=LINE)
    num = K.paragraph(doc, notice.number, align="center", line_pt=LINE, space_after=6)
    K.bottom_rule(num, size_eighths=16)
    K.paragraph(doc, "", line_pt=LINE)
    K.paragraph(doc, notice.title, east_asia=F.XIAOBIAOSONG, size=F.SIZE_ERHAO, align="center", line_pt=36)
    K.paragraph(doc, "", line_pt=LINE)
    if notice.addressee:
        K.paragraph(doc, f"{notice.addressee}：", line_pt=LINE, align="left")
    for para in notice.body:
        face = {1: F.HEITI, 2: F.KAITI}.get(para.level, F.FANGSONG)
        K.paragraph(doc, para.text, east_asia=face, line_pt=LINE, indent_chars=2)
    if notice.attachments:
        K.paragraph(doc, "", line_pt=LINE)
        for i, att in enumerate(notice.attachments):
            if len(notice.attachments) == 1:
                text = f"附件：{att.title}"
            else:
                text = f"附件：{i + 1}.{att.title}" if i == 0 else f"{i + 1}.{att.title}"
            p = K.paragraph(doc, text, line_pt=LINE, align="left")
            p.paragraph_format.left_indent = K.Pt(F.SIZE_SANHAO * (2 if i == 0 else 5))
    K.paragraph(doc, "", line_pt=LINE)
    K.paragraph(doc, "", line_pt=LINE)
    sig_indent, date_indent = _signature_indents(notice)
    sig = K.paragraph(doc, notice.signer, line_pt=LINE, align="right")
    sig.paragraph_format.right_indent = K.Pt(F.SIZE_SANHAO * sig_indent)
    dt = K.paragraph(doc, cn_date(notice.signed_date), line_pt=LINE, align="right")
    dt.paragraph_format.right_indent = K.Pt(F.SIZE_SANHAO * date_indent)
    if notice.disclosure:
        K.paragraph(doc, "", line_pt=LINE)
        K.paragraph(doc, f"（{notice.disclosure}）", line_pt=LINE, indent_chars=2)

    for i, att in enumerate(notice.attachments):
        K.paragraph(
            doc, attachment_label(notice, i), east_asia=F.HEITI, line_pt=LINE, align="left", page_break_before=True
        )
        K.paragraph(doc, "", line_pt=LINE)
        K.paragraph(
            doc, att.title, east_asia=F.XIAOBIAOSONG, size=F.SIZE_ERHAO, align="center", line_pt=36, space_after=12
        )
        rel = att.widths or tuple(1.0 for _ in att.columns)
        total = sum(rel)
        widths = [width * w / total for w in rel]
        t = K.table(doc, 1 + len(att.rows), len(att.columns), widths)
        K.repeat_header(t.rows[0])
        for c, label in enumerate(att.columns):
            K.cell_text(t.cell(0, c), label, east_asia=F.HEITI, size=F.SIZE_SIHAO, align="center")
        for r, row in enumerate(att.rows, start=1):
            K.cant_split(t.rows[r])
            K.min_height(t.rows[r], 10)
            for c, value in enumerate(row):
                align = "center" if c == 0 or len(value) <= 6 else "left"
                K.cell_text(t.cell(r, c), value, size=F.SIZE_SIHAO, align=align)
        if att.note:
            K.paragraph(doc, att.note, size=F.SIZE_SIHAO, line_pt=24, space_before=6)

    if notice.copy_to or notice.printed_by:
        K.paragraph(doc, "", line_pt=LINE)
        if notice.copy_to:
            p = K.paragraph(doc, f"抄送：{notice.copy_to}。", size=F.SIZE_SIHAO, line_pt=24, align="left")
            p.paragraph_format.left_indent = K.Pt(F.SIZE_SIHAO)
            K.top_rule(p)
        if notice.printed_by:
            p = K.paragraph(doc, "", size=F.SIZE_SIHAO, line_pt=24, align="left")
            p.paragraph_format.left_indent = K.Pt(F.SIZE_SIHAO)
            p.paragraph_format.right_indent = K.Pt(F.SIZE_SIHAO)
            K.add_text(p, notice.printed_by, size=F.SIZE_SIHAO)
            p.paragraph_format.tab_stops.add_tab_stop(K.Mm(width) - K.Pt(F.SIZE_SIHAO * 2), alignment=_right_tab())
            K.add_text(p, "\t" + f"{cn_date(notice.printed_date or notice.signed_date)}印发", size=F.SIZE_SIHAO)
            K.top_rule(p)
            K.bottom_rule(p, color="000000", size_eighths=8)
    return K.to_bytes(doc)


def _right_tab():  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_TAB_ALIGNMENT

    return WD_TAB_ALIGNMENT.RIGHT


# ---- .pdf -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HtmlAttachment:
    label: str
    att: NoticeAttachment
    widths_pct: list[float] = field(default_factory=list)


def render_notice_pdf(notice: Notice) -> bytes:
    atts = []
    for i, att in enumerate(notice.attachments):
        rel = att.widths or tuple(1.0 for _ in att.columns)
        total = sum(rel)
        atts.append(_HtmlAttachment(attachment_label(notice, i), att, [round(100 * w / total, 2) for w in rel]))
    sig_indent, date_indent = _signature_indents(notice)
    html = render_to_string(
        "documents/notice.html",
        {
            **FONT_CONTEXT,
            "n": notice,
            "attachments": atts,
            "signed": cn_date(notice.signed_date),
            "printed": cn_date(notice.printed_date or notice.signed_date),
            "sig_indent": sig_indent,
            "date_indent": date_indent,
        },
    )
    return html_to_pdf(html)
