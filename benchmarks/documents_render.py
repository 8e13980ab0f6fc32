"""Render timings of official documents (prints figures; targets from issue 7).

    .venv/bin/python benchmarks/documents_render.py [batch_size]

- one full Shanghai 2025 application (every field filled) as .docx (target ≤ 0.5 s) and PDF (≤ 3 s);
- a batch of N submissions (default 100) as .docx + .pdf into a zip with two workers (≤ 3 min).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")

import django

django.setup()

from apps.documents.batch import ExportItem, export_zip  # noqa: E402
from apps.documents.forms import render_form_docx, render_form_pdf  # noqa: E402
from apps.filings.definitions import load_template  # noqa: E402
from tests.factories_documents import filled_values  # noqa: E402


def timed(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    template = load_template("sh_municipal_application", "2025")
    values = filled_values(template)
    render_form_pdf(template, values)  # warm up fonts
    print(f"上海申报表 .docx：{timed(lambda: render_form_docx(template, values)):.3f} s（中位数，目标 ≤ 0.5 s）")
    print(f"上海申报表 PDF：{timed(lambda: render_form_pdf(template, values), 3):.3f} s（中位数，目标 ≤ 3 s）")
    items = [ExportItem(f"集群{i:03d}", template.code, template.version, values) for i in range(n)]
    t = time.perf_counter()
    data, results = export_zip(items, workers=2)
    elapsed = time.perf_counter() - t
    failed = sum(1 for r in results if r.error)
    print(
        f"批量导出 {n} 份（.docx + PDF，2 个进程）：{elapsed:.1f} s，"
        f"zip {len(data) / 1e6:.1f} MB，失败 {failed} 份（目标 ≤ 180 s）"
    )


if __name__ == "__main__":
    main()
