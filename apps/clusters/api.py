"""Cluster registry API: the same selectors and filters as the pages (404 outside scope)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from .models import Cluster
from .selectors import clusters_visible_to, filter_clusters

router = Router(tags=["clusters"])
MAX_ROWS = 500


class ClusterFilters(Schema):
    q: str | None = None
    district: int | None = None
    domain: str | None = None
    level: str | None = None
    status: str | None = None
    year: int | None = None


class RecognitionOut(Schema):
    level: str
    level_label: str
    batch_year: int
    document_number: str
    valid_from: date
    valid_to: date
    status: str
    status_label: str
    is_current: bool


class ClusterOut(Schema):
    id: int
    name: str
    short_name: str
    district: str
    operator: str
    leading_industry: str
    domain: str
    domain_label: str
    area_km2: str  # Decimal kept exact as a string
    status: str
    status_label: str
    is_demo: bool


class ClusterDetailOut(ClusterOut):
    core_parks: str
    industry_type: str
    version: int
    recognitions: list[RecognitionOut]


def _out(c: Cluster) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "short_name": c.short_name,
        "district": c.district.name,
        "operator": c.operator.name,
        "leading_industry": c.leading_industry,
        "domain": c.domain,
        "domain_label": c.get_domain_display(),
        "area_km2": str(c.area_km2),
        "status": c.status,
        "status_label": c.get_status_display(),
        "is_demo": c.is_demo,
    }


@router.get("/", response=list[ClusterOut], summary="集群列表（按用户数据范围，可筛选）")
def list_clusters(request: HttpRequest, filters: Query[ClusterFilters]) -> list[dict]:
    params = {k: v for k, v in filters.dict().items() if v is not None}
    return [_out(c) for c in filter_clusters(clusters_visible_to(request.user), params)[:MAX_ROWS]]


@router.get("/{cluster_id}", response=ClusterDetailOut, summary="集群详情（含认定记录）")
def get_cluster(request: HttpRequest, cluster_id: int) -> dict:
    c = get_object_or_404(clusters_visible_to(request.user), pk=cluster_id)
    return {
        **_out(c),
        "core_parks": c.core_parks,
        "industry_type": c.industry_type,
        "version": c.version,
        "recognitions": [
            {
                "level": r.level,
                "level_label": r.get_level_display(),
                "batch_year": r.batch_year,
                "document_number": r.document_number,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "status": r.status,
                "status_label": r.get_status_display(),
                "is_current": r.is_current,
            }
            for r in c.recognitions.all()
        ],
    }
