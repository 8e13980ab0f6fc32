"""Prefill (预填) of a new filing from what the cluster already reported.

1. The previous year's filing of the same form (e.g. last year's annual report): every field
   that exists in the new template with the same kind is copied (year columns only where the
   year exists in both; the declaration is never copied — it must be signed anew).
2. Any earlier filing of the cluster (e.g. the application): where a field's catalogue code
   and year coincide with a stored FilingValue, the value is filled in the field's unit.
Fields filled by the first source are not overwritten by the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.indicators.catalogue import load_catalogue

from .definitions import Template

NOT_COPIED = frozenset({"declaration", "attachment", "computed"})


def _fmt(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _copy_field(kind: str, years: tuple[int, ...], value: Any) -> Any:
    if kind in ("year_series",) and isinstance(value, Mapping):
        kept = {str(y): value[str(y)] for y in years if str(y) in value}
        return kept or None
    if kind == "standards_matrix" and isinstance(value, Mapping):
        kept = {str(y): value[str(y)] for y in years if str(y) in value}
        return kept or None
    return value


def prefill_values(
    template: Template, *, cluster: Any, reporting_year: int, district: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(data, sources) for a new filing; sources describe where values came from (for the page).
    A district-level form (cluster None, `district` given) is prefilled from the district's own
    earlier district-level forms, never from one of its clusters' forms."""
    from .models import Filing, FilingValue
    from .services import template_of

    data: dict[str, Any] = {}
    sources: list[dict[str, Any]] = []
    subject = {"cluster": cluster} if cluster is not None else {"cluster__isnull": True, "district": district}
    earlier = Filing.objects.filter(**subject).order_by("-reporting_year", "-updated_at")
    same = earlier.filter(template_code=template.code, reporting_year__lt=reporting_year).first()
    if same is not None:
        old = template_of(same)
        copied = 0
        for key, value in (same.data or {}).items():
            new_field = template.fields.get(key)
            old_field = old.fields.get(key)
            if new_field is None or old_field is None or new_field.kind != old_field.kind:
                continue
            if new_field.kind in NOT_COPIED or new_field.by_reviewer or old_field.by_reviewer:
                continue  # last year's district opinion is not this year's
            kept = _copy_field(new_field.kind, new_field.years, value)
            if kept is not None:
                data[key] = kept
                copied += 1
        if copied:
            sources.append(
                {
                    "filing": same.pk,
                    "label": f"{same.reporting_year}年度《{same.template_title}》（{copied} 个栏目）",
                    "fields": copied,
                }
            )
    catalogue = load_catalogue()
    others = earlier.exclude(template_code=template.code).filter(reporting_year__lte=reporting_year)
    values: dict[tuple[str, int], tuple[Decimal, str, int]] = {}
    for fv in (
        FilingValue.objects.filter(filing__in=others)
        .select_related("filing")
        .order_by("filing__reporting_year", "filing__updated_at")
    ):
        values[(fv.indicator_code, fv.year)] = (fv.value, fv.unit, fv.filing_id)  # latest filing wins
    ref_year = template.reference_year or (template.data_years[-1] if template.data_years else None)
    used: dict[int, int] = {}
    for f in template.fields.values():
        if not f.indicator or f.key in data:
            continue
        ind = catalogue.get(f.indicator)
        if ind is None:
            continue
        unit = f.unit or ind.unit

        def take(
            year: int | None, *, f_decimals: int = f.decimals, unit: str = unit, code: str = f.indicator
        ) -> str | None:
            if year is None or (code, year) not in values:
                return None
            value, stored_unit, filing_id = values[(code, year)]
            converted = (
                catalogue.convert(value, stored_unit or unit, unit)
                if catalogue.convertible(stored_unit or unit, unit)
                else None
            )
            if converted is None:
                return None
            used[filing_id] = used.get(filing_id, 0) + 1
            return _fmt(converted, f_decimals)

        if f.kind == "number":
            got = take(ref_year)
            if got is not None:
                data[f.key] = got
        elif f.kind == "year_series":
            series = {str(y): v for y in f.years if (v := take(y)) is not None}
            if series:
                data[f.key] = series
        elif f.kind == "count_names":
            got = take(ref_year, f_decimals=0)
            if got is not None:
                data[f.key] = {"count": got}
    for filing in Filing.objects.filter(pk__in=used):
        sources.append(
            {
                "filing": filing.pk,
                "label": (
                    f"{filing.reporting_year}年度《{filing.template_title}》"
                    f"中指标代码相同的数据（{used[filing.pk]} 项）"
                ),
                "fields": used[filing.pk],
            }
        )
    return data, sources
