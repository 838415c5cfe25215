"""The periodic sweep finds stale patients and trials; a trial edited in the admin is re-matched."""

import json
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from intake.services import update_answers
from matches import services, tasks
from matches.models import Match, Status, Verdict
from tests.conftest import TODAY, make_patient, sign
from trials.models import Trial
from trials.services import trial_matching_inputs_changed


def _matched(patient):
    sign(patient)
    services.match_patient(patient.pk, today=TODAY)
    return patient


def test_a_consented_patient_never_matched_is_stale_until_matched(lung_trial, lung_patient):
    unsigned = make_patient(email="unsigned@example.com")
    sign(lung_patient)

    assert services.stale_patient_ids(today=TODAY) == [lung_patient.pk]
    services.match_patient(lung_patient.pk, today=TODAY)
    assert services.stale_patient_ids(today=TODAY) == []
    assert unsigned.pk not in services.stale_patient_ids(include_aged=True, today=TODAY)


def test_a_patient_whose_answers_changed_since_matching_is_stale(lung_trial, lung_patient):
    _matched(lung_patient)

    update_answers(patient=lung_patient, answers={"ecog": 2})

    assert services.stale_patient_ids(today=TODAY) == [lung_patient.pk]


def test_a_patient_matched_by_another_engine_version_is_stale(lung_trial, lung_patient):
    _matched(lung_patient)

    Match.objects.update(engine_version="2026.11.0")

    assert services.stale_patient_ids(today=TODAY) == [lung_patient.pk]


def test_a_patient_whose_birthday_is_today_is_stale_in_the_daily_sweep_only(lung_trial):
    birthday = _matched(make_patient(birth_date=date(1960, TODAY.month, TODAY.day)))
    other_day = _matched(make_patient(email="other@example.com", birth_date=date(1960, 1, 15)))

    assert services.stale_patient_ids(include_aged=True, today=TODAY) == [birthday.pk]
    assert services.stale_patient_ids(today=TODAY) == []
    assert other_day.pk not in services.stale_patient_ids(include_aged=True, today=TODAY)


def test_a_leap_day_birthday_is_stale_on_the_first_of_march_of_other_years(lung_trial):
    leapling = _matched(make_patient(birth_date=date(1964, 2, 29)))

    assert services.stale_patient_ids(include_aged=True, today=date(2027, 3, 1)) == [leapling.pk]
    assert services.stale_patient_ids(include_aged=True, today=date(2028, 3, 1)) == []


def test_a_trial_changed_after_its_last_match_is_stale_until_matched_again(lung_trial, depression_trial):
    assert set(services.stale_trial_ids()) == {lung_trial.pk, depression_trial.pk}
    services.match_trial(lung_trial.pk, today=TODAY)
    services.match_trial(depression_trial.pk, today=TODAY)
    assert services.stale_trial_ids() == []

    trial_matching_inputs_changed(lung_trial)

    assert services.stale_trial_ids() == [lung_trial.pk]


def _change_form_data(response):
    """What the browser would post back: the admin's own form and inline formsets, unchanged."""
    data = {}
    form = response.context["adminform"].form
    forms = [(form, form.fields)]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({formset.management_form.add_prefix(name): value
                     for name, value in formset.management_form.initial.items()})
        forms += [(f, f.fields) for f in formset.forms]
    for bound, fields in forms:
        for name in fields:
            value = bound[name].value()  # already as the widget renders it: JSON fields as JSON text
            if value is None or value is False:
                continue
            data[bound.add_prefix(name)] = "on" if value is True else value
    return data


def test_editing_a_trials_criteria_in_the_admin_re_matches_its_patients(
    admin_client, lung_trial, lung_patient, django_capture_on_commit_callbacks
):
    _matched(lung_patient)
    assert Match.objects.get().verdict == Verdict.ELIGIBLE
    url = reverse("admin:trials_trial_change", args=[lung_trial.pk])
    data = _change_form_data(admin_client.get(url))
    data["criteria"] = json.dumps({"all": [{"ecog": {"max": 0}}]})
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    match = Match.objects.get()
    assert match.verdict == Verdict.NOT_ELIGIBLE
    assert match.evaluated_at >= before
    lung_trial.refresh_from_db()
    assert lung_trial.matched_at >= lung_trial.criteria_changed_at


def _matched_while_fresh(trial, patient, coordinator, today):
    """The trial verified 300 days before today; the patient matched, and a coordinator at work on the match."""
    Trial.objects.filter(pk=trial.pk).update(status_checked_on=today - timedelta(days=300))
    sign(patient)
    services.match_patient(patient.pk, today=today)
    services.match_trial(trial.pk, today=today)
    match = Match.objects.get()
    assert match.verdict == Verdict.ELIGIBLE
    match.move_to(Status.REVIEWING, by=coordinator)
    return match


def _move_clock(monkeypatch, day):
    now = timezone.now() + (day - timezone.localdate())
    monkeypatch.setattr(timezone, "now", lambda: now)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_a_trial_whose_recruiting_goes_unconfirmed_is_stale_once_until_matched_again(
    lung_trial, lung_patient, onc_coordinator, monkeypatch
):
    today = timezone.localdate()
    _matched_while_fresh(lung_trial, lung_patient, onc_coordinator, today)
    assert services.stale_trial_ids(today=today) == []

    a_hundred_days_on = today + timedelta(days=100)  # 400 days after the registry last verified it
    assert services.stale_trial_ids(today=a_hundred_days_on) == [lung_trial.pk]
    _move_clock(monkeypatch, a_hundred_days_on)
    services.match_trial(lung_trial.pk)
    assert services.stale_trial_ids() == []


def test_the_sweep_marks_the_matches_of_a_trial_that_merely_aged_as_not_recruiting_and_keeps_them(
    lung_trial, lung_patient, onc_coordinator, monkeypatch
):
    today = timezone.localdate()
    match = _matched_while_fresh(lung_trial, lung_patient, onc_coordinator, today)
    a_hundred_days_on = today + timedelta(days=100)
    _move_clock(monkeypatch, a_hundred_days_on)

    assert tasks.sweep() == {"patients": 0, "trials": 1}

    match.refresh_from_db()
    assert Match.objects.count() == 1
    assert (match.verdict, match.status) == (Verdict.NOT_ELIGIBLE, Status.REVIEWING)
    assert [r["coordinator"] for r in match.reason_sentences() if r["outcome"] == "not_met"] == ["No recruiting site"]
    assert match.events.count() == 2  # created, then the coordinator's move: the sweep wrote no event
    assert tasks.sweep() == {"patients": 0, "trials": 0}

    lung_trial.refresh_from_db()
    lung_trial.note_status_check(a_hundred_days_on)  # a re-import (or an admin) confirms it again
    lung_trial.save()
    services.match_trial(lung_trial.pk, today=a_hundred_days_on)
    match.refresh_from_db()
    assert (match.verdict, match.status) == (Verdict.ELIGIBLE, Status.REVIEWING)
