"""Filled forms (申报表/报告/评价表) as .docx and .pdf in the original's layout, for every template.

One renderer for every template: `layout.build_layout(template, values, meta, evidence)` turns a
template definition (apps.filings.definitions) and a filled form's values into a neutral list of
blocks (cover, 填报说明, section headings, grids of cells with spans, notes); `docx_writer` and
`pdf_writer` print the same blocks, and `reader.import_docx` walks them to read a filled Word
form back. Nothing here knows a particular form.
"""

from .layout import EvidenceRef, FormMeta, build_layout
from .render import render_form_docx, render_form_pdf

__all__ = ["EvidenceRef", "FormMeta", "build_layout", "render_form_docx", "render_form_pdf"]
