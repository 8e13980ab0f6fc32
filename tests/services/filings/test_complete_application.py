"""The complete Shanghai 2025 application through the services: saved, evidenced, submitted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.filings import services
from apps.filings.models import FilingStatus, FilingValue
from tests import factories_filings as ff


def test_the_complete_application_has_no_blocking_issue_and_is_submitted(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    issues = services.filing_issues(filing, for_submit=True)
    assert [i for i in issues if i.blocking] == []
    assert [i.code for i in issues] == ["rule:area_soft_limit"]  # the explained warning
    services.filing_submit(actor=world.operator, filing=filing, expected_revision=filing.revision)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    rows = {(v.indicator_code, v.year): v.value for v in FilingValue.objects.filter(filing=filing)}
    assert rows[("output_value", 2022)] == Decimal("286.40")
    assert rows[("sme_rd_expense", 2024)] == Decimal("183500")  # 18.35 亿元 in the catalogue's 万元
    assert rows[("standards_group_participate", 2024)] == Decimal("5")
    assert rows[("leading_industry_output_cagr", 2024)] == Decimal("12.98")


def test_without_the_explanation_the_area_warning_blocks_submission(world: Any) -> None:
    filing = ff.fill_complete_application(world)
    services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={},
        expected_revision=filing.revision,
        warning_explanations={"rule:area_soft_limit": ""},
    )
    filing.refresh_from_db()
    with pytest.raises(services.FilingInvalid, match="1 处警示需要填写说明"):
        services.filing_submit(actor=world.operator, filing=filing)
