"""Access matrix: every URL pattern of the project × every role × an object inside and outside scope.

URL names come from the URL resolver, so a new view cannot escape the matrix: a name without an
entry in tests/access_registry.py fails `test_every_url_name_obeys_its_access_entry` with a
message saying what to add. How to write an entry is documented at the top of that file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_registry import DISTRICT_LEVEL_REGISTRY, REGISTRY, ROLES, SKIPPED_NAMES, SKIPPED_PREFIXES, Access

LOGIN_PATH = "/accounts/login/"


def _walk(patterns: list[Any], route: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner_ns = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
            yield from _walk(p.url_patterns, route + str(p.pattern), inner_ns)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            yield name or f"<unnamed {route}{p.pattern}>", route + str(p.pattern)


def project_url_names() -> dict[str, str]:
    """{url name: route} for every pattern of the project, minus the skipped ones."""
    found: dict[str, str] = {}
    for name, route in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES:
            continue
        found.setdefault(name, route)
    return found


URL_NAMES = project_url_names()


def _client_for(world: Any, role: str) -> Client:
    client = Client(REMOTE_ADDR="10.9.8.7")
    if role != "anonymous":
        client.force_login(world.users_by_role()[role])
    return client


def _request(client: Client, entry: Access, url: str, world: Any) -> Any:
    data = entry.data(world) if entry.data else {}
    if entry.method == "post":
        return client.post(url, data)
    return client.get(url, data)


def _expected(entry: Access, role: str) -> set[int]:
    if role in entry.allowed:
        return set(entry.ok)
    if role in entry.forbidden:
        return {403}
    return {404}


def _check_anonymous(entry: Access, url: str, route: str, world: Any, failures: list[str]) -> None:
    response = _request(Client(), entry, url, world)
    if entry.public:
        if response.status_code not in entry.ok:
            failures.append(f"anonymous {url}: {response.status_code}, expected {sorted(entry.ok)}")
    elif route.startswith("api/"):
        if response.status_code != 401:
            failures.append(f"anonymous {url}: {response.status_code}, expected 401")
    elif response.status_code != 302 or not response["Location"].startswith(LOGIN_PATH):
        where = response.get("Location", "")
        failures.append(f"anonymous {url}: {response.status_code} {where}, expected a redirect to {LOGIN_PATH}")


@pytest.mark.parametrize("url_name", sorted(URL_NAMES))
def test_every_url_name_obeys_its_access_entry(url_name: str, world: Any) -> None:
    route = URL_NAMES[url_name]
    entry = REGISTRY.get(url_name)
    if entry is None:
        pytest.fail(
            f"URL “{url_name}” ({route}) has no entry in tests/access_registry.py. Add one, e.g.\n"
            f'    REGISTRY["{url_name}"] = Access(allowed=..., inside=lambda w: {{...}}, outside=lambda w: {{...}})\n'
            "saying which roles may open it and how to build an object inside and outside their scope."
        )
    _check_entry(url_name, route, entry, world)


def _check_entry(url_name: str, route: str, entry: Access, world: Any) -> None:
    if entry.setup:
        entry.setup(world)
    has_kwargs = "<" in route
    if has_kwargs and (entry.inside is None or (entry.outside is None and not entry.unscoped_args)):
        pytest.fail(
            f"{url_name} takes arguments ({route}): its entry needs both `inside` and `outside` "
            "(or `unscoped_args=True` when the arguments are not objects in anyone's scope)."
        )
    inside_url = reverse(url_name, kwargs=entry.inside(world) if entry.inside else None)
    failures: list[str] = []
    _check_anonymous(entry, inside_url, route, world, failures)
    for role in ROLES:
        response = _request(_client_for(world, role), entry, inside_url, world)
        expected = _expected(entry, role)
        if response.status_code not in expected:
            failures.append(f"{role} {inside_url}: {response.status_code}, expected {sorted(expected)}")
    if entry.outside is not None:
        outside_url = reverse(url_name, kwargs=entry.outside(world))
        _check_anonymous(entry, outside_url, route, world, failures)
        for role in ROLES:
            if role in entry.outside_visible:
                continue
            response = _request(_client_for(world, role), entry, outside_url, world)
            if response.status_code != 404:
                failures.append(f"{role} {outside_url} (out of scope): {response.status_code}, expected 404")
    assert not failures, f"{url_name}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("url_name", sorted(DISTRICT_LEVEL_REGISTRY))
def test_a_district_level_form_obeys_its_access_entry(url_name: str, world: Any) -> None:
    """The filing pages again with a district-level form (区级表单, no cluster: the district
    summary): its district's department fills it, the city and the ministry read it, operators,
    experts, evaluators and the no-access user get 404 (tests/access_registry.py)."""
    _check_entry(url_name, URL_NAMES[url_name], DISTRICT_LEVEL_REGISTRY[url_name], world)


def test_registry_has_no_entry_for_a_url_that_no_longer_exists() -> None:
    stale = sorted(set(REGISTRY) - set(URL_NAMES))
    assert not stale, f"Remove these entries from tests/access_registry.py (no such URL name): {stale}"


def test_a_url_missing_from_the_registry_is_reported_with_instructions(world: Any) -> None:
    # The matrix must not pass silently for an unknown name: simulate one.
    URL_NAMES["demo:unregistered"] = "demo/unregistered/"
    try:
        with pytest.raises(pytest.fail.Exception, match=r"tests/access_registry.py"):
            test_every_url_name_obeys_its_access_entry("demo:unregistered", world)
    finally:
        del URL_NAMES["demo:unregistered"]


def test_api_docs_are_only_for_logged_in_users(world: Any) -> None:
    anonymous = Client().get("/api/openapi.json")
    assert anonymous.status_code in (302, 401)
    logged_in = _client_for(world, "nobody").get("/api/openapi.json")
    assert logged_in.status_code == 200
    assert "/api/clusters/" in logged_in.json()["paths"]


def test_django_admin_is_refused_to_non_staff_users(world: Any) -> None:
    response = _client_for(world, "city_admin").get("/sysadmin/")
    assert response.status_code == 302
    assert "/sysadmin/login/" in response["Location"]
