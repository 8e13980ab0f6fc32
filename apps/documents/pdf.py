"""HTML → PDF with WeasyPrint, sharing the font stacks of fonts.py."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import fonts as F

FONT_CONTEXT = {
    "css_fangsong": F.CSS_FANGSONG,
    "css_xiaobiaosong": F.CSS_XIAOBIAOSONG,
    "css_heiti": F.CSS_HEITI,
    "css_kaiti": F.CSS_KAITI,
    "css_songti": F.CSS_SONGTI,
    "css_symbol": F.CSS_SYMBOL,
}


def html_to_pdf(html: str) -> bytes:
    F.activate()
    from weasyprint import HTML  # imported late: fontconfig must see FONTCONFIG_FILE first

    result = HTML(string=html, base_url=".").write_pdf()
    assert result is not None
    return bytes(result)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template_name, {**FONT_CONTEXT, **context}))
