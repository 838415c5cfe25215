"""Authorization texts: every HIPAA element in every published version, immutable once published."""

import re

import pytest
from django.core.exceptions import ValidationError

from consent.elements import ELEMENTS, missing_elements
from consent.models import AuthorizationText
from consent.services import ConsentError, draft_new_version, publish_authorization_text

from .conftest import publish_new_version


@pytest.mark.django_db
def test_every_published_version_holds_every_hipaa_element_in_english_and_spanish():
    publish_new_version(requires_reconsent=False)
    published = list(AuthorizationText.objects.exclude(status=AuthorizationText.Status.DRAFT))
    assert len(published) >= 2
    for text in published:
        missing = [f"{element.regulation} {element.label} ({language})"
                   for language, element in text.missing_elements()]
        assert missing == [], f"version {text.version} lacks: {missing}"


@pytest.mark.django_db
def test_the_element_check_notices_each_element_that_is_taken_out():
    text = AuthorizationText.objects.current()
    for element in ELEMENTS:
        # Drop every line that satisfies one of the element's patterns in English.
        kept = "\n".join(line for line in text.body_en.splitlines()
                         if not any(re.search(p, line, re.IGNORECASE) for p in element.patterns["en"]))
        missing = missing_elements({"en": kept, "es": text.snapshot("es")})
        assert ("en", element) in missing


@pytest.mark.django_db
def test_v1_is_published_with_a_sha256_of_its_text(authorization_text):
    assert authorization_text.version == 1
    assert authorization_text.status == AuthorizationText.Status.PUBLISHED
    assert authorization_text.sha256 == authorization_text.compute_sha256()
    assert len(authorization_text.sha256) == 64


@pytest.mark.django_db
def test_a_draft_missing_the_revocation_right_cannot_be_published(authorization_text):
    draft = draft_new_version(source=authorization_text)
    draft.body_es = re.sub(r"revoc\w*", "cancelar", draft.body_es, flags=re.IGNORECASE)
    draft.save()
    with pytest.raises(ValidationError, match="revoke"):
        publish_authorization_text(text=draft)
    draft.refresh_from_db()
    assert draft.status == AuthorizationText.Status.DRAFT
    assert draft.sha256 == ""


@pytest.mark.django_db
def test_a_published_text_refuses_any_change(authorization_text):
    authorization_text.body_en += " One more sentence."
    with pytest.raises(ValidationError):
        authorization_text.save()
    authorization_text.refresh_from_db()
    authorization_text.valid_for_days = 10_000
    with pytest.raises(ValidationError):
        authorization_text.save()
    authorization_text.refresh_from_db()
    authorization_text.status = AuthorizationText.Status.DRAFT
    with pytest.raises(ValidationError):
        authorization_text.save()
    with pytest.raises(ValidationError):
        AuthorizationText.objects.get(pk=authorization_text.pk).delete()


@pytest.mark.django_db
def test_publishing_twice_is_refused(authorization_text):
    with pytest.raises(ConsentError):
        publish_authorization_text(text=authorization_text)


@pytest.mark.django_db
def test_admin_publishes_a_draft_and_its_hash_is_fixed(client, admin_user, authorization_text):
    draft = draft_new_version(source=authorization_text)
    client.force_login(admin_user)
    response = client.post("/admin/consent/authorizationtext/",
                           {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert f"Version {draft.version} published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AuthorizationText.Status.PUBLISHED
    assert draft.sha256 == draft.compute_sha256()
    assert AuthorizationText.objects.current() == draft


@pytest.mark.django_db
def test_admin_publishes_a_draft_by_changing_its_status(client, admin_user, authorization_text):
    draft = draft_new_version(source=authorization_text)
    client.force_login(admin_user)
    form = {"version": draft.version, "status": "published", "title_en": draft.title_en, "title_es": draft.title_es,
            "body_en": draft.body_en, "body_es": draft.body_es, "valid_for_days": 730}
    response = client.post(f"/admin/consent/authorizationtext/{draft.pk}/change/", form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AuthorizationText.Status.PUBLISHED and draft.sha256 == draft.compute_sha256()


@pytest.mark.django_db
def test_admin_cannot_edit_a_published_text(client, admin_user, authorization_text):
    client.force_login(admin_user)
    page = client.get(f"/admin/consent/authorizationtext/{authorization_text.pk}/change/").content.decode()
    assert 'name="body_en"' not in page
    assert "All present in English and Spanish." in page
    response = client.post(f"/admin/consent/authorizationtext/{authorization_text.pk}/change/",
                           {"status": "draft", "body_en": "Changed."})
    assert response.status_code == 200  # the form comes back with the error
    authorization_text.refresh_from_db()
    assert authorization_text.status == AuthorizationText.Status.PUBLISHED
    assert authorization_text.sha256 == authorization_text.compute_sha256()
    assert "Changed." not in authorization_text.body_en


@pytest.mark.django_db
def test_admin_makes_a_new_draft_version_from_a_published_one(client, admin_user, authorization_text):
    client.force_login(admin_user)
    response = client.post("/admin/consent/authorizationtext/",
                           {"action": "new_version_from_this_one", "_selected_action": [authorization_text.pk]},
                           follow=True)
    draft = AuthorizationText.objects.get(version=authorization_text.version + 1)
    assert f"Draft version {draft.version} made from version 1." in response.content.decode()
    assert draft.status == AuthorizationText.Status.DRAFT
    assert draft.body_en == authorization_text.body_en and draft.body_es == authorization_text.body_es
    assert AuthorizationText.objects.current() == authorization_text
