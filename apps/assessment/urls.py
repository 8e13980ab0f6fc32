"""Pages of this app, mounted by clusterhub/urls.py under /assessment/."""

from django.urls import path

from .views import evaluations, index, results, rulesets, selfcheck, targets

app_name = "assessment"
urlpatterns = [
    path("", index.index, name="index"),
    # results of the day and reviewers' judgments
    path("records/<int:pk>/", results.record_detail, name="record_detail"),
    path("records/<int:pk>/judgment/", results.judgment_record, name="judgment_record"),
    # a cluster's self-check and targets against actuals
    path("clusters/<int:pk>/self-check/", selfcheck.selfcheck, name="selfcheck"),
    path("clusters/<int:pk>/self-check/save/", selfcheck.selfcheck_save, name="selfcheck_save"),
    path("clusters/<int:pk>/targets/", targets.cluster_targets, name="targets"),
    # rule sets
    path("rulesets/", rulesets.ruleset_list, name="ruleset_list"),
    path("rulesets/<str:code>/", rulesets.ruleset_detail, name="ruleset_detail"),
    path("rulesets/<str:code>/copy/", rulesets.ruleset_copy, name="ruleset_copy"),
    path("rulesets/<str:code>/edit/", rulesets.ruleset_edit, name="ruleset_edit"),
    path("rulesets/<str:code>/preview/", rulesets.ruleset_preview, name="ruleset_preview"),
    path("rulesets/<str:code>/publish/", rulesets.ruleset_publish, name="ruleset_publish"),
    # service evaluation (服务评价)
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path("evaluations/bands/", evaluations.grade_bands, name="grade_bands"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/score/", evaluations.evaluation_score, name="evaluation_score"),
]
