from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.core.audit import timeline_for

from .selectors import clusters_visible_to


def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "clusters/list.html", {"clusters": clusters_visible_to(request.user)})


def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    return render(request, "clusters/detail.html", {"cluster": cluster, "timeline": timeline_for(cluster)[:100]})
