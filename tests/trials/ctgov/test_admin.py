import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

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


def test_accepting_an_edited_suggestion_puts_it_in_the_criteria_and_rematches(
        client, admin_user, imported_lung_trial, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_suggestions", args=[imported_lung_trial.pk])
    suggestions = imported_lung_trial.criteria_suggestions
    ecog = next(i for i, s in enumerate(suggestions) if s["kind"] == "ecog")
    pregnancy = next(i for i, s in enumerate(suggestions) if s["kind"] == "pregnancy")
    assert "ECOG performance status 0-1" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, {f"decision-{ecog}": "accept", f"rule-{ecog}": json.dumps({"ecog": {"max": 2}}),
                          f"decision-{pregnancy}": "reject", f"rule-{pregnancy}": "{}"})

    trial = Trial.objects.get(pk=imported_lung_trial.pk)
    assert trial.criteria == {"all": [{"ecog": {"max": 2}}]}
    assert trial.curated_registry_snapshot["eligibility_text"] == imported_lung_trial.eligibility_text
    assert trial.criteria_suggestions[ecog]["status"] == "accepted"
    assert trial.criteria_suggestions[pregnancy]["status"] == "rejected"
    assert len(callbacks) == 1  # the re-match


def test_an_invalid_edited_rule_is_refused_and_nothing_changes(client, admin_user, imported_lung_trial):
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_suggestions", args=[imported_lung_trial.pk])

    response = client.post(url, {"decision-0": "accept", "rule-0": json.dumps({"ecog": {"max": 9}})})

    assert response.status_code == 200
    assert "suggestion 0:" in response.content.decode()
    assert Trial.objects.get(pk=imported_lung_trial.pk).criteria is None


def test_an_accepted_suggestion_survives_a_reimport_of_a_newer_record(client, admin_user, study_copy):
    call_command("import_ctgov", str(study_copy), "--no-progress")
    trial = Trial.objects.get(ref="NCT90000001")
    ecog = next(i for i, s in enumerate(trial.criteria_suggestions) if s["kind"] == "ecog")
    client.force_login(admin_user)
    client.post(reverse("admin:trials_trial_suggestions", args=[trial.pk]),
                {f"decision-{ecog}": "accept", f"rule-{ecog}": json.dumps({"ecog": {"max": 1}})})
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
