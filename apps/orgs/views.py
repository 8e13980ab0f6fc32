from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import organisations_visible_to


def organisation_list(request: HttpRequest) -> HttpResponse:
    orgs = organisations_visible_to(request.user).select_related("parent")
    return render(request, "orgs/list.html", {"organisations": orgs})
