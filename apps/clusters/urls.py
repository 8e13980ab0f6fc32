from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("new/", views.cluster_create, name="create"),
    path("<int:pk>/", views.cluster_detail, name="detail"),
    path("<int:pk>/edit/", views.cluster_edit, name="edit"),
    path("<int:pk>/recognitions/new/", views.recognition_add, name="recognition_add"),
    path("recognitions/<int:pk>/status/", views.recognition_status, name="recognition_status"),
    path("<int:pk>/major-changes/new/", views.major_change_report, name="major_change_report"),
    path("major-changes/<int:pk>/decide/", views.major_change_decide, name="major_change_decide"),
]
