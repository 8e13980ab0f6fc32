"""Evaluate 10,000 generated dossiers against the Shanghai recognition rule set; print dossiers/s.

Run: .venv/bin/python benchmarks/assessment_throughput.py [count]
Target (issue 5): ≥ 5,000 dossiers per second on the 2-core reference machine.
"""

from __future__ import annotations

import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings.test")

import django

django.setup()

from apps.assessment.dossier import Dossier  # noqa: E402
from apps.assessment.engine import Engine  # noqa: E402
from apps.assessment.rulesets import get_ruleset  # noqa: E402


def money(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(f"{rng.uniform(lo, hi):.2f}")


def generate(rng: random.Random) -> Dossier:
    base = rng.uniform(20, 300)
    growth = rng.uniform(0.0, 0.25)
    years = (2022, 2023, 2024)
    output = {y: Decimal(f"{base * (1 + growth) ** i:.2f}") for i, y in enumerate(years)}
    rd = rng.uniform(3000, 60000)
    pat = rng.randint(40, 600)
    data = {
        "indicators": {
            "area_km2": {"2024": str(money(rng, 2, 130))},
            "output_value": {str(y): str(v) for y, v in output.items()},
            "sme_output_share": {"2024": str(money(rng, 35, 95))},
            "leading_industry_output_share": {"2024": str(money(rng, 40, 95))},
            "single_champion_count": {"2024": rng.randint(0, 3)},
            "little_giant_count": {"2024": rng.randint(0, 10)},
            "specialised_sme_count": {"2024": rng.randint(0, 40)},
            "innovative_sme_count": {"2024": rng.randint(0, 40)},
            "national_high_tech_count": {"2024": rng.randint(0, 60)},
            "sme_rd_expense": {str(y): f"{rd * (1 + rng.uniform(0, 0.15)) ** i:.2f}" for i, y in enumerate(years)},
            "sme_invention_patents": {
                str(y): int(pat * (1 + rng.uniform(0.05, 0.3)) ** i) for i, y in enumerate(years)
            },
            "sme_employees": {"2024": rng.randint(1500, 40000)},
            "platforms_national_count": {"2024": rng.randint(0, 2)},
            "platforms_provincial_count": {"2024": rng.randint(0, 3)},
            "platforms_other_count": {"2024": rng.randint(0, 4)},
            "standards_total": {"2024": rng.randint(0, 12)},
            "iip_penetration": {"2024": str(money(rng, 3, 40))},
            "co2_intensity": {str(y): f"{0.5 - 0.02 * i + rng.uniform(-0.01, 0.01):.3f}" for i, y in enumerate(years)},
        },
        "answers": {
            "no_major_incidents_3y": rng.choice(["是", "是", "是", "否"]),
            "no_tax_or_credit_violations": "是",
            "leading_industry_not_prohibited": "是",
            "industrial_software_rising": rng.choice(["是", "否"]),
            "energy_efficiency_above_benchmark": rng.choice(["是", "不涉及"]),
            "water_efficiency_above_benchmark": "不涉及",
            "chain_cultivation": ["绘制了产业链图谱"],
            "collaborative_innovation": ["形成了集群技术难点清单或创新项目库"],
            "governance_work": ["建立了中小企业服务专员队伍"],
        },
    }
    if rng.random() < 0.1:  # some dossiers lack a year of data
        del data["indicators"]["sme_rd_expense"]["2022"]  # type: ignore[index]
    return Dossier.from_dict(data)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(20250208)
    dossiers = [generate(rng) for _ in range(count)]
    engine = Engine(get_ruleset("sh-recognition-2025-v1"))
    engine.evaluate(dossiers[0])  # warm the parse cache
    start = time.perf_counter()
    verdicts: dict[str, int] = {}
    for d in dossiers:
        result = engine.evaluate(d)
        verdicts[result.verdict_label] = verdicts.get(result.verdict_label, 0) + 1
    elapsed = time.perf_counter() - start
    rules = len(engine.ruleset.rules)
    print(f"规则集 {engine.ruleset.id}（{rules} 条规则），评估资料 {count} 份")
    print(f"耗时 {elapsed:.3f} 秒，{count / elapsed:,.0f} 份/秒，{count * rules / elapsed:,.0f} 条规则/秒")
    print("结论分布：" + "，".join(f"{k} {v}" for k, v in sorted(verdicts.items())))


if __name__ == "__main__":
    main()
