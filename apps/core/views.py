from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.clusters.selectors import clusters_visible_to
from apps.orgs.selectors import scope_for

from .todos import todos_for


def home(request: HttpRequest) -> HttpResponse:
    """Role-aware home page: my to-dos first, then a short summary of my scope."""
    user = request.user
    clusters = clusters_visible_to(user)
    return render(
        request,
        "core/home.html",
        {
            "todos": todos_for(user),
            "cluster_count": clusters.count(),
            "recent_clusters": clusters.order_by("-updated_at")[:8],
            "scope": scope_for(user),
        },
    )
