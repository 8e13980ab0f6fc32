"""Benchmark: the edit page of the complete Shanghai 2025 application — render and save (issue 3).

    .venv/bin/python benchmarks/filing_edit.py [runs]

Runs on PostgreSQL: DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/clusterhub_bench_filing;
Django's test runner creates the scratch database `test_<name>` and drops it at the end.

The cluster gets an enterprise list (412/436/458 firms for 2022–2024, so every field with a
catalogue code shows its 由企业库计算 figure) and the application is filled completely through
the services (every field, 43 evidence files, the explained warning). Then, through Django's test
client as the logged-in operator:
- render: GET /filings/<pk>/edit/ (sections, figures, computed fields, issues, self-check);
- save: POST /filings/<pk>/save/ as the autosave script does (every input of the form, one
  narrative changed each time so the save really writes), JSON answer with summary, issues,
  computed fields, progress and the self-check.
Prints p50/p95/max in ms over `runs` (default 50) of each, and the SQL queries per request.
Target: p95 < 300 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clusterhub_bench_filing")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment  # noqa: E402

FIRMS_PER_YEAR = {2022: 412, 2023: 436, 2024: 458}


def build_world() -> dict[str, Any]:
    from apps.orgs.models import Role
    from tests import factories as f

    ministry = f.ministry()
    shanghai = f.province(ministry)
    pudong = f.district(shanghai, "浦东新区科经委", "浦东新区")
    op = f.operator(pudong, "张江集成电路园区运营有限公司")
    cluster = f.ClusterFactory(name="上海市浦东新区集成电路产业集群", district=pudong, operator=op)
    user = f.user_with(op, Role.OPERATOR_STAFF, username="bench_operator")
    return {"operator": user, "cluster": cluster, "district": pudong}


def enterprise_list(cluster: Any) -> int:
    """FirmYear rows for 2022–2024 (bulk), a share of them SMEs, related to the leading industry."""
    from apps.enterprises.models import Firm, FirmYear
    from tests.factories_enterprises import make_code

    firms = Firm.objects.bulk_create(
        [
            Firm(credit_code=make_code(500_000 + i), name=f"上海演示芯片有限公司{i}")
            for i in range(max(FIRMS_PER_YEAR.values()))
        ]
    )
    rows = []
    for year, n in FIRMS_PER_YEAR.items():
        for i, firm in enumerate(firms[:n]):
            sme = i % 10 != 0
            rows.append(
                FirmYear(
                    cluster=cluster,
                    year=year,
                    firm=firm,
                    name=firm.name,
                    industry="industry",
                    employees=60 + i % 300 if sme else 1500,
                    revenue=Decimal(3000 + i),
                    total_assets=Decimal(2000),
                    output_value=Decimal(6000 + i),
                    rd_expense=Decimal(300),
                    rd_staff=10,
                    invention_patents=2,
                    computed_size="small" if sme else "large",
                    size="small" if sme else "large",
                    size_reason="演示数据",
                    is_sme=sme,
                    cloud=i % 3 == 0,
                    industrial_internet=i % 4 == 0,
                    leading_industry_related=i % 7 != 0,
                )
            )
    FirmYear.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def form_post(filing: Any) -> dict[str, Any]:
    """Every input of the edit form, as the browser posts it (formdata's naming scheme)."""
    from apps.filings import formdata, services

    template = services.template_of(filing)
    post: dict[str, Any] = {"revision": str(filing.revision)}
    for f in template.fields.values():
        if f.kind in ("computed", "attachment"):
            continue
        post[f"f:{f.key}"] = "1"
        for name, value in formdata.flatten(f, filing.data.get(f.key)).items():
            if isinstance(value, bool):
                if value:
                    post[name] = "1"
            else:
                post[name] = value
    for code, text in (filing.warning_explanations or {}).items():
        post[f"x:{code}"] = text
    return post


def percentiles(times: list[float], cpu: list[float]) -> str:
    """Wall-clock p50/p95/max, and the median CPU time of this process (without PostgreSQL's own)."""
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (
        f"p50 {statistics.median(ms):6.1f} ms · p95 {p95:6.1f} ms · max {ms[-1]:6.1f} ms"
        f"（本进程 CPU 中位数 {statistics.median(cpu) * 1000:.1f} ms）"
    )


def main() -> None:
    from django.test import Client
    from django.urls import reverse

    from apps.filings.models import Filing
    from tests import factories_filings as ff

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        print(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
        world = build_world()
        n_rows = enterprise_list(world["cluster"])

        class World:
            operator = world["operator"]
            cluster_pudong = world["cluster"]

        filing = ff.fill_complete_application(World)
        print(
            f"上海申报表（2025版）：{len(filing.data)} 个栏目已填，佐证材料 {filing.evidence.count()} 份，"
            f"企业库 {n_rows} 行（2022–2024）"
        )
        client = Client()
        client.force_login(world["operator"])
        edit_url = reverse("filings:edit", args=[filing.pk])
        save_url = reverse("filings:save", args=[filing.pk])
        assert client.get(edit_url).status_code == 200  # warm-up: templates, catalogue, rule sets

        render_times, render_cpu, render_queries = [], [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as q:
                t, c = time.perf_counter(), time.process_time()
                response = client.get(edit_url)
                render_times.append(time.perf_counter() - t)
                render_cpu.append(time.process_time() - c)
            assert response.status_code == 200, response.status_code
            render_queries.append(len(q))
        size = len(response.content)

        save_times, save_cpu, save_queries = [], [], []
        for i in range(runs):
            filing = Filing.objects.get(pk=filing.pk)
            post = form_post(filing)
            post["v:plan_problems"] = ff.SH_2025_NARRATIVES["plan_problems"] + f"（第{i + 1}次修改）"
            with CaptureQueriesContext(connection) as q:
                t, c = time.perf_counter(), time.process_time()
                response = client.post(save_url, post, HTTP_X_REQUESTED_WITH="fetch", HTTP_ACCEPT="application/json")
                save_times.append(time.perf_counter() - t)
                save_cpu.append(time.process_time() - c)
            assert response.status_code == 200, response.content[:500]
            assert response.json()["changed"] == ["plan_problems"]
            save_queries.append(len(q))

        load = os.getloadavg()[0]
        print(f"渲染填写页 GET（{runs} 次，页面 {size / 1024:.0f} KB，SQL {max(render_queries)} 条）：")
        print(f"    {percentiles(render_times, render_cpu)}")
        print(f"自动保存 POST（{runs} 次，全表提交，SQL {max(save_queries)} 条）：")
        print(f"    {percentiles(save_times, save_cpu)}")
        print(f"目标：p95 < 300 ms。测量时本机 1 分钟平均负载 {load:.1f}（{os.cpu_count()} 核）。")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
