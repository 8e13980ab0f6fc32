from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("orgs/", include("apps.orgs.urls")),
    path("clusters/", include("apps.clusters.urls")),
    path("indicators/", include("apps.indicators.urls")),
    path("filings/", include("apps.filings.urls")),
    path("enterprises/", include("apps.enterprises.urls")),
    path("assessment/", include("apps.assessment.urls")),
    path("workflow/", include("apps.workflow.urls")),
    path("documents/", include("apps.documents.urls")),
    path("api/", api.urls),
    path("sysadmin/", admin.site.urls),
]
