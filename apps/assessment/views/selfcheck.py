"""Self-check of a cluster (认定条件自查): the engine's results for the cluster's latest data
against a chosen published rule set, and saving them as a result of the day."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ServiceError

from .. import permissions, services, sources
from ..engine import Engine
from ..selectors import clusters_for_assessment, default_ruleset_for, records_visible_to, rulesets_for_cluster
from ._common import require_page


def _chosen(cluster: Any, wanted: str) -> tuple[list[Any], Any, bool]:
    """(choices, chosen rule set, whether `wanted` was unknown)."""
    choices = rulesets_for_cluster(cluster)
    by_id = {rs.id: rs for rs in choices}
    if wanted and wanted in by_id:
        return choices, by_id[wanted], False
    return choices, default_ruleset_for(cluster, choices), bool(wanted)


@require_http_methods(["GET"])
def selfcheck(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_for_assessment(request.user), pk=pk)
    choices, ruleset, unknown = _chosen(cluster, str(request.GET.get("ruleset", "")))
    if unknown:
        messages.warning(request, "所选规则集不存在或不适用于本集群，已改用默认规则集。")
    found = sources.latest_dossier(cluster)
    result = Engine(ruleset).evaluate(found.dossier) if found is not None and ruleset is not None else None
    return render(
        request,
        "assessment/selfcheck.html",
        {
            "cluster": cluster,
            "choices": choices,
            "ruleset": ruleset,
            "found": found,
            "result": result,
            "enterprise_years": sources.enterprise_years(cluster),
            "records": records_visible_to(request.user).filter(cluster=cluster).select_related("created_by")[:10],
            "can_save": permissions.can_run_assessment(request.user, cluster)[0] and result is not None,
        },
    )


@require_POST
def selfcheck_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Store today's result (the rule set and the data as they are now) for the record."""
    cluster = get_object_or_404(clusters_for_assessment(request.user), pk=pk)
    require_page(permissions.can_run_assessment(request.user, cluster))
    wanted = str(request.POST.get("ruleset", ""))
    _choices, ruleset, unknown = _chosen(cluster, wanted)
    back = reverse("assessment:selfcheck", kwargs={"pk": cluster.pk})
    if unknown or ruleset is None:
        messages.error(request, "所选规则集不存在或不适用于本集群，未保存评估结果。")
        return redirect(back)
    found = sources.latest_dossier(cluster)
    if found is None:
        messages.error(request, "本集群尚无可评估的资料（已提交的填报表单、评估资料或企业名单），未保存评估结果。")
        return redirect(back)
    try:
        record = services.assessment_run(
            actor=request.user, cluster=cluster, ruleset_id=ruleset.id, dossier_data=found.data, purpose="self_check"
        )
    except ServiceError as exc:
        messages.error(request, f"未保存评估结果：{exc.message}")
        return redirect(f"{back}?ruleset={ruleset.id}")
    messages.success(request, f"已保存评估结果（{record.get_verdict_display()}）。")
    return redirect("assessment:record_detail", pk=record.pk)
