"""Render timings of official documents (prints figures; targets from issue 7).

    .venv/bin/python benchmarks/documents_render.py [batch_size] [workers]

- one full Shanghai 2025 application (every field filled) as .docx (target ≤ 0.5 s) and PDF (≤ 3 s),
  median wall time and the process's CPU time (the machine is shared: wall time includes waiting
  for a core, so the load average is printed with the figures);
- a batch of N submissions (default 100) into one zip with two worker processes (≤ 3 min): each
  item as .docx + .pdf + evidence bundle (one 2-page PDF and one image of evidence per item, every
  item's evidence different), rendered from scratch (no cache key).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")

import django

django.setup()

from apps.documents.batch import ExportItem, export_zip  # noqa: E402
from apps.documents.bundle import EvidenceFile  # noqa: E402
from apps.documents.forms import render_form_docx, render_form_pdf  # noqa: E402
from apps.filings.definitions import load_template  # noqa: E402
from tests.factories_documents import filled_values, real_pdf  # noqa: E402
from tests.factories_filings import png_bytes  # noqa: E402


def timed(fn, runs: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(median wall seconds, median CPU seconds of this process)."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_with_children() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"负载 {one:.1f}/{five:.1f}（{os.cpu_count()} 核）"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    template = load_template("sh_municipal_application", "2025")
    values = filled_values(template)
    render_form_pdf(template, values)  # warm up fonts and the parsed stylesheet
    wall, cpu = timed(lambda: render_form_docx(template, values))
    print(f"上海申报表 .docx：{wall:.3f} s（中位数，CPU {cpu:.3f} s；目标 ≤ 0.5 s）{load()}")
    wall, cpu = timed(lambda: render_form_pdf(template, values), 3)
    print(f"上海申报表 PDF：{wall:.3f} s（中位数，CPU {cpu:.3f} s；目标 ≤ 3 s）{load()}")
    items = [
        ExportItem(
            f"区{i % 16:02d}/集群{i:03d}",
            template.code,
            template.version,
            {**values, "cover_cluster_name": f"上海市测试区示例{i:03d}产业集群（演示）"},
            evidence=(
                EvidenceFile("产值清单", "产值清单.pdf", data=real_pdf(f"list-{i}", 2), cited_by="output_value"),
                EvidenceFile("产业链图谱", "图谱.png", data=png_bytes(), cited_by="chain_cultivation.chain_map"),
            ),
            key=str(i),
        )
        for i in range(n)
    ]
    t = time.perf_counter()
    before = _cpu_with_children()
    with tempfile.TemporaryFile() as out:
        results = export_zip(items, out, workers=workers)
        size = out.tell()
    elapsed = time.perf_counter() - t
    cpu = _cpu_with_children() - before
    failed = sum(1 for r in results if r.error)
    print(
        f"批量导出 {n} 份（.docx + PDF + 佐证材料汇编，{workers} 个进程）：{elapsed:.1f} s，"
        f"zip {size / 1e6:.1f} MB，失败 {failed} 份（目标 ≤ 180 s）{load()}"
    )
    print(f"  其中 CPU 合计 {cpu:.1f} s（本进程与工作进程），即 {workers} 个空闲核上约 {cpu / workers:.0f} s")


if __name__ == "__main__":
    main()
