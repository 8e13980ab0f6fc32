"""Enterprise-list figures (由企业库计算) beside the form's fields, and reasoned overrides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.core.errors import ServiceError
from apps.filings import services
from tests import factories_filings as ff
from tests.factories_enterprises import FirmYearFactory


@pytest.fixture
def filing(world: Any) -> Any:
    for _ in range(3):  # three small industrial firms, 9000 万元 output each
        FirmYearFactory(cluster=world.cluster_pudong, year=2024, output_value=Decimal("9000.00"))
    return services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
    )


def _save(world: Any, filing: Any, values: dict[str, Any], **kw: Any) -> services.SaveResult:
    filing.refresh_from_db()
    return services.filing_save_draft(
        actor=world.operator, filing=filing, values=values, expected_revision=filing.revision, **kw
    )


def test_fields_with_a_list_total_show_it_in_their_own_unit_and_year(world: Any, filing: Any) -> None:
    figures = services.filing_figures(filing)
    firms = figures["firm_count"]
    assert [(y.year, y.computed_text, y.provenance) for y in firms.years] == [(2024, "3", "由企业库计算：3 家")]
    assert firms.take == {"v:firm_count:2024": "3"}
    output = figures["output_value"].years[0]
    assert output.computed_text == "2.70"  # 27000 万元 → 亿元, at the field's two decimals
    assert "sme_output_share" in figures and "area_km2" not in figures
    assert not firms.differs


def test_no_enterprise_list_means_no_figures(world: Any) -> None:
    other = services.filing_create(
        actor=world.operator_huangpu,
        cluster=world.cluster_huangpu,
        template_code=ff.SH_APPLICATION,
        reporting_year=2025,
    )
    assert services.filing_figures(other) == {}


def test_a_departing_value_saves_as_a_draft_but_needs_a_reason_to_be_submitted(world: Any, filing: Any) -> None:
    result = _save(world, filing, {"firm_count": {"2024": "5"}})
    codes = [i.code for i in result.issues]
    assert "override:firm_count:reason" in codes
    message = next(i.message for i in result.issues if i.code == "override:firm_count:reason")
    assert "2024年 申报 5，企业库 3 个" in message
    filing.refresh_from_db()
    assert filing.data["firm_count"] == {"2024": "5"}
    with pytest.raises(services.FilingInvalid) as exc:
        services.filing_submit(actor=world.operator, filing=filing)
    assert any(i.code == "override:firm_count:reason" for i in exc.value.issues)


def test_the_reason_is_kept_with_the_servers_figures_not_the_pages(world: Any, filing: Any) -> None:
    _save(world, filing, {"firm_count": {"2024": "5"}})
    result = _save(
        world,
        filing,
        {},
        overrides={"firm_count": {"reason": "2家企业尚未导入企业库。", "computed": "999"}},
    )
    assert "override:firm_count:reason" not in [i.code for i in result.issues]
    filing.refresh_from_db()
    assert filing.overrides["firm_count"] == {
        "reason": "2家企业尚未导入企业库。",
        "computed": {"2024": "3"},
        "declared": {"2024": "5"},
    }
    assert services.filing_figures(filing)["firm_count"].reason == "2家企业尚未导入企业库。"


def test_taking_the_list_value_drops_the_reason(world: Any, filing: Any) -> None:
    _save(world, filing, {"firm_count": {"2024": "5"}}, overrides={"firm_count": {"reason": "口径不同。"}})
    filing.refresh_from_db()
    assert "firm_count" in filing.overrides
    _save(world, filing, {"firm_count": {"2024": "3"}}, overrides={"firm_count": {"reason": "口径不同。"}})
    filing.refresh_from_db()
    assert filing.overrides == {}


def test_a_reason_over_500_characters_is_refused(world: Any, filing: Any) -> None:
    _save(world, filing, {"firm_count": {"2024": "5"}})
    with pytest.raises(ServiceError, match="不能超过 500 字"):
        _save(world, filing, {}, overrides={"firm_count": {"reason": "字" * 501}})
