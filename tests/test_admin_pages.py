"""Every admin list and every change page of the cast opens for an admin: nothing in the admin is a 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import sign


@pytest.fixture
def populated(lung_trial, depression_trial, lung_patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign(lung_patient)
    return lung_patient


@pytest.mark.django_db
def test_every_admin_changelist_and_change_page_opens(admin_client, populated):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, changelist
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert admin_client.get(add).status_code == 200, add
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change


@pytest.mark.django_db
def test_admin_search_and_filters_answer(admin_client, populated):
    assert admin_client.get(reverse("admin:trials_trial_changelist"), {"q": "LUNG"}).status_code == 200
    response = admin_client.get(reverse("admin:trials_trial_changelist"), {"overall_status": "RECRUITING"})
    assert response.status_code == 200
    response = admin_client.get(reverse("admin:matches_match_changelist"), {"q": populated.reference})
    assert populated.reference in response.content.decode()
