"""HTML → PDF with WeasyPrint, sharing the font stacks of fonts.py.

A form's PDF is mostly layout work, but two costs are the same for every document and are paid
once per thread here: the font configuration (fontconfig + Pango font map, whose caches of the
large CJK fonts then stay warm) and the parsed print stylesheets (``documents/*.css`` rendered
with the font stacks). WeasyPrint objects are not thread-safe, hence one set per thread.
"""

from __future__ import annotations

import threading
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

_local = threading.local()


def font_config() -> Any:
    """This thread's WeasyPrint FontConfiguration (created on first use)."""
    fc = getattr(_local, "font_config", None)
    if fc is None:
        F.activate()
        from weasyprint.text.fonts import FontConfiguration  # late: fontconfig must see FONTCONFIG_FILE first

        fc = _local.font_config = FontConfiguration()
    return fc


def stylesheet(template_name: str, **context: Any) -> Any:
    """The parsed stylesheet `template_name` (a Django template of CSS), cached per thread."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = _local.__dict__.setdefault("sheets", {})
    key = (template_name, tuple(sorted(context.items())))
    sheet = cache.get(key)
    if sheet is None:
        from weasyprint import CSS

        css = render_to_string(template_name, {**FONT_CONTEXT, **context})
        sheet = cache[key] = CSS(string=css, font_config=font_config())
    return sheet


def html_to_pdf(html: str, *, stylesheets: tuple[Any, ...] = ()) -> bytes:
    fc = font_config()
    from weasyprint import HTML

    result = HTML(string=html, base_url=".").write_pdf(stylesheets=list(stylesheets), font_config=fc)
    assert result is not None
    return bytes(result)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template_name, {**FONT_CONTEXT, **context}))
