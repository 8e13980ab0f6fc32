"""Pages of this app, mounted by clusterhub/urls.py."""

from django.urls import path  # noqa: F401

app_name = "assessment"
urlpatterns: list = []
