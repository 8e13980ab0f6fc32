"""Pages of this app, mounted by clusterhub/urls.py under /assessment/."""

from django.urls import path

from .views import results

app_name = "assessment"
urlpatterns = [
    path("records/<int:pk>/", results.record_detail, name="record_detail"),
    path("records/<int:pk>/judgment/", results.judgment_record, name="judgment_record"),
]
