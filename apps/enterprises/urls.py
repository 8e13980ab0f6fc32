"""Pages of the enterprise lists (企业库), mounted under /enterprises/ by clusterhub/urls.py."""

from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.index, name="index"),
    path("clusters/<int:pk>/", views.cluster_list, name="cluster"),
    path("clusters/<int:pk>/template/", views.template_download, name="template"),
    path("clusters/<int:pk>/upload/", views.upload, name="upload"),
    path("clusters/<int:pk>/export/", views.export, name="export"),
    path("clusters/<int:pk>/lists/<str:kind>/", views.named_list, name="named_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("firms/<int:pk>/", views.firm_year_detail, name="firm_year"),
    path("city/", views.city_list, name="city"),
    path("duplicates/", views.duplicates, name="duplicates"),
]
