"""Pages of this app, mounted by clusterhub/urls.py."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("exports/", views.export_list, name="export_list"),
    path("exports/start/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("filings/<int:pk>/form.docx", views.filing_docx, name="filing_docx"),
    path("filings/<int:pk>/form.pdf", views.filing_pdf, name="filing_pdf"),
    path("filings/<int:pk>/bundle.pdf", views.filing_bundle, name="filing_bundle"),
    path("blank/<slug:code>/<str:version>/", views.blank_form, name="blank_form"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
]
