"""Read-only and print views in the original's layout (原表样式), for every role that sees them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.filings import services
from apps.filings.definitions import load_template
from tests import factories_filings as ff
from tests.factories_enterprises import FirmYearFactory


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def complete(world: Any) -> Any:
    return ff.fill_complete_application(world)


def test_print_view_follows_the_originals_layout(world: Any, complete: Any) -> None:
    html = _client(world.district).get(reverse("filings:print", args=[complete.pk])).content.decode()
    template = load_template(ff.SH_APPLICATION, ff.SH_APPLICATION_VERSION)
    # Cover page, 填报说明, then each numbered part on its own page, in the original's order.
    assert "上海市经济和信息化委员会 制" in html
    assert "11.为确保文件信息的正确采集，填表时不得改变表格样式，其中一至七部分不得串页。" in html
    positions = [html.index(f'<h2 class="paper-heading">{s.heading}</h2>') for s in template.sections[1:8]]
    assert positions == sorted(positions)
    assert html.count('class="paper-section break-before"') == 8  # 一 … 七 and 九 (八 is narrative)
    # Year columns, footnote markers, values.
    assert '<th scope="col">2022年</th><th scope="col">2023年</th><th scope="col">2024年</th>' in html
    assert re.search(r"集群总产值/营业收入（亿元）<sup>3</sup>", html)
    assert '<td class="num">358.20</td>' in html
    # ☑/☐ drawn as boxes: 2 domains + 11 是/否/不涉及 answers + 20 ticked options of the checkbox lists.
    checked = sum(len((v or {}).get("checked", [])) for v in ff.SH_2025_VALUES.values() if isinstance(v, dict))
    answers = sum(1 for f in template.fields.values() if f.kind == "choice" and f.key in ff.SH_2025_VALUES)
    assert html.count('class="box on"') == checked + answers
    assert "其他：组建了集成电路产业链联盟" in html
    # Narrative part with the target table (added rows included) and the declaration.
    assert "中小企业上云比例（%）" in html and "集群品牌建设" in html
    assert "单位负责人（签字）：王建国" in html and "2025年5月8日" in html
    # Evidence is cited by name (no links on paper) and listed at the end.
    assert "佐证材料清单" in html
    assert html.count("证明材料.pdf") >= 2 * complete.evidence.count()
    assert "<input" not in html and "evidence/" not in html


@pytest.mark.parametrize(("role", "status"), [("district", 200), ("city_staff", 200), ("expert", 404), ("nobody", 404)])
def test_read_only_view_shows_reviewers_the_explanations_and_links_the_evidence(
    world: Any, complete: Any, role: str, status: int
) -> None:
    response = _client(world.users_by_role()[role]).get(reverse("filings:detail", args=[complete.pk]))
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert "填报单位说明：</span>" + ff.SH_2025_EXPLANATIONS["rule:area_soft_limit"] in html
    item = complete.evidence.first()
    assert reverse("filings:evidence_download", args=[item.pk]) in html
    assert 'id="differences"' not in html  # no enterprise list, no comparison


def test_the_reviewer_sees_declared_computed_and_reason_on_the_read_only_view(world: Any) -> None:
    for _ in range(3):
        FirmYearFactory(cluster=world.cluster_pudong, year=2024, output_value=Decimal("9000.00"))
    filing = services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
    )
    services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={"firm_count": {"2024": "5"}},
        expected_revision=filing.revision,
        overrides={"firm_count": {"reason": "2家企业尚未导入企业库。"}},
    )
    html = _client(world.district).get(reverse("filings:detail", args=[filing.pk])).content.decode()
    table = html[html.index('id="differences"') : html.index("</section>", html.index('id="differences"'))]
    assert "集群企业数量" in table and "2家企业尚未导入企业库。" in table and "由企业库计算：3 家" in table
    assert _client(world.nobody).get(reverse("filings:detail", args=[filing.pk])).status_code == 404
