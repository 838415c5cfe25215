import json
from io import StringIO

import pytest
from django.core.management import call_command

from matches.models import Match
from tests.conftest import sign
from trials.models import Site, Trial, TrialCondition


def run(*paths, **options):
    out = StringIO()
    call_command("import_ctgov", *[str(p) for p in paths], "--no-progress", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_a_single_api_v2_study_becomes_a_trial_with_its_sites_contacts_and_codes(fixtures_dir):
    output = run(fixtures_dir / "lung_study.json")

    assert "read 1, created 1, updated 0, unchanged 0, skipped 0" in output
    trial = Trial.objects.get(ref="NCT90000001")
    assert trial.source == Trial.Source.CTGOV
    assert trial.overall_status == Trial.Status.RECRUITING
    assert (trial.min_age_years, trial.max_age_years, trial.sex) == (18, 80, "ALL")
    assert trial.condition_codes == ["onc:LUAD"]
    assert trial.unmapped_conditions == ["Rare Fictional Syndrome"]
    assert trial.phases == ["PHASE2"]
    assert trial.record_version == "2026-03-05"
    assert str(trial.last_update_date) == "2026-03-02"
    assert trial.contacts == [{"name": "Study Desk", "role": "CONTACT", "phone": "555-0100",
                               "email": "desk@example.org"}]
    assert list(TrialCondition.objects.filter(trial=trial).values_list("code", flat=True)) == ["onc:LUAD"]
    sites = {s.facility: s for s in trial.sites.all()}
    assert sites["Gulf Coast Cancer Institute"].postal_code == "77030"
    assert sites["Gulf Coast Cancer Institute"].latitude == pytest.approx(29.7079)
    assert sites["Lakeside Oncology"].status == Trial.Status.NOT_YET_RECRUITING
    # Free text: kept item by item, with what was understood, and suggestions that are not applied.
    assert trial.criteria is None
    assert (trial.items_understood, trial.items_not_understood) == (6, 1)
    assert {"section": "inclusion", "text": "Able to swallow tablets", "understood": False,
            "screening": True} in trial.eligibility_items
    kinds = sorted(s["kind"] for s in trial.criteria_suggestions)
    assert kinds == ["biomarker", "ecog", "medication", "pregnancy", "prior_lines"]
    assert {s["status"] for s in trial.criteria_suggestions} == {"pending"}


@pytest.mark.django_db
def test_running_the_import_twice_changes_nothing(fixtures_dir):
    run(fixtures_dir / "lung_study.json")
    before = Trial.objects.values().get(ref="NCT90000001")
    site_ids = sorted(Site.objects.values_list("pk", flat=True))

    output = run(fixtures_dir / "lung_study.json")

    assert "read 1, created 0, updated 0, unchanged 1, skipped 0" in output
    assert Trial.objects.values().get(ref="NCT90000001") == before
    assert sorted(Site.objects.values_list("pk", flat=True)) == site_ids


@pytest.mark.django_db
def test_a_newer_record_updates_the_trial_and_queues_a_rematch(study_copy, django_capture_on_commit_callbacks):
    run(study_copy)
    record = json.loads(study_copy.read_text())
    record["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    record["derivedSection"]["miscInfoModule"]["versionHolder"] = "2026-06-01"
    study_copy.write_text(json.dumps(record))

    with django_capture_on_commit_callbacks() as callbacks:
        output = run(study_copy)

    assert "read 1, created 0, updated 1, unchanged 0, skipped 0" in output
    trial = Trial.objects.get(ref="NCT90000001")
    assert trial.overall_status == Trial.Status.ACTIVE_NOT_RECRUITING
    assert trial.record_version == "2026-06-01"
    assert len(callbacks) == 1  # the trial's re-match, queued after the study's commit


@pytest.mark.django_db
def test_an_older_copy_of_a_record_does_not_overwrite_a_newer_one(study_copy):
    run(study_copy)
    record = json.loads(study_copy.read_text())
    record["derivedSection"]["miscInfoModule"]["versionHolder"] = "2020-01-01"
    record["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    study_copy.write_text(json.dumps(record))

    output = run(study_copy)

    assert "skipped 1: older than the stored record" in output
    assert Trial.objects.get(ref="NCT90000001").overall_status == Trial.Status.RECRUITING


@pytest.mark.django_db
def test_an_api_page_imports_the_good_studies_and_reports_the_bad_ones_by_file_and_id(fixtures_dir):
    output = run(fixtures_dir / "page.json")

    assert "read 3, created 1, updated 0, unchanged 0, skipped 2" in output
    assert "page.json[1] (no NCT id): missing NCT id" in output
    assert "page.json[2] NCT90000003: malformed minimum age 'eighteen'" in output
    assert list(Trial.objects.values_list("ref", flat=True)) == ["NCT90000002"]
    depression = Trial.objects.get(ref="NCT90000002")
    assert (depression.sex, depression.min_age_years, depression.condition_codes) == ("FEMALE", 0.5, ["psy:MDD"])


@pytest.mark.django_db
def test_gzipped_json_lines_import_line_by_line_and_a_broken_line_is_skipped(gzipped_jsonl):
    output = run(gzipped_jsonl)

    assert "read 2, created 1, updated 0, unchanged 0, skipped 1" in output
    assert "studies.jsonl.gz line 2" in output and "broken JSON" in output
    assert Trial.objects.get(ref="NCT90000004").condition_codes == ["pain:FIBROMYALGIA"]


@pytest.mark.django_db
def test_a_broken_json_file_is_reported_and_the_rest_of_the_import_goes_on(fixtures_dir):
    output = run(fixtures_dir / "broken.json", fixtures_dir / "lung_study.json")

    assert "broken.json NCT90000006: broken JSON" in output
    assert Trial.objects.filter(ref="NCT90000001").exists()


@pytest.mark.django_db
def test_a_legacy_xml_file_maps_like_an_api_record(fixtures_dir):
    run(fixtures_dir / "neuropathy_study.xml")

    trial = Trial.objects.get(ref="NCT90000010")
    assert trial.overall_status == Trial.Status.RECRUITING
    assert (trial.min_age_years, trial.max_age_years, trial.sex) == (21, None, "MALE")
    assert trial.phases == ["PHASE2", "PHASE3"]
    assert trial.condition_codes == ["pain:DPN"]
    assert trial.contacts[0]["name"] == "Pain Study Desk"
    assert trial.sites.get().status == Trial.Status.RECRUITING
    assert str(trial.last_update_date) == "2022-03-03"
    rules = [s["rule"] for s in trial.criteria_suggestions]
    assert {"not": {"pregnant": True}} in rules
    assert {"not": {"medication": ["class:MAOI", "class:SNRI"]}} in rules
    assert {"ecog": {"max": 1}} in rules
    assert {"age": {"min": 21, "max": 70}} in rules  # differs from the registry's fields: offered, not applied


@pytest.mark.django_db
def test_a_tar_gz_of_xml_files_imports_and_broken_or_anonymous_files_are_skipped(xml_archive):
    output = run(xml_archive)

    assert "read 3, created 1, updated 0, unchanged 0, skipped 2" in output
    assert "NCT9000xxxx/broken.xml NCT90000011: broken XML" in output
    assert "NCT9000xxxx/no_nct.xml (no NCT id): missing NCT id" in output
    assert list(Trial.objects.values_list("ref", flat=True)) == ["NCT90000010"]


@pytest.mark.django_db
def test_a_folder_is_read_recursively(fixtures_dir):
    output = run(fixtures_dir)

    assert set(Trial.objects.values_list("ref", flat=True)) == {
        "NCT90000001", "NCT90000002", "NCT90000004", "NCT90000010"}
    assert "skipped 6" in output


@pytest.mark.django_db
def test_a_study_the_database_refuses_is_not_half_written(fixtures_dir, monkeypatch):
    from django.db import IntegrityError

    from trials.ctgov import importer

    def refuse(trial):
        raise IntegrityError("simulated failure after the trial row was written")

    monkeypatch.setattr(importer, "trial_matching_inputs_changed", refuse)
    output = run(fixtures_dir / "lung_study.json")

    assert "skipped 1: database refused the record" in output
    assert not Trial.objects.exists()
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_a_trial_entered_by_hand_is_never_overwritten_by_an_import(fixtures_dir, oncology_team):
    Trial.objects.create(ref="NCT90000001", title="Curated by hand", source=Trial.Source.MANUAL)

    output = run(fixtures_dir / "lung_study.json")

    assert "NCT id already used by a trial entered by hand" in output
    assert Trial.objects.get(ref="NCT90000001").title == "Curated by hand"


@pytest.mark.django_db
def test_an_imported_recruiting_trial_matches_a_consented_patient_without_curation(
        fixtures_dir, lung_patient, authorization_text, django_capture_on_commit_callbacks):
    sign(lung_patient)

    with django_capture_on_commit_callbacks(execute=True):
        run(fixtures_dir / "lung_study.json")

    match = Match.objects.get(patient=lung_patient, trial__ref="NCT90000001")
    assert match.verdict in ("eligible", "possible")
    assert match.nearest_site.facility == "Gulf Coast Cancer Institute"
    assert {r["leaf"] for r in match.reasons} >= {"age", "condition", "travel"}


@pytest.mark.django_db
def test_the_summary_gives_coverage_per_area_and_the_unmapped_conditions_for_review(fixtures_dir, tmp_path):
    tumor_only = tmp_path / "device.json"
    tumor_only.write_text(json.dumps({"protocolSection": {
        "identificationModule": {"nctId": "NCT90000088", "briefTitle": "Fictional pedicle screw study"},
        "statusModule": {"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": "2026-10-01"}},
        "conditionsModule": {"conditions": ["Tumor", "Degenerative Disc Disease"], "keywords": ["Spinal Tumor"]},
        "eligibilityModule": {"eligibilityCriteria": ""}}}))

    output = run(fixtures_dir / "lung_study.json", fixtures_dir / "neuropathy_study.xml", tumor_only)

    assert ("coverage (trials mapped to a code of their area): oncology 1/2 (50%), mental health 0/0, "
            "pain 1/1 (100%), other 0/0") in output
    assert ("most frequent unmapped conditions (for review): Rare Fictional Syndrome (1); Sleep Disturbance (1); "
            "Tumor (1); Degenerative Disc Disease (1)") in output
    assert Trial.objects.get(ref="NCT90000088").condition_codes == []
    assert Trial.objects.get(ref="NCT90000001").registry_condition_sources == {
        "onc:LUAD": "condition: Lung Adenocarcinoma"}


@pytest.mark.django_db
def test_a_missing_oncotree_file_is_a_clear_error(fixtures_dir, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No OncoTree file at"):
        run(fixtures_dir / "lung_study.json", oncotree=str(tmp_path / "nope.json"))
