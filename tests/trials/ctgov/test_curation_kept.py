"""What an admin curated lives apart from what the registry says: a re-import (even --force) keeps it, and the
admin shows where the registry changed since."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from trials.models import Trial, TrialTeam

pytestmark = pytest.mark.django_db


def change_form_data(client, url):
    """The admin change form's current values and its inline management forms, as a browser would post them."""
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()  # as the widget renders it (JSON fields as text)
        if value is not None and value is not False:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, subform in enumerate(formset.forms):
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[f"{formset.prefix}-{index}-{name}"] = value
    return data


def import_lung(path, *extra):
    call_command("import_ctgov", str(path), "--no-progress", *extra)
    return Trial.objects.get(ref="NCT90000001")


def test_a_forced_reimport_of_a_changed_record_keeps_the_curation_and_the_admin_shows_the_disagreement(
        client, admin_user, study_copy, oncology_team):
    trial = import_lung(study_copy)
    assert (trial.registry_condition_codes, trial.condition_codes) == (["onc:LUAD"], ["onc:LUAD"])
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = change_form_data(client, url)
    data.update(curated_condition_codes=json.dumps(["onc:NSCLC"]), criteria=json.dumps({"ecog": {"max": 1}}),
                team=oncology_team.pk, title_es="Osimertinib en cáncer de pulmón (ficticio)",
                brief_summary_es="Un estudio inventado, en palabras sencillas.")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    trial.refresh_from_db()
    assert trial.condition_codes == ["onc:NSCLC"]
    assert "The registry has not changed since this trial was curated." in client.get(url).content.decode()

    record = json.loads(study_copy.read_text())
    record["protocolSection"]["conditionsModule"]["conditions"] = ["Small Cell Lung Carcinoma"]
    record["protocolSection"]["descriptionModule"]["briefSummary"] = "The registry's new summary."
    record["derivedSection"]["conditionBrowseModule"]["meshes"] = []
    study_copy.write_text(json.dumps(record))
    trial = import_lung(study_copy, "--force")

    assert trial.brief_summary == "The registry's new summary."  # registry fields follow the registry
    assert trial.conditions == ["Small Cell Lung Carcinoma"]
    assert trial.registry_condition_codes == ["onc:SCLC"]
    assert trial.curated_condition_codes == ["onc:NSCLC"] and trial.condition_codes == ["onc:NSCLC"]
    assert trial.criteria == {"ecog": {"max": 1}}
    assert trial.team == oncology_team
    assert (trial.title_es, trial.brief_summary_es) == ("Osimertinib en cáncer de pulmón (ficticio)",
                                                        "Un estudio inventado, en palabras sencillas.")
    assert trial.conditions_index.get().code == "onc:NSCLC"

    page = client.get(url).content.decode()
    assert "The registry changed since this trial was curated" in page
    assert "Conditions listed</b>: when curated Lung Adenocarcinoma; Rare Fictional Syndrome; now Small Cell" in page
    assert "Codes mapped from the registry</b>: when curated onc:LUAD; now onc:SCLC" in page
    changed = client.get(reverse("admin:trials_trial_changelist"), {"curated_codes": "changed"}).content.decode()
    assert "NCT90000001" in changed


def test_clearing_the_curated_codes_follows_the_registry_again(client, admin_user, fixtures_dir):
    trial = import_lung(fixtures_dir / "lung_study.json")
    Trial.objects.filter(pk=trial.pk).update(curated_condition_codes=["onc:NSCLC"], condition_codes=["onc:NSCLC"])
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = change_form_data(client, url)
    data["curated_condition_codes"] = ""

    assert client.post(url, data).status_code == 302

    trial.refresh_from_db()
    assert (trial.curated_condition_codes, trial.condition_codes) == (None, ["onc:LUAD"])


def test_an_unknown_curated_code_is_refused_with_its_name(client, admin_user, fixtures_dir):
    trial = import_lung(fixtures_dir / "lung_study.json")
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = change_form_data(client, url)
    data["curated_condition_codes"] = json.dumps(["onc:NOPE"])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "unknown condition code onc:NOPE" in response.content.decode()
    trial.refresh_from_db()
    assert trial.curated_condition_codes is None


def test_registry_fields_are_read_only_on_an_imported_trial_but_not_on_one_entered_here(client, admin_user,
                                                                                      fixtures_dir):
    imported = import_lung(fixtures_dir / "lung_study.json")
    manual = Trial.objects.create(ref="TB-HAND-1", title="Entered by hand", condition_codes=["onc:LUNG"])
    client.force_login(admin_user)

    imported_form = client.get(reverse("admin:trials_trial_change", args=[imported.pk])).context["adminform"].form
    manual_form = client.get(reverse("admin:trials_trial_change", args=[manual.pk])).context["adminform"].form

    assert {"title", "conditions", "condition_codes", "overall_status"}.isdisjoint(imported_form.fields)
    assert {"curated_condition_codes", "criteria", "team", "title_es", "brief_summary_es"} <= set(imported_form.fields)
    assert {"title", "condition_codes", "overall_status"} <= set(manual_form.fields)
    assert "curated_condition_codes" not in manual_form.fields
    assert TrialTeam.objects.count() == 0
