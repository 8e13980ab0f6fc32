"""Benchmark: enterprise-list import end to end (parse, validate, classify, store, totals).

Usage:
    .venv/bin/python benchmarks/enterprise_import.py [--rows 100000] [--small 10000]

It creates a scratch PostgreSQL database (BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres, is only used to CREATE and DROP it), migrates it,
generates the spreadsheets (cached under the system temp dir: writing 100k rows with XlsxWriter
takes longer than importing them) and prints:

- `--repeat` (5) runs, each with a generated 100k-row xlsx of other firms imported into a cluster
  of its own: the bare calamine read of that file (best of 2) and the full import of that file
  — upload and preview (read once, validate, classify, compare, write the list as a pending
  version), commit (make that version current) and the totals recomputed — and its ratio to the
  bare read; then the median run (issue 4 targets: ≤ 10 s and ≤ 3×), with the best and the worst
  ratio (a shared machine's runs differ by 10–20 %);
- the same file imported again (every row unchanged; the superseded version is purged by the
  background task, which the test settings run at once, so its cost is in the commit);
- a 10k-row import through the web pages as a browser would do it: POST the upload, GET the
  preview page, POST the confirmation, GET the cluster page with the totals (target ≤ 3 s).

Files are imported inline (ENTERPRISE_IMPORT_INLINE_MAX_BYTES raised) so the time is the work
itself, not a worker's polling interval. The machine's load average is printed with the
figures: on a shared 2-core machine other processes stretch every wall-clock time, so the CPU
seconds of this process and of its PostgreSQL backends (the main connection's and the preview's
writer connections', read from /proc when the server runs on this machine) are printed as well.
Before each run the list tables are vacuumed and analysed (untimed), as autovacuum keeps them in
production: the commit then plans with real statistics (≈ 0.1× more than on stale ones, measured
side by side) and no autovacuum of the previous run's rows competes with the next run.

What is timed is the product path with every check: the reader (safety checks; formula cells
looked for by a second interpreter while calamine parses), validation in blocks of 5,000 rows
parsed column by column (credit-code checksum, duplicates, required cells, size class,
warnings, qualification rules, year-on-year warnings), the comparison with the current list,
the pending list written by two writer connections while the next block is validated (firms
looked up and new ones COPYed, rows and qualifications COPYed, tables analysed), the commit
(overrides carried over, renames recorded, the version made current) and the totals.

Where the time goes at 100k rows (profiled with py-spy on this 2-core machine, 2026-11-22; the
bare read took 2.0–2.3 s that day): calamine's parse ≈ 2.0 s, which releases the GIL (one core
then idles but for the formula scan, ≈ 0.45 s), and its rows ≈ 0.25 s; then, holding the GIL,
the validation ≈ 2.2 s (amounts to Decimal ≈ 0.45, the other columns ≈ 0.4, qualifications,
size classes, warnings and row objects ≈ 0.45, credit codes ≈ 0.1) and the writers' COPY text
≈ 0.9 s; the database ≈ 2.6 s of CPU on the other core (rows ≈ 1.2, half of it their three
indexes; firms ≈ 0.6 and their look-up ≈ 0.3; qualifications ≈ 0.2; ids ≈ 0.15; ANALYZE ≈ 0.1),
so both cores are ≈ 90 % busy after the parse and the writers' last blocks end ≈ 0.4 s after
the validation; commit ≈ 0.2 s; totals ≈ 0.3 s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"clusterhub_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
GENERATOR_VERSION = 2  # bump when make_xlsx changes, so cached files are regenerated

HEADERS = [
    "统一社会信用代码", "企业名称", "所在区（县）", "所在街镇", "划型行业", "从业人员期末人数", "营业收入（万元）",
    "资产总额（万元）", "产值/营业收入（万元）", "研发费用（万元）", "研发人员数量", "有效发明专利拥有量",
    "是否规上企业", "专精特新中小企业", "专精特新中小企业认定年份", "高新技术企业", "是否上云",
    "是否应用工业互联网平台",
]  # fmt: skip


def _url_for(name: str) -> str:
    parts = urlsplit(ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def make_xlsx(n: int, seed: int = 1) -> bytes:
    """n firm rows in the template's words (unique valid credit codes), written by XlsxWriter."""
    import xlsxwriter

    from apps.enterprises import credit_code

    path = Path(tempfile.gettempdir()) / f"clusterhub-bench-firms-v{GENERATOR_VERSION}-{n}-{seed}.xlsx"
    if path.exists():
        return path.read_bytes()
    rng = random.Random(seed)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet("企业清单")
    ws.write_row(0, 0, HEADERS)
    seen: set[str] = set()
    for i in range(1, n + 1):
        while True:
            code = credit_code.complete("91" + "".join(rng.choice(credit_code.ALPHABET) for _ in range(15)))
            if code not in seen:
                seen.add(code)
                break
        staff = rng.randint(5, 1500)
        ws.write_string(i, 0, code)
        ws.write_string(i, 1, f"上海演示科技有限公司{i}")
        ws.write_string(i, 2, "嘉定区")
        ws.write_string(i, 3, "安亭镇")
        ws.write_string(i, 4, "工业" if rng.random() < 0.8 else "软件和信息技术服务业")
        ws.write_number(i, 5, staff)
        ws.write_number(i, 6, round(rng.uniform(100, 60000), 2))
        ws.write_number(i, 7, round(rng.uniform(100, 50000), 2))
        ws.write_number(i, 8, round(rng.uniform(100, 60000), 2))
        ws.write_number(i, 9, round(rng.uniform(0, 3000), 2))
        ws.write_number(i, 10, rng.randint(0, staff // 5 + 1))
        ws.write_number(i, 11, rng.randint(0, 30))
        ws.write_string(i, 12, "是" if rng.random() < 0.6 else "否")
        if rng.random() < 0.1:
            ws.write_string(i, 13, "市级")
            ws.write_number(i, 14, rng.randint(2019, 2023))
        if rng.random() < 0.2:
            ws.write_string(i, 15, "国家级")
        ws.write_string(i, 16, "是" if rng.random() < 0.5 else "否")
        ws.write_string(i, 17, "是" if rng.random() < 0.3 else "否")
    wb.close()
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def bare_read(data: bytes) -> tuple[float, float]:
    """Wall-clock and CPU seconds of calamine opening the file and iterating every row."""
    import python_calamine

    t, c = time.perf_counter(), time.process_time()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    n = sum(1 for _ in sheet.iter_rows())
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    if n < 2:
        raise RuntimeError("the generated file has no rows")
    return elapsed, cpu


def settle() -> None:
    """Vacuum and analyse the list tables between runs (not timed): else autovacuum analyses the
    previous run's 100,000 rows on the other core in the middle of the next run."""
    from django.db import connection

    from apps.enterprises.models import Firm, FirmQualification, FirmYear

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Firm, FirmYear, FirmQualification))
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {tables}")


def build_world(n: int = 0) -> dict[str, Any]:
    """An operator and its cluster in a new district (the n-th: each measured import lists a
    cluster of its own)."""
    from apps.orgs.models import Organisation, OrgKind, Role
    from tests import factories as f

    sh = Organisation.objects.filter(kind=OrgKind.PROVINCE).first() or f.province(f.ministry())
    jd = f.district(sh, f"嘉定区经委{n}", "嘉定区")
    op = f.operator(jd, f"嘉定演示园区运营公司{n}")
    cluster = f.ClusterFactory(name=f"上海市嘉定区智能传感器产业集群（基准测试{n}）", district=jd, operator=op)
    user = f.user_with(op, Role.OPERATOR_STAFF, username=f"bench_operator{n}")
    return {"operator": user, "cluster": cluster}


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (None if not on this machine)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu(a: float | None, b: float | None) -> float:
    return b - a if a is not None and b is not None else float("nan")


WRITER_BACKEND_CPU: dict[int, float] = {}


def watch_writer_backends() -> None:
    """Record the CPU time of each preview's writer backend (store.ListWriter's own connection,
    closed when the list is written): measured after each block, in its thread (the last wins)."""
    from apps.enterprises import store

    write = store.ListWriter._write

    def measured(self: Any, rows: Any) -> None:
        write(self, rows)
        if threading.current_thread() is not threading.main_thread():
            WRITER_BACKEND_CPU[threading.get_ident()] = backend_cpu() or float("nan")

    store.ListWriter._write = measured  # type: ignore[method-assign]


def service_import(world: dict[str, Any], data: bytes, year: int) -> dict[str, Any]:
    """Upload → preview → commit → totals through the services, timed per step (wall clock, and
    the CPU time of this process and of its PostgreSQL backend, which a busy machine stretches less)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.enterprises import services
    from apps.enterprises.totals import cluster_totals

    WRITER_BACKEND_CPU.clear()
    g0, c0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
    batch = services.enterprise_import_upload(
        actor=world["operator"], cluster=world["cluster"], year=year, upload=SimpleUploadedFile("清单.xlsx", data)
    )
    if batch.status != "preview":
        raise RuntimeError(f"preview failed: {batch.message} {batch.summary.get('errors', [])[:5]}")
    t1, c1, g1 = time.perf_counter(), time.process_time(), backend_cpu()
    batch = services.enterprise_import_commit(actor=world["operator"], batch=batch)
    if batch.status != "committed":
        raise RuntimeError(f"commit failed: {batch.message}")
    t2, c2, g2 = time.perf_counter(), time.process_time(), backend_cpu()
    totals = cluster_totals(world["cluster"], year)
    t3, c3, g3 = time.perf_counter(), time.process_time(), backend_cpu()
    return {
        "total": t3 - t0,
        "preview": t1 - t0,
        "commit": t2 - t1,
        "totals": t3 - t2,
        "cpu": {
            "preview": (c1 - c0, _cpu(g0, g1) + sum(WRITER_BACKEND_CPU.values())),  # + the writer's backend
            "commit": (c2 - c1, _cpu(g1, g2)),
            "totals": (c3 - c2, _cpu(g2, g3)),
        },
        "firms": totals["firm_count"].value,
        "output": totals["output_value"].value,
        "diff": (batch.summary.get("added_count"), batch.summary.get("changed_count")),
    }


def page_import(world: dict[str, Any], data: bytes, year: int) -> tuple[float, str]:
    """The browser's path: upload form → preview page → confirm → cluster page with totals."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from apps.enterprises.models import EnterpriseImport

    client = Client()
    client.force_login(world["operator"])
    cluster = world["cluster"]
    t = time.perf_counter()
    resp = client.post(
        reverse("enterprises:upload", args=[cluster.pk]),
        {"year": year, "file": SimpleUploadedFile("清单.xlsx", data)},
    )
    preview = client.get(resp["Location"])
    if "确认导入" not in preview.content.decode():
        raise RuntimeError("the preview page has no confirm button")
    batch = EnterpriseImport.objects.filter(cluster=cluster, year=year).latest("id")
    client.post(reverse("enterprises:import_commit", args=[batch.pk]))
    page = client.get(reverse("enterprises:cluster", args=[cluster.pk]), {"year": year}).content.decode()
    elapsed = time.perf_counter() - t
    marker = "由企业库计算："
    shown = page[page.index(marker) : page.index(marker) + 20] if marker in page else "(no totals shown)"
    return elapsed, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="measured first imports (each of its own file)")
    args = parser.parse_args()

    _admin(f'CREATE DATABASE "{DB_NAME}"')
    try:
        os.environ["DATABASE_URL"] = _url_for(DB_NAME)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        settings.ENTERPRISE_IMPORT_INLINE_MAX_BYTES = 10**10  # time the work itself, inline
        settings.ALLOWED_HOSTS = ["*"]
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
        print(f"database: PostgreSQL {connection.pg_version // 10000} ({DB_NAME}, dropped afterwards)")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        world = build_world()
        watch_writer_backends()
        from apps.indicators.catalogue import load_catalogue

        load_catalogue()  # read once per process in real use; not part of an import

        # Each run imports a different file (other firms) into a cluster of its own, so every run
        # is a first import of new firms; the bare read is the best of two reads of that file.
        # The files are made first: writing one takes 20 s, and a run right after it was slower.
        runs = []
        files = []
        for n in range(args.repeat):
            t = time.perf_counter()
            files.append((make_xlsx(args.rows, seed=1 + 10 * n), time.perf_counter() - t))
        for n, (data, ready) in enumerate(files):
            settle()
            bare, bare_cpu = min(bare_read(data) for _ in range(2))
            r = service_import(world if n == 0 else build_world(n), data, 2023)
            runs.append((r["total"] / bare, r, bare, bare_cpu))
            steps = "; ".join(f"{k} {py:.2f} + {pg:.2f}" for k, (py, pg) in r["cpu"].items())
            print(
                f"run {n + 1}: {args.rows}-row xlsx {len(data) / 1e6:.1f} MB (ready in {ready:.1f} s); bare calamine "
                f"read {bare:.2f} s (CPU {bare_cpu:.2f} s); full import {r['total']:.2f} s = upload+preview "
                f"{r['preview']:.2f} s + commit {r['commit']:.2f} s + totals {r['totals']:.2f} s; ratio "
                f"{r['total'] / bare:.2f}x; CPU (this process + its PostgreSQL backends): {steps}; "
                f"firms={r['firms']} output={r['output']} 亿元"
            )
        runs.sort(key=lambda run: run[0])
        ratio, r, bare, _cpu = runs[len(runs) // 2]
        verdict = "met" if r["total"] <= 10 and ratio <= 3 else "NOT met"
        print(
            f"full import ({args.rows} rows), median of {len(runs)} runs: {r['total']:.2f} s, ratio to the bare read "
            f"{ratio:.2f}x (best {runs[0][0]:.2f}x, worst {runs[-1][0]:.2f}x); targets ≤ 10 s and ≤ 3x: {verdict}"
        )
        big = make_xlsx(args.rows)
        r2 = service_import(world, big, 2023)
        print(
            f"same file again (re-import, {r2['diff'][0]} added / {r2['diff'][1]} changed): {r2['total']:.2f} s = "
            f"preview {r2['preview']:.2f} s + commit {r2['commit']:.2f} s + totals {r2['totals']:.2f} s"
        )
        small = make_xlsx(args.small, seed=2)
        page_import(world, make_xlsx(50, seed=3), 2021)  # warm the page templates once
        elapsed, shown = page_import(world, small, 2024)
        verdict = "met" if elapsed <= 3 else "NOT met"
        print(
            f"{args.small}-row import from upload to totals shown (pages): {elapsed:.2f} s "
            f"(target ≤ 3 s: {verdict}); {shown}"
        )
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        connection.close()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
