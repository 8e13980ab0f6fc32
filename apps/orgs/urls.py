from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/<int:parent_pk>/", views.organisation_create_view, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/status/", views.organisation_status, name="status"),
    path("users/", views.user_list, name="users"),
    path("<int:org_pk>/users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<int:pk>/status/", views.user_status, name="user_status"),
    path("users/<int:pk>/reset-password/", views.user_reset, name="user_reset"),
]
