"""Filing services on the real Shanghai 2025 application template."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings import services
from apps.filings.models import Evidence, FilingRevision, FilingStatus, FilingValue
from tests import factories_filings as ff


@pytest.fixture
def filing(world: Any) -> Any:
    return services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
    )


def _save(world: Any, filing: Any, values: dict[str, Any], **kw: Any) -> services.SaveResult:
    return services.filing_save_draft(
        actor=world.operator, filing=filing, values=values, expected_revision=filing.revision, **kw
    )


def test_operator_creates_a_draft_for_its_own_cluster_and_it_is_audited(world: Any, filing: Any) -> None:
    assert filing.status == FilingStatus.DRAFT
    assert filing.template_version == "2025.2"  # the current revision of the 2025 form
    assert AuditEvent.objects.filter(action="filing.create", object_id=str(filing.pk)).exists()


def test_operator_cannot_create_a_form_for_another_operators_cluster(world: Any) -> None:
    with pytest.raises(AccessDenied):
        services.filing_create(
            actor=world.operator, cluster=world.cluster_huangpu, template_code=ff.SH_APPLICATION, reporting_year=2025
        )


def test_district_reviewer_cannot_create_a_form(world: Any) -> None:
    with pytest.raises(AccessDenied):
        services.filing_create(
            actor=world.district, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
        )


def test_saving_stores_values_and_rebuilds_indicator_rows_in_catalogue_units(world: Any, filing: Any) -> None:
    result = _save(world, filing, {"output_value": {"2022": "35.20", "2023": "40.00", "2024": "44.00"}})
    assert result.filing.revision == 2
    rows = {(v.indicator_code, v.year): v.value for v in FilingValue.objects.filter(filing=filing)}
    assert str(rows[("output_value", 2024)].normalize()) == "44"
    assert FilingRevision.objects.get(filing=filing, number=2).changes["output_value"][1]["2024"] == "44.00"


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"area_km2": "十二"}, "不是数字"),
        ({"area_km2": "12.345"}, "最多保留2位小数"),
        ({"firm_count": {"2024": "-3"}}, "不能为负数"),
        ({"sme_output_share": {"2024": "120"}}, "0–100"),
    ],
)
def test_malformed_values_refuse_the_save_and_change_nothing(
    world: Any, filing: Any, values: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(services.FilingInvalid) as exc:
        _save(world, filing, values)
    assert any(fragment in i.message for i in exc.value.issues)
    filing.refresh_from_db()
    assert filing.revision == 1
    assert not set(values) & set(filing.data)


def test_a_narrative_over_its_character_limit_is_refused(world: Any, filing: Any) -> None:
    from apps.filings.definitions import load_template

    t = load_template(ff.SH_APPLICATION, "2025")
    limited = next(f for f in t.fields.values() if f.kind in ("text", "narrative") and f.max_chars)
    with pytest.raises(services.FilingInvalid, match="未保存"):
        _save(world, filing, {limited.key: "字" * (limited.max_chars + 1)})
    _save(world, filing, {limited.key: "字" * limited.max_chars})


def test_two_saves_from_the_same_revision_the_second_is_refused_and_shows_the_first(world: Any, filing: Any) -> None:
    base = filing.revision
    services.filing_save_draft(
        actor=world.operator, filing=filing, values={"area_km2": "12.00"}, expected_revision=base
    )
    with pytest.raises(services.FilingConflict) as exc:
        services.filing_save_draft(
            actor=world.operator, filing=filing, values={"area_km2": "15.00"}, expected_revision=base
        )
    assert exc.value.theirs["area_km2"] == {"before": None, "after": "12.00"}
    assert exc.value.current == base + 1
    filing.refresh_from_db()
    assert filing.data["area_km2"] == "12.00"
    merged = services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={"area_km2": "15.00"},
        expected_revision=exc.value.current,
        merge=True,
    )
    assert merged.filing.data["area_km2"] == "15.00"
    assert FilingRevision.objects.filter(filing=filing, kind="merge").count() == 1


def test_evidence_upload_stores_a_pdf_and_an_executable_named_pdf_is_refused(world: Any, filing: Any) -> None:
    item = ff.evidence_for(filing, field_key="chain_cultivation", option_key="chain_map", uploaded_by=world.operator)
    assert item.content_type == "application/pdf"
    bad = SimpleUploadedFile("证明.pdf", ff.exe_bytes(), "application/pdf")
    with pytest.raises(ServiceError, match="内容不是允许的类型"):
        services.evidence_upload(
            actor=world.operator, filing=filing, field_key="chain_cultivation", option_key="chain_map", file=bad
        )
    assert Evidence.objects.filter(filing=filing).count() == 1


@override_settings(EVIDENCE_MAX_BYTES=2048)
def test_evidence_over_the_limit_is_refused(world: Any, filing: Any) -> None:
    big = SimpleUploadedFile("大.pdf", ff.pdf_bytes("x" * 5000), "application/pdf")
    with pytest.raises(ServiceError, match="上限"):
        services.evidence_upload(
            actor=world.operator, filing=filing, field_key="chain_cultivation", option_key="chain_map", file=big
        )


def test_district_cannot_upload_evidence(world: Any, filing: Any) -> None:
    with pytest.raises(AccessDenied):
        ff.evidence_for(filing, field_key="chain_cultivation", option_key="chain_map", uploaded_by=world.district)


def test_submit_is_blocked_by_blank_required_fields_and_a_checked_box_without_evidence(world: Any, filing: Any) -> None:
    _save(world, filing, {"chain_cultivation": {"checked": ["chain_map"]}})
    with pytest.raises(services.FilingInvalid) as exc:
        services.filing_submit(actor=world.operator, filing=filing)
    messages = [i.message for i in exc.value.issues]
    assert any("佐证材料" in m and "产业链" in m for m in messages)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_return_reopens_only_the_named_fields(world: Any, filing: Any) -> None:
    filing.status = FilingStatus.SUBMITTED
    filing.save()
    services.filing_return(actor=world.district, filing=filing, field_reasons={"area_km2": "面积与规划不符"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    _save(world, filing, {"area_km2": "10.00"})
    filing.refresh_from_db()
    with pytest.raises(ServiceError, match="未被退回修改"):
        _save(world, filing, {"operator_name": "另一家机构"})


def test_operator_cannot_return_or_lock(world: Any, filing: Any) -> None:
    filing.status = FilingStatus.SUBMITTED
    filing.save()
    with pytest.raises(AccessDenied):
        services.filing_return(actor=world.operator, filing=filing, field_reasons={"area_km2": "x"})
    with pytest.raises(AccessDenied):
        services.filing_lock(actor=world.operator, filing=filing)
    services.filing_lock(actor=world.district, filing=filing)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.LOCKED
