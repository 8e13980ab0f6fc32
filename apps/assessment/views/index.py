"""The assessment landing page (评估): what the user can do here, by role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from apps.orgs.models import Role

from .. import permissions
from ..selectors import clusters_for_assessment, evaluations_visible_to, records_visible_to


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    clusters = clusters_for_assessment(user).order_by("district_id", "name")
    return render(
        request,
        "assessment/index.html",
        {
            "clusters": clusters[:200],
            "cluster_count": clusters.count(),
            "records": records_visible_to(user).select_related("created_by")[:10],
            "evaluation_count": evaluations_visible_to(user).count(),
            "is_evaluator": user.has_role(Role.EVALUATOR),  # type: ignore[union-attr]
            "show_rulesets": permissions.can_view_rulesets(user)[0],
            "can_edit_rulesets": permissions.can_edit_rulesets(user)[0],
        },
    )
