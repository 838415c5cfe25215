"""Every URL in the URLconf, as every role: never a server error, and nobody sees what is not theirs."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "patient with link", "coordinator of another team", "coordinator", "admin"]
STAFF_ONLY = ("/coordinator/", "/admin/")


def _routes(patterns=None, prefix=""):
    """(route, parameter names) for every non-admin URL pattern, admin excluded (walked model by model below)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, re.findall(r"<(?:\w+:)?(\w+)>", route)


def _concrete_paths(values):
    paths, unfilled = set(), []
    for route, params in _routes():
        if any(name not in values for name in params):
            unfilled.append(route)
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
        paths.add("/" + path.lstrip("^").rstrip("$"))
    return sorted(paths), unfilled


def _admin_paths(objects_by_model):
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        paths += [reverse(f"admin:{info[0]}_{info[1]}_changelist"), reverse(f"admin:{info[0]}_{info[1]}_add")]
        obj = objects_by_model.get(model) or model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                paths.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]))
    return paths


@pytest.fixture
def site_paths(onc_match, signed_lung_patient):
    values = {"token": signed_lung_patient.status_token(), "pk": onc_match.pk, "match_id": onc_match.pk,
              "step": "about"}
    paths, unfilled = _concrete_paths(values)
    # A new URL parameter must be taught to this walk, not skipped by it.
    assert not unfilled, f"teach the URL walk these parameters: {unfilled}"
    walk = paths + _admin_paths({})
    # Signing out ends the role, so those come last.
    return sorted(walk, key=lambda path: "logout" in path)


@pytest.mark.parametrize("role", ROLES)
def test_walking_every_url_never_errors_and_lets_nobody_into_what_is_not_theirs(role, clients, site_paths, onc_match,
                                                                             settings):
    settings.RATE_LIMITS = {}
    client = clients[role]
    client.raise_request_exception = True  # a server error fails the test with its traceback
    match_paths = {p for p in site_paths if p.startswith(f"/coordinator/matches/{onc_match.pk}/")}
    for path in site_paths:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code < 500, f"{role} {method.upper()} {path}: {response.status_code}"
            if role in ("anonymous", "patient with link") and path.startswith(STAFF_ONLY):
                assert response.status_code in (302, 403, 404, 405), f"{role} got into {path}"
            if role == "coordinator of another team" and (path in match_paths or path.startswith("/admin/")):
                assert response.status_code in (302, 403, 404, 405), f"{role} got into {path}"
            if role == "coordinator" and path.startswith("/admin/"):
                assert response.status_code in (302, 403, 404, 405), f"{role} got into {path}"
    assert len(site_paths) > 60
    onc_match.refresh_from_db()
    if role != "coordinator" and role != "admin":
        assert not onc_match.events.filter(actor__isnull=False).exists(), f"{role} changed a match"


def test_the_walk_reaches_the_pages_that_hold_health_data(site_paths, onc_match, signed_lung_patient):
    token = signed_lung_patient.status_token()
    assert f"/status/{token}/" in site_paths
    assert f"/coordinator/matches/{onc_match.pk}/" in site_paths
    assert any(path.startswith("/admin/intake/patient/") for path in site_paths)
