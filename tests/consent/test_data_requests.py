"""Requests about one's data: export everything held about a patient; erase the intake, keep what must stay."""

import json

import pytest

from consent.models import AccessLog, Authorization, Revocation
from intake.models import Patient
from matches.models import Match, Status


def run_action(client, action, patient, **extra):
    return client.post("/admin/intake/patient/", {"action": action, "_selected_action": [patient.pk], **extra})


@pytest.mark.django_db
def test_the_export_holds_everything_about_the_patient_and_is_logged(client, admin_user, matched_lung_patient):
    client.force_login(admin_user)
    response = run_action(client, "export_data", matched_lung_patient)
    assert response["Content-Type"] == "application/json"
    assert matched_lung_patient.reference in response["Content-Disposition"]
    export = json.loads(response.content)["patients"][0]
    models = {record["model"] for record in export["records"]}
    assert {"intake.patient", "consent.authorization", "matches.match", "matches.matchevent",
            "consent.accesslog"} <= models
    patient_record = next(r for r in export["records"] if r["model"] == "intake.patient")
    assert patient_record["fields"]["full_name"] == "Pat Example"
    assert patient_record["fields"]["answers"]["ecog"] == 1
    authorization = next(r for r in export["records"] if r["model"] == "consent.authorization")
    assert authorization["verified"] is True
    row = AccessLog.objects.get(patient=matched_lung_patient)
    assert (row.user, row.action) == (admin_user, "export all data")


@pytest.mark.django_db
def test_erasure_asks_for_confirmation_first(client, admin_user, matched_lung_patient):
    client.force_login(admin_user)
    page = run_action(client, "erase_intake", matched_lung_patient).content.decode()
    assert "cannot be undone" in page and matched_lung_patient.reference in page
    assert Patient.objects.get(pk=matched_lung_patient.pk).full_name == "Pat Example"


@pytest.mark.django_db
def test_erasure_blanks_the_intake_withdraws_matches_and_keeps_the_authorization_records(
    client, admin_user, matched_lung_patient
):
    authorization = matched_lung_patient.authorizations.get()
    client.force_login(admin_user)
    run_action(client, "erase_intake", matched_lung_patient, confirm="yes")

    patient = Patient.objects.get(pk=matched_lung_patient.pk)
    assert (patient.full_name, patient.email, patient.phone, patient.answers) == ("", "", "", {})
    assert patient.postal_code == "" and patient.condition_code == ""
    assert (patient.birth_date.month, patient.birth_date.day) == (1, 1)
    assert patient.erased_at is not None
    assert Match.objects.get(patient=patient).status == Status.WITHDRAWN
    kept = Authorization.objects.get(pk=authorization.pk)
    assert kept.signed_name == "Pat Example" and kept.verify()
    assert Revocation.objects.get(authorization=kept).method == "erasure request"
    assert AccessLog.objects.filter(patient=patient, action="erase intake", user=admin_user).exists()
    assert client.get(f"/status/{matched_lung_patient.status_token()}/").status_code == 404


@pytest.mark.django_db
def test_an_erased_patient_is_never_matched_again(client, admin_user, matched_lung_patient, lung_trial):
    import matches.services

    client.force_login(admin_user)
    run_action(client, "erase_intake", matched_lung_patient, confirm="yes")
    matches.services.match_trial(lung_trial.pk)
    assert matches.services.match_patient(matched_lung_patient.pk).skipped_reason
    assert list(Match.objects.values_list("status", flat=True)) == [Status.WITHDRAWN]


@pytest.mark.django_db
def test_patients_cannot_be_deleted_from_the_admin(client, admin_user, lung_patient):
    client.force_login(admin_user)
    assert client.post(f"/admin/intake/patient/{lung_patient.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Patient.objects.filter(pk=lung_patient.pk).exists()
