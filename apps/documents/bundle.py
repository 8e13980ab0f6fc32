"""Evidence bundle (佐证材料汇编): one PDF with the form followed by every evidence file in order.

Each evidence file becomes PDF pages (PDF as is; images scaled onto A4 pages; .doc/.docx/.xls/
.xlsx/.ppt/.pptx/.odt/.ods through LibreOffice headless). Evidence pages are numbered on their own,
P1, P2, … (stamped in the lower right corner), which is how the forms cite them — 004 asks for
"佐证页码 PXX页" — so the form can print its evidence list with page references before the bundle
is assembled. Every item gets a bookmark under “佐证材料”.

A file that cannot be converted does not sink the bundle: it is replaced by one page saying so
(keeping the page references of the following items right) and reported in `problems`.

A file that carries its SHA-256 (as every uploaded 佐证材料 does) is checked when read: a stored
file whose content no longer matches is reported as damaged, never bundled silently. Converted
images and Office files are kept in default_storage under their content hash
(``documents/cache/evidence/<sha256>.pdf``), so each distinct file is converted once.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from . import office
from .pdf import FONT_CONTEXT, html_to_pdf

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"})
OFFICE_EXTENSIONS = frozenset({".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".wps", ".rtf"})


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file (佐证材料). Read from `data` if given, else from default_storage."""

    title: str
    filename: str
    storage_name: str = ""
    data: bytes | None = None
    cited_by: str = ""  # the form item that cites it: "<field>" or "<field>.<option>"
    sha256: str = ""  # checked on read when given

    def read(self) -> bytes:
        """The file's bytes; EvidenceError (Chinese, naming the file) when missing or damaged."""
        if self.data is not None:
            data = self.data
        else:
            try:
                with default_storage.open(self.storage_name, "rb") as fh:
                    data = bytes(fh.read())
            except (FileNotFoundError, OSError) as exc:
                raise EvidenceError(f"佐证材料“{self.filename}”在存储中找不到，请联系系统管理员。") from exc
        if self.sha256 and hashlib.sha256(data).hexdigest() != self.sha256:
            raise EvidenceError(
                f"佐证材料“{self.filename}”已损坏：文件内容与上传时的校验值（SHA-256）不一致，请重新上传。"
            )
        return data


@dataclass
class PreparedEvidence:
    item: EvidenceFile
    pdf: bytes
    pages: int
    first_page: int = 0  # 佐证页码, 1-based over all evidence
    error: str = ""

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    @property
    def page_label(self) -> str:
        """P3 or P3–P7, as the form cites it."""
        if self.pages <= 1:
            return f"P{self.first_page}"
        return f"P{self.first_page}–P{self.last_page}"


@dataclass
class Bundle:
    pdf: bytes
    form_pages: int
    evidence: list[PreparedEvidence] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [e.error for e in self.evidence if e.error]


class EvidenceError(Exception):
    pass


def _pdf_pages(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def _checked_pages(data: bytes, filename: str) -> int:
    """Page count of a PDF that pypdf can also copy into the bundle (a file that opens but cannot
    be merged is caught here, before page numbers are given out)."""
    try:
        scratch = PdfWriter()
        scratch.append(BytesIO(data), import_outline=False)
        pages = len(scratch.pages)
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise EvidenceError(f"“{filename}”不是有效的 PDF 文件（{type(exc).__name__}）。") from exc
    if pages == 0:
        raise EvidenceError(f"“{filename}”没有页面。")
    return pages


def image_to_pdf(data: bytes, filename: str) -> bytes:
    """Each frame of the image on its own A4 page, scaled to fit."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(BytesIO(data))
        frames = []
        for frame in ImageSequence.Iterator(img):
            rgb = frame.convert("RGB")
            buf = BytesIO()
            rgb.save(buf, "JPEG", quality=88)
            frames.append(base64.b64encode(buf.getvalue()).decode("ascii"))
    except (UnidentifiedImageError, OSError) as exc:
        raise EvidenceError(f"“{filename}”不是可识别的图片文件。") from exc
    pages = "".join(f'<div class="pg"><img src="data:image/jpeg;base64,{b64}" alt=""></div>' for b64 in frames)
    return html_to_pdf(
        "<html><head><style>@page { size: A4; margin: 15mm 15mm 20mm; }"
        ".pg { break-after: page; height: 262mm; display: flex; align-items: center; justify-content: center; }"
        ".pg:last-child { break-after: auto; }"
        "img { max-width: 180mm; max-height: 255mm; object-fit: contain; }</style></head>"
        f"<body>{pages}</body></html>"
    )


def _failure_page(item: EvidenceFile, reason: str) -> bytes:
    return html_to_pdf(
        "<html><head><style>@page { size: A4; margin: 30mm 26mm; }"
        f"body {{ font-family: {FONT_CONTEXT['css_fangsong']}; font-size: 16pt; line-height: 1.8; }}"
        f"h1 {{ font-family: {FONT_CONTEXT['css_heiti']}; font-size: 18pt; text-align: center; }}</style></head>"
        f"<body><h1>佐证材料无法转换</h1><p>材料名称：{html.escape(item.title)}</p>"
        f"<p>原文件名：{html.escape(item.filename)}</p><p>原因：{html.escape(reason)}</p>"
        "<p>请查阅导出包中的原文件。</p></body></html>"
    )


CACHE_DIR = "documents/cache/evidence"


def _cached_conversion(data: bytes, produce: Callable[[], bytes]) -> bytes:
    name = f"{CACHE_DIR}/{hashlib.sha256(data).hexdigest()}.pdf"
    try:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as fh:
                return bytes(fh.read())
    except OSError:
        pass
    pdf = produce()
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(pdf))
    except OSError:
        pass  # a cache that cannot be written only costs time
    return pdf


def evidence_to_pdf(item: EvidenceFile, *, convert: Callable[[bytes, str], bytes] | None = None) -> bytes:
    data = item.read()
    ext = Path(item.filename).suffix.lower()
    if ext == ".pdf":
        try:
            PdfReader(BytesIO(data)).pages[0]
        except (PdfReadError, IndexError, ValueError, KeyError, TypeError) as exc:
            raise EvidenceError(f"“{item.filename}”不是有效的 PDF 文件。") from exc
        return data
    if ext in IMAGE_EXTENSIONS:
        return _cached_conversion(data, lambda: image_to_pdf(data, item.filename))
    if ext in OFFICE_EXTENSIONS:
        try:
            run = convert or (lambda d, n: office.convert(d, n, "pdf"))
            return _cached_conversion(data, lambda: run(data, item.filename))
        except office.ConversionError as exc:
            raise EvidenceError(str(exc)) from exc
    raise EvidenceError(
        f"“{item.filename}”的文件类型（{ext or '无扩展名'}）不能编入汇编，请上传 PDF、图片或 Office 文件。"
    )


def prepare_evidence(items: Sequence[EvidenceFile]) -> list[PreparedEvidence]:
    """Convert every item to PDF and number the evidence pages P1… in order."""
    prepared: list[PreparedEvidence] = []
    next_page = 1
    for item in items:
        try:
            pdf = evidence_to_pdf(item)
            pages = _checked_pages(pdf, item.filename)
            error = ""
        except (EvidenceError, OSError, PdfReadError, ValueError, KeyError) as exc:
            error = str(exc) if isinstance(exc, EvidenceError) else f"“{item.filename}”读取失败：{exc}"
            pdf = _failure_page(item, error)
            pages = _pdf_pages(pdf)
        prepared.append(PreparedEvidence(item=item, pdf=pdf, pages=pages, first_page=next_page, error=error))
        next_page += pages
    return prepared


def _stamp(writer: PdfWriter, page_index: int, text: str) -> None:
    """Write `text` (ASCII, e.g. "P12") in the lower right corner of a page, on a white patch."""
    page = writer.pages[page_index]
    if page.get("/Rotate", 0):
        page.transfer_rotation_to_content()
    box = page.mediabox
    x = float(box.right) - 28 - 6 * len(text)
    y = float(box.bottom) + 16
    w = 6 * len(text) + 8
    stream = DecodedStreamObject()
    stream.set_data(
        f"q 1 g {x - 4:.1f} {y - 4:.1f} {w:.1f} 16 re f Q "
        f"BT /FStampCH 11 Tf 0 g {x:.1f} {y:.1f} Td ({text}) Tj ET".encode("ascii")
    )
    stamp_page = writer.add_blank_page(float(box.width), float(box.height))
    stamp_page.mediabox = box
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    stamp_page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FStampCH"): writer._add_object(font)})}
    )
    stamp_page[NameObject("/Contents")] = writer._add_object(stream)
    page.merge_page(stamp_page)
    writer.remove_page(len(writer.pages) - 1)


def build_bundle(form_pdf: bytes, evidence: Sequence[PreparedEvidence], *, form_title: str = "申报表") -> Bundle:
    writer = PdfWriter()
    writer.append(BytesIO(form_pdf), import_outline=False)
    form_pages = len(writer.pages)
    writer.add_outline_item(title=form_title, page_number=0)
    if evidence:
        parent = writer.add_outline_item(title="佐证材料", page_number=form_pages)
        for n, prepared in enumerate(evidence, start=1):
            start = len(writer.pages)
            writer.append(BytesIO(prepared.pdf), import_outline=False)
            for k in range(prepared.pages):
                _stamp(writer, start + k, f"P{prepared.first_page + k}")
            title = f"{n}. {prepared.item.title}（{prepared.page_label}）"
            if prepared.error:
                title += "［无法转换］"
            writer.add_outline_item(title=title, page_number=start, parent=parent)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": form_title, "/Producer": "ClusterHub"})
    out = BytesIO()
    writer.write(out)
    return Bundle(pdf=out.getvalue(), form_pages=form_pages, evidence=list(evidence))
