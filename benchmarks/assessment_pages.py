"""Benchmark: the assessment pages with realistic numbers of clusters.

Usage (SQLite by default; PostgreSQL with a scratch database it creates and drops):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench .venv/bin/python benchmarks/assessment_pages.py
Prints: the rule-set preview over 300 clusters of a city (latest dossier of each, enterprise-list
check, all 27 Shanghai rules) in clusters per second, and the server time of one self-check page
and of one stored-result page (engine + the shared results include) in milliseconds.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

CLUSTERS = 300
DISTRICTS = 16


def build(n: int) -> dict[str, Any]:
    from apps.assessment.models import ClusterDossier
    from apps.orgs.models import Role
    from tests import factories as f
    from tests.factories_assessment import dossier_data

    rng = random.Random(5)
    ministry = f.ministry()
    city = f.province(ministry)
    districts = [f.district(city, f"第{i + 1}区经委", f"第{i + 1}区") for i in range(DISTRICTS)]
    clusters = []
    rows = []
    for i in range(n):
        district = districts[i % DISTRICTS]
        op = f.operator(district, f"第{i + 1}号园区运营公司")
        cluster = f.ClusterFactory(name=f"基准测试第{i + 1}号产业集群", district=district, operator=op)
        first = rng.randint(20, 80)
        data = dossier_data(
            {
                "output_value": {
                    "2022": str(first),
                    "2023": f"{first * rng.uniform(1.0, 1.2):.2f}",
                    "2024": f"{first * rng.uniform(1.1, 1.5):.2f}",
                },
                "sme_output_share": {"2024": f"{rng.uniform(40, 80):.2f}"},
            }
        )
        rows.append(ClusterDossier(cluster=cluster, year=2024, data=data, source_label="基准测试"))
        clusters.append(cluster)
    ClusterDossier.objects.bulk_create(rows)
    admin = f.user_with(city, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, username="bench_city_admin")
    return {"admin": admin, "clusters": clusters}


def timed(fn: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from django.test.utils import get_runner
    from django.urls import reverse

    from apps.assessment import services
    from apps.assessment.rulesets import get_ruleset
    from apps.assessment.selectors import clusters_in_jurisdiction

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        print(f"database: {django.db.connection.vendor}")
        world = build(CLUSTERS)
        admin = world["admin"]
        ruleset = get_ruleset("sh-recognition-2025-v1")

        def preview() -> None:
            result = services.ruleset_preview(ruleset, list(clusters_in_jurisdiction(admin)))
            assert result["assessed"] == CLUSTERS

        seconds = timed(preview, repeat=3)
        print(f"rule-set preview, {CLUSTERS} clusters × {len(ruleset.rules)} rules: {seconds:.2f} s "
              f"({CLUSTERS / seconds:.0f} clusters/s)")  # fmt: skip

        client = Client()
        client.force_login(admin)
        cluster = world["clusters"][0]
        url = reverse("assessment:selfcheck", args=[cluster.pk])
        assert client.get(url).status_code == 200
        page = timed(lambda: client.get(url))
        print(f"self-check page (27 rules explained): {page * 1000:.0f} ms (median of 5)")

        record = services.assessment_run(
            actor=admin, cluster=cluster, ruleset_id=ruleset.id, dossier_data=dict(cluster.dossiers.get().data)
        )
        record_url = reverse("assessment:record_detail", args=[record.pk])
        stored = timed(lambda: client.get(record_url))
        print(f"stored result page with judgment forms: {stored * 1000:.0f} ms (median of 5)")
        preview_url = reverse("assessment:ruleset_preview", args=[ruleset.id])
        print(f"preview page ({CLUSTERS} clusters): {timed(lambda: client.get(preview_url), repeat=2):.2f} s")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
