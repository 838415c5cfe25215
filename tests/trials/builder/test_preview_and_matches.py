"""The builder counts how consented patients would fare under the draft (counts only), and a save re-matches."""

from datetime import date

import pytest

from matches.models import Match
from tests.conftest import make_patient, sign
from trials.builder import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients(imported_trial, django_capture_on_commit_callbacks):
    """Two consented lung cancer patients (ECOG 1 and 2), one consented depression patient, one not consented."""
    with django_capture_on_commit_callbacks(execute=True):
        fit = make_patient(full_name="Ana Fit", email="ana@example.com", answers={"ecog": 1, "stage": "IV"})
        tired = make_patient(full_name="Tom Tired", email="tom@example.com", condition_code="onc:NSCLC",
                             birth_date=date(1958, 3, 2), answers={"ecog": 2})
        other = make_patient(full_name="Sam Other", email="sam@example.com", condition_code="psy:MDD")
        make_patient(full_name="Una Unsigned", email="una@example.com")
        for patient in (fit, tired, other):
            sign(patient)
    return fit, tired


def counts(page, label):
    row = page.html.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
    return [int(cell.split("</td>")[0]) for cell in row.split("<td>")[1:]]


def test_the_preview_counts_consented_patients_under_the_saved_criteria_and_the_draft(builder, patients):
    page = builder.choose("n0-_new", "ecog").press("add:n0")
    # The imported trial's items are pending, so at best "possible" (the study team checks the rest).
    assert counts(page, "Saved criteria") == [0, 2, 0]
    assert counts(page, "This draft") == [0, 1, 1]  # ECOG at most 1: the patient at ECOG 2 is out
    assert "while any item is pending, nobody is more than possible" in page.html
    assert "Counted over all 2 consented patients with one of the trial's conditions." in page.html
    assert "The other 1 consented patient has another condition and cannot be eligible." in page.html

    page = page.choose("n0-_new", "disease_status").press("add:n0")
    assert counts(page, "This draft") == [0, 1, 1]  # nobody said whether their cancer relapsed: possible
    for name in ("Ana Fit", "Tom Tired", "Sam Other", "ana@example.com"):
        assert name not in page.html


def test_many_patients_are_sampled_and_the_page_says_so(builder, patients, monkeypatch):
    monkeypatch.setattr(views, "PREVIEW_LIMIT", 1)
    page = builder.press("check")
    assert "Counted over a sample of 1 of the 2 consented patients" in page.html
    assert sum(counts(page, "Saved criteria")) == 1


def test_an_invalid_draft_is_not_counted(builder, patients):
    page = builder.choose("n0-_new", "ecog").press("add:n0")
    page = page.fill(f"{page.line('ecog')}-max", "9").press("check")
    assert "Fix the problems listed at the top to count patients under this draft." in page.html
    assert "This draft</th>" not in page.html


def test_the_trials_matches_follow_a_save(builder, patients, imported_trial, django_capture_on_commit_callbacks):
    fit, tired = patients
    assert Match.objects.get(patient=fit, trial=imported_trial).verdict == "possible"  # items still pending

    page = builder.choose("n0-_new", "ecog").press("add:n0")
    with django_capture_on_commit_callbacks(execute=True):
        page.fill(f"{page.line('ecog')}-max", "0").press("save")

    assert Match.objects.get(patient=fit, trial=imported_trial).verdict == "not_eligible"
    assert Match.objects.get(patient=tired, trial=imported_trial).verdict == "not_eligible"
