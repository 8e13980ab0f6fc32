"""The JSON API (/api/, OpenAPI at /api/docs). Session authentication with CSRF; every
endpoint gets its objects through the same selectors as the pages."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="ClusterHub API",
    version="1",
    description="中小企业特色产业集群培育管理平台接口",
    auth=django_auth,
    urls_namespace="api",
)


@api.get("/me", summary="当前用户")
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "username": user.get_username(),
        "organisation": str(getattr(user, "organisation", "") or ""),
        "roles": sorted(getattr(user, "role_codes", [])),
    }


def _register_routers() -> None:
    # Each app owns its router in apps/<app>/api.py; they are mounted here once.
    from apps.assessment.api import router as assessment_router
    from apps.clusters.api import router as clusters_router
    from apps.documents.api import router as documents_router
    from apps.enterprises.api import router as enterprises_router
    from apps.filings.api import router as filings_router
    from apps.indicators.api import router as indicators_router
    from apps.workflow.api import router as workflow_router

    api.add_router("/clusters", clusters_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/filings", filings_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/workflow", workflow_router)
    api.add_router("/documents", documents_router)


_register_routers()
