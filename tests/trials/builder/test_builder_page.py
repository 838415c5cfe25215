"""The criteria builder as an admin without JavaScript uses it: every action a form post, the page shown again."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.trials.builder.conftest import BuilderPage, url
from trials.models import ItemReview, Trial
from trials.services import review_items

pytestmark = pytest.mark.django_db

HIV, CHEMO, PREGNANCY = 3, 4, 5  # suggestions of items 6, 7 and 8 (indexes 5, 6, 7)


def test_each_item_stands_beside_its_suggestions_worded_as_people_will_read_them(builder):
    page = builder.html
    assert "Criteria reviewed: 0 of 9 items" in page
    assert "Known HIV infection" in page
    # What a coordinator reads about a patient who meets the suggested exclusion, from the engine.
    assert "Has none of: HIV infection, as the trial requires" in page
    assert "The reader thinks the study team checks this at screening" in page  # "Life expectancy under 12 weeks"
    assert "Enter a valid JSON" not in page


def test_an_admin_curates_an_imported_trial_without_typing_json(builder, imported_trial, admin_user,
                                                               django_capture_on_commit_callbacks):
    page = builder.choose("n0-_new", "ecog").press("add:n0")
    ecog = page.line("ecog")
    assert "Added: ECOG performance status." in page.html
    assert page.value(f"{ecog}-max") == "1"  # the leaf's example: a valid start
    page = page.fill(f"{ecog}-max", "2").press("check")
    assert "ECOG 2 is at most 2" in page.html
    assert "Su puntuación ECOG es 2; el estudio acepta como máximo 2." in page.html

    page = page.press(f"accept:{HIV}")
    page = page.press(f"edit:{CHEMO}")
    weeks = page.line("recent_therapy")
    assert f'id="{weeks}-items-q" name="{weeks}-items-q" value="" autocomplete="off" autofocus' in page.html
    page = page.fill(f"{weeks}-within_weeks", "3").press("check")
    assert "No chemotherapy for at least 3 weeks, as the trial requires" in page.html
    page = page.press("screening:3").press("not-criterion:8").press(f"reject:{PREGNANCY}")
    assert "Criteria reviewed: 4 of 9 items" in page.html

    with django_capture_on_commit_callbacks() as rematch:
        page = page.press("save")

    assert "Criteria and reviews saved." in page.html
    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.criteria == {"all": [
        {"ecog": {"max": 2}}, {"not": {"comorbidity": ["other:HIV"]}},
        {"not": {"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 3}}}]}
    states = [state for _index, _item, state, _review in trial.reviewed_items()]
    assert states == ["pending", "pending", "pending", "screening", "pending", "accepted", "accepted", "pending",
                      "not_criterion"]
    reviews = trial.reviewed_items()
    assert reviews[6][3]["rules"] == [trial.criteria["all"][2]] and reviews[6][3]["by"] == admin_user.username
    statuses = [s["status"] for s in trial.criteria_suggestions]
    assert statuses == ["pending", "pending", "pending", "accepted", "accepted", "rejected"]
    assert trial.criteria_suggestions[CHEMO]["accepted_rule"] == trial.criteria["all"][2]
    assert trial.curated_registry_snapshot["eligibility_text"] == trial.eligibility_text
    assert len(rematch) == 1  # one re-match for the whole save
    assert "Criteria reviewed: 4 of 9 items" in BuilderPage.open(page.client, trial).html


def test_a_wrong_value_is_named_by_its_path_beside_its_line_and_in_the_summary(builder, imported_trial):
    page = builder.choose("n0-_new", "ecog").press("add:n0")
    ecog = page.line("ecog")
    page = page.fill(f"{ecog}-max", "9").fill(f"{ecog}-min", "two").press("save")

    assert "There are 2 problems to fix before saving" in page.html
    assert f'<a href="#line-{ecog}">Rule 1 (ECOG performance status): all[0].ecog.max: must be an integer 0–5</a>' \
        in page.html
    line = page.html.split(f'id="line-{ecog}"')[1].split("</fieldset>")[0]
    assert "all[0].ecog.min: must be an integer 0–5" in line
    assert 'value="two"' in line  # what was typed stays, to be corrected
    assert Trial.objects.get(pk=imported_trial.pk).criteria is None


def test_codes_are_found_by_name_in_either_language_and_added_with_a_button(builder, imported_trial):
    page = builder.choose("n0-_new", "comorbidity").press("add:n0")
    line = page.line("comorbidity")
    page = page.press(f"drop-code:{line}:value:other:HBV")
    page = page.fill(f"{line}-value-q", "diabetes").press(f"search:{line}:value")
    assert "other:DIABETES" in page.html
    page = page.press(f"add-code:{line}:value:other:DIABETES")
    page = page.fill(f"{line}-value-q", "bipolar").press("check")  # Enter in the search field
    page = page.press(f"add-code:{line}:value:psy:BIPOLAR")
    # A code the leaf does not take is never offered, and a forged one is not added.
    page = page.press(f"add-code:{line}:value:onc:NSCLC")
    page = page.choose("n0-_new", "not").press("add:n0").press("save")

    assert "This group is empty: add a rule to it, or remove it." in page.html
    page = page.press(f"remove:{page.line('not')}").press("save")
    assert Trial.objects.get(pk=imported_trial.pk).criteria == {
        "all": [{"comorbidity": ["other:HIV", "other:HCV", "other:DIABETES", "psy:BIPOLAR"]}]}


def test_groups_and_not(builder, imported_trial):
    page = builder.choose("n0-_new", "any").press("add:n0")
    group = page.line("any")
    page = page.choose(f"{group}-_new", "stage").press(f"add:{group}")
    page = page.choose(f"{group}-_new", "metastatic").press(f"add:{group}")
    stage = page.line("stage")
    page = page.choose(f"{stage}-mode", "min").fill(f"{stage}-min", "IIIB").press("check")
    page = page.press(f"wrap:{page.line('metastatic')}")
    page = page.press("save")
    assert Trial.objects.get(pk=imported_trial.pk).criteria == {
        "all": [{"any": [{"stage": {"min": "IIIB"}}, {"not": {"metastatic": True}}]}]}
    assert "Not metastatic, as required" in page.html  # the line under NOT is worded as the trial sees it

    page = page.press(f"unwrap:{page.line('not')}").press("save")
    assert Trial.objects.get(pk=imported_trial.pk).criteria["all"][0]["any"][1] == {"metastatic": True}


def test_taking_a_decision_back(builder, imported_trial):
    page = builder.press(f"accept:{HIV}").press("screening:3").press("save")
    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.review_counts()["accepted"] == 1 and trial.review_counts()["screening"] == 1

    hiv_line = page.node_ids()[1]
    page = page.press(f"remove:{hiv_line}").press("pending:3").press("save")

    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.criteria is None
    assert trial.review_counts()["pending"] == 9
    assert trial.criteria_suggestions[HIV]["status"] == "pending"


def test_the_json_view_is_checked_like_the_controls(builder, imported_trial):
    page = builder.fill("json", '{"all": [{"ecog": {"max": 1}},]}').press("apply-json")
    assert "Not valid JSON, line 1, column 31: Expecting value. Nothing was applied." in page.html
    assert "Enter a valid JSON" not in page.html

    page = page.fill("json", json.dumps({"all": [{"ecog": {"max": 9}}, {"age": {"min": 50, "max": 40}}]}))
    page = page.press("apply-json")
    assert "all[0].ecog.max: must be an integer 0–5" in page.html
    assert "all[1].age: min 50 is greater than max 40" in page.html
    assert page.value(f"{page.line('ecog')}-max") == "9"  # now a line with its widgets

    page = page.fill("json", json.dumps({"all": [{"ecog": {"max": 1}}]})).press("save")
    assert "Your edits to the JSON are not applied yet" in page.html
    assert Trial.objects.get(pk=imported_trial.pk).criteria is None

    page = page.press("apply-json").press("save")
    assert Trial.objects.get(pk=imported_trial.pk).criteria == {"all": [{"ecog": {"max": 1}}]}


def test_a_part_the_controls_cannot_show_is_kept_as_json(client, admin_user, imported_trial):
    odd = {"ecog": {"max": True}}  # not a valid spec, and no widget can show it faithfully
    Trial.objects.filter(pk=imported_trial.pk).update(criteria={"all": [odd]})
    client.force_login(admin_user)
    page = BuilderPage.open(client, imported_trial)
    line = page.line("json")
    assert json.loads(page.value(f"{line}-json")) == odd
    assert "all[0].ecog.max: must be an integer 0–5" in page.html
    page = page.fill(f"{line}-json", '{"ecog": {"max": 1}').press("check")
    assert "Not valid JSON, line 1, column 20" in page.html


def test_a_draft_never_overwrites_what_someone_saved_meanwhile_unless_asked_twice(builder, imported_trial, admin_user):
    page = builder.press(f"accept:{HIV}")
    review_items(trial=imported_trial, by=admin_user, decisions={3: (ItemReview.SCREENING, [])})

    page = page.press("save")
    assert "Someone else saved this trial&#x27;s criteria or reviews while you were editing" in page.html
    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.criteria is None and trial.review_counts()["screening"] == 1

    page.press("save")
    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.criteria == {"all": [{"not": {"comorbidity": ["other:HIV"]}}]}


def test_a_tampered_form_is_never_a_server_error(client, admin_user, imported_trial):
    client.force_login(admin_user)
    for data in ({"node": ["n0", "n1", "zz"], "n0-_kind": "all", "n1-_kind": "ecog", "n1-_parent": "n9",
                  "op": "remove:n0"},
                 {"node": ["n1"], "n1-_kind": "nope", "op": "add:n1", "n1-_new": "all"},
                 {"node": ["n0", "n1"], "n0-_kind": "all", "n1-_kind": "not", "n1-_parent": "n0", "op": "save"},
                 {"op": "accept:99"}, {"op": "write:x"}, {"op": "add-code:n0:value:"}, {"op": "screening:-1"},
                 {"node": ["n0", "n1"], "n0-_kind": "all", "n1-_kind": "stage", "n1-_parent": "n0",
                  "n1-mode": "zz", "n1-_items": "1,999,x", "op": "check"}):
        response = client.post(url(imported_trial), data)
        assert response.status_code == 200, data
    assert Trial.objects.get(pk=imported_trial.pk).criteria is None


def test_only_admins_who_may_change_trials_open_it(client, imported_trial):
    viewer = get_user_model().objects.create_user("vera", password="x-pass-123", is_staff=True)
    client.force_login(viewer)
    assert client.get(url(imported_trial)).status_code == 403


def test_the_change_page_links_the_builder_and_says_where_its_json_breaks(client, admin_user, imported_trial):
    client.force_login(admin_user)
    change = reverse("admin:trials_trial_change", args=[imported_trial.pk])
    page = client.get(change).content.decode()
    assert f'href="{url(imported_trial)}"' in page

    response = client.post(change, {"criteria": '{"all": [', "title_es": "", "brief_summary_es": "",
                                     "sites-TOTAL_FORMS": 0, "sites-INITIAL_FORMS": 0})
    page = response.content.decode()
    assert "Not valid JSON, line 1, column 10: Expecting value." in page
    assert "Enter a valid JSON." not in page


def test_criteria_whose_root_is_not_all_are_shown_and_kept_as_they_are(client, admin_user, imported_trial):
    either = {"any": [{"ecog": {"max": 1}}, {"stage": {"in": ["IV"]}}]}
    Trial.objects.filter(pk=imported_trial.pk).update(criteria=either)
    client.force_login(admin_user)
    page = BuilderPage.open(client, imported_trial)
    assert "Unsaved changes" not in page.html
    assert page.value(f"{page.line('ecog')}-max") == "1"
    page.press("screening:3").press("save")
    assert Trial.objects.get(pk=imported_trial.pk).criteria == either
