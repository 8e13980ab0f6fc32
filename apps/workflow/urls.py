"""Pages of the review cycle, mounted at /workflow/ by clusterhub/urls.py."""

from django.urls import path

from .views import campaigns, evaluation, lifecycle, lists, reviews, submissions

app_name = "workflow"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/publish/", campaigns.campaign_publish, name="campaign_publish"),
    path("campaigns/<int:pk>/attach/", campaigns.campaign_attach, name="campaign_attach"),
    path("campaigns/<int:pk>/start/", campaigns.submission_start, name="submission_start"),
    path("campaigns/<int:pk>/draw/", reviews.review_draw, name="review_draw"),
    path("campaigns/<int:pk>/ranking/", reviews.review_ranking, name="review_ranking"),
    path("campaigns/<int:pk>/bulk/", lifecycle.bulk, name="bulk"),
    path("campaigns/<int:pk>/lists/recommendation/", lists.list_recommendation, name="list_recommendation"),
    path("campaigns/<int:pk>/lists/rereview/", lists.list_rereview, name="list_rereview"),
    path("campaigns/<int:pk>/lists/publicity/", lists.list_publicity, name="list_publicity"),
    path("campaigns/<int:pk>/lists/recognition/", lists.list_recognition, name="list_recognition"),
    path("attachments/<int:pk>/", campaigns.attachment_download, name="attachment_download"),
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/transition/", submissions.submission_transition, name="submission_transition"),
    path("submissions/<int:pk>/form/", submissions.submission_open_form, name="submission_open_form"),
    path("forms/<int:pk>/", submissions.form_submission, name="form_submission"),
    path("submissions/<int:pk>/objections/", submissions.objection_create, name="objection_create"),
    path("submissions/<int:pk>/assign/", submissions.review_assign, name="review_assign"),
    path("submissions/<int:pk>/conflict/", submissions.conflict_declare, name="conflict_declare"),
    path("submissions/<int:pk>/evaluators/", evaluation.evaluation_assign, name="evaluation_assign"),
    path("submissions/<int:pk>/evaluators/withdraw/", evaluation.evaluation_withdraw, name="evaluation_withdraw"),
    path("objections/<int:pk>/handle/", submissions.objection_handle, name="objection_handle"),
    path("reviews/<int:pk>/score/", reviews.review_score, name="review_score"),
    path("inbox/", lifecycle.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", lifecycle.notification_read, name="notification_read"),
    path("calendar/", lifecycle.calendar, name="calendar"),
    path("lifecycle/", lifecycle.lifecycle, name="lifecycle"),
    path("clusters/<int:pk>/revoke/", lifecycle.revoke, name="revoke"),
]
