"""Pages of the filings app (在线填报), mounted by clusterhub/urls.py under the `filings` namespace."""

from django.urls import path

from . import views

app_name = "filings"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("new/", views.filing_new, name="new"),
    path("<int:pk>/", views.filing_detail, name="detail"),
    path("<int:pk>/edit/", views.filing_edit, name="edit"),
    path("<int:pk>/save/", views.filing_save, name="save"),
    path("<int:pk>/submit/", views.filing_submit, name="submit"),
    path("<int:pk>/print/", views.filing_print, name="print"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
