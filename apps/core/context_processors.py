from typing import Any

from django.conf import settings
from django.http import HttpRequest

from apps.orgs.permissions import can_administer


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.CLUSTERHUB_SITE_NAME,
        "IS_DEMO": settings.CLUSTERHUB_DEMO,
        # Shows the 组织与用户 menu entry; the pages themselves check again.
        "CAN_ADMINISTER": bool(user is not None and user.is_authenticated and can_administer(user)[0]),
    }
