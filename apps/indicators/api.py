"""API endpoints of this app, mounted under /api/ by clusterhub/api.py.

The catalogue is reference data, the same for every logged-in user (no organisation scope)."""

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Indicator

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    dimension: str
    decimals: int
    kind: str
    definition: str
    formula: str
    is_active: bool


@router.get("/", response=list[IndicatorOut], summary="指标目录")
def list_indicators(request: HttpRequest, include_inactive: bool = False) -> list[Indicator]:
    qs = Indicator.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs)
