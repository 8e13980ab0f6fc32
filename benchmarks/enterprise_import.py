"""Benchmark: enterprise-list import end to end (parse, validate, classify, store, totals).

Usage (PostgreSQL, a scratch database it creates and drops):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench .venv/bin/python benchmarks/enterprise_import.py
Prints: the bare calamine read of a generated 100k-row xlsx, the full import of it and the
ratio (targets ≤ 10 s and ≤ 3×), and a 10k-row import from upload to totals (target ≤ 3 s).
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")

import django

django.setup()

import python_calamine  # noqa: E402
import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from apps.enterprises import credit_code  # noqa: E402

HEADERS = [
    "统一社会信用代码", "企业名称", "所在区（县）", "所在街镇", "划型行业", "从业人员期末人数", "营业收入（万元）",
    "资产总额（万元）", "产值/营业收入（万元）", "研发费用（万元）", "研发人员数量", "有效发明专利拥有量",
    "是否规上企业", "专精特新中小企业", "专精特新中小企业认定年份", "高新技术企业", "是否上云",
    "是否应用工业互联网平台",
]  # fmt: skip


def make_xlsx(n: int, seed: int = 1) -> bytes:
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
        spec = rng.random() < 0.1
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
        if spec:
            ws.write_string(i, 13, "市级")
            ws.write_number(i, 14, rng.randint(2019, 2024))
        if rng.random() < 0.2:
            ws.write_string(i, 15, "国家级")
        ws.write_string(i, 16, "是" if rng.random() < 0.5 else "否")
        ws.write_string(i, 17, "是" if rng.random() < 0.3 else "否")
    wb.close()
    return buf.getvalue()


def bare_read(data: bytes) -> float:
    t = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    n = sum(1 for _ in sheet.iter_rows())
    elapsed = time.perf_counter() - t
    assert n > 1
    return elapsed


def run_import(world: dict, data: bytes, year: int) -> tuple[float, dict]:
    from apps.enterprises import services
    from apps.enterprises.totals import cluster_totals

    t = time.perf_counter()
    batch = services.enterprise_import_upload(
        actor=world["operator"], cluster=world["cluster"], year=year, upload=SimpleUploadedFile("清单.xlsx", data)
    )
    assert batch.status == "preview", batch.summary.get("errors", [])[:5]
    t_preview = time.perf_counter() - t
    batch = services.enterprise_import_commit(actor=world["operator"], batch=batch)
    assert batch.status == "committed", batch.message
    totals = cluster_totals(world["cluster"], year)
    elapsed = time.perf_counter() - t
    return elapsed, {"preview": t_preview, "firms": totals["firm_count"].value, "output": totals["output_value"].value}


def build_world() -> dict:
    from apps.orgs.models import Organisation, OrgKind, Role
    from tests import factories as f

    ministry = f.ministry()
    sh = f.province(ministry)
    jd = f.district(sh, "嘉定区经委", "嘉定区")
    op = f.operator(jd, "嘉定演示园区运营公司")
    cluster = f.ClusterFactory(name="上海市嘉定区智能传感器产业集群（演示）", district=jd, operator=op)
    user = f.user_with(op, Role.OPERATOR_STAFF, username="bench_operator")
    assert Organisation.objects.filter(kind=OrgKind.OPERATOR).exists()
    return {"operator": user, "cluster": cluster}


def main() -> None:
    from django.test.utils import get_runner

    setup_test_environment()
    settings.ENTERPRISE_IMPORT_INLINE_MAX_BYTES = 10**10  # time the work itself, inline
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        print(f"database: {django.db.connection.vendor}")
        world = build_world()
        t = time.perf_counter()
        big = make_xlsx(100_000)
        print(f"generated 100k-row xlsx: {len(big) / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
        bare = min(bare_read(big) for _ in range(2))
        print(f"bare calamine read (100k rows): {bare:.2f} s")
        full, info = run_import(world, big, 2023)
        print(
            f"full import (100k rows: read+validate+classify+preview diff, then commit re-read+store, totals): "
            f"{full:.2f} s (preview part {info['preview']:.2f} s); ratio to bare read {full / bare:.1f}x; "
            f"targets ≤ 10 s and ≤ 3x; firms={info['firms']} output={info['output']} 亿元"
        )
        small = make_xlsx(10_000, seed=2)
        t10k, info10 = run_import(world, small, 2024)
        print(f"10k-row import from upload to totals: {t10k:.2f} s (target ≤ 3 s); firms={info10['firms']}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
