import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from trials import services
from trials.models import ImportRun, Trial


@pytest.fixture
def imported_lung_trial(fixtures_dir):
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), "--no-progress")
    return Trial.objects.get(ref="NCT90000001")


def test_an_admin_upload_is_imported_in_the_background_and_its_result_shown(
        client, admin_user, fixtures_dir, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("page.json", (fixtures_dir / "page.json").read_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:trials_importrun_add"), {"file": upload})

    run = ImportRun.objects.get()
    assert response.url == reverse("admin:trials_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.DONE
    assert Trial.objects.get(ref="NCT90000002").import_run == run
    page = client.get(response.url).content.decode()
    assert "read 3, created 1, updated 0, unchanged 0, skipped 2" in page
    assert "malformed minimum age" in page


def test_an_accepted_suggestion_survives_a_reimport_of_a_newer_record(client, admin_user, study_copy):
    call_command("import_ctgov", str(study_copy), "--no-progress")
    trial = Trial.objects.get(ref="NCT90000001")
    ecog = next(i for i, s in enumerate(trial.criteria_suggestions) if s["kind"] == "ecog")
    services.decide_suggestions(trial=trial, accepted={ecog: {"ecog": {"max": 1}}}, by=admin_user)
    record = json.loads(study_copy.read_text())
    record["derivedSection"]["miscInfoModule"]["versionHolder"] = "2026-07-01"
    study_copy.write_text(json.dumps(record))

    call_command("import_ctgov", str(study_copy), "--no-progress")

    trial.refresh_from_db()
    assert trial.criteria == {"all": [{"ecog": {"max": 1}}]}
    assert [s["status"] for s in trial.criteria_suggestions if s["kind"] == "ecog"] == ["accepted"]


def test_reimport_from_file_reapplies_the_record_in_the_background(
        client, admin_user, imported_lung_trial, django_capture_on_commit_callbacks):
    Trial.objects.filter(pk=imported_lung_trial.pk).update(title="Edited by mistake")
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:trials_trial_changelist"),
                    {"action": "reimport_from_file", "_selected_action": [imported_lung_trial.pk]})

    assert Trial.objects.get(pk=imported_lung_trial.pk).title.startswith("Osimertinib")
    assert ImportRun.objects.get().summary["updated"] == 1


@pytest.mark.parametrize("query, refs", [
    ("mapped=yes", ["NCT90000001", "NCT90000010"]),
    ("mapped=partly", ["NCT90000001", "NCT90000010"]),  # both list a condition the vocabulary lacks
    ("mapped=no", []),
    ("source__exact=ctgov&overall_status__exact=RECRUITING", ["NCT90000001", "NCT90000010"]),
    ("curated=no", ["NCT90000001", "NCT90000010"]),
    ("suggestions=pending", ["NCT90000001", "NCT90000010"]),
])
def test_the_trial_list_filters_by_source_status_mapping_and_curation(client, admin_user, fixtures_dir, query, refs):
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), str(fixtures_dir / "neuropathy_study.xml"),
                 "--no-progress")
    client.force_login(admin_user)

    page = client.get(reverse("admin:trials_trial_changelist") + "?" + query).content.decode()

    assert [ref for ref in ("NCT90000001", "NCT90000010") if ref in page] == refs
