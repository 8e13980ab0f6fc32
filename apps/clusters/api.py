"""Cluster registry API."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .selectors import clusters_visible_to

router = Router(tags=["clusters"])


class ClusterOut(Schema):
    id: int
    name: str
    district: str
    operator: str
    domain: str
    status: str


def _out(c) -> ClusterOut:  # type: ignore[no-untyped-def]
    return ClusterOut(
        id=c.pk,
        name=c.name,
        district=c.district.name,
        operator=c.operator.name,
        domain=c.get_domain_display(),
        status=c.get_status_display(),
    )


@router.get("/", response=list[ClusterOut], summary="集群列表（按用户数据范围）")
def list_clusters(request: HttpRequest) -> list[ClusterOut]:
    return [_out(c) for c in clusters_visible_to(request.user)[:500]]


@router.get("/{cluster_id}", response=ClusterOut, summary="集群详情")
def get_cluster(request: HttpRequest, cluster_id: int) -> ClusterOut:
    return _out(get_object_or_404(clusters_visible_to(request.user), pk=cluster_id))
