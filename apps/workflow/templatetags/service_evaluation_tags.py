"""Template tags of the service-evaluation track (for pages of other apps, e.g. the cluster page)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def confirmed_service_grade(cluster: Any) -> dict[str, Any] | None:
    """The cluster's latest service-evaluation grade confirmed by the city (None when there is none)."""
    from ..services.evaluation import confirmed_grade

    return confirmed_grade(cluster)
