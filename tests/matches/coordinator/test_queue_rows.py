"""Queue rows say who and what (issue 17.10): names, ages, conditions, trials, sites, contacts, owners, days
waiting; filters with real empty labels; no bare score; question keys as their questions; a flat query count."""

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consent.models import AccessLog
from matches.models import Match, MatchEvent
from matches.questions import question_label
from tests.conftest import make_patient, sign

QUEUE = "/coordinator/"


def row_of(page, match):
    start = page.index(f'data-match="{match.pk}"')
    return page[start:page.index("</tr>", start)]


def test_a_row_names_the_patient_age_condition_trial_site_owner_and_days_waiting(morning_queue, onc_client,
                                                                                 onc_coordinator):
    ana = morning_queue["onc"][0]
    Match.objects.filter(pk=ana.pk).update(owner=onc_coordinator, nearest_site_km=16.2,
                                           status_changed_at=timezone.now() - timedelta(days=3))
    ana.refresh_from_db()
    ana.log_contact(by=onc_coordinator, method="phone", outcome="left_message")
    row = row_of(onc_client.get(QUEUE).content.decode(), ana)
    assert "Ana Alvarez" in row and ana.patient.reference in row
    assert f"<td>{ana.patient.age_on(timezone.localdate())}</td>" in row
    assert "Lung adenocarcinoma" in row
    assert "TB-TEST-LUNG" in row and "Test trial TB-TEST-LUNG" in row
    assert "Gulf Coast Cancer Institute, Houston" in row and "10 mi" in row
    assert "olga" in row  # the owner
    assert '<td class="days-waiting">3</td>' in row
    assert "Not yet" not in row  # the call just logged is the last contact


def test_the_score_is_never_shown_as_a_number(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    Match.objects.filter(pk=match.pk).update(score=1.2345)
    for url in (QUEUE, reverse("matches:detail", args=[match.pk])):
        page = onc_client.get(url).content.decode()
        assert "1.23" not in page and "(score" not in page and ">Score<" not in page


def test_filters_have_empty_choices_in_words_not_dashes(morning_queue, onc_client):
    page = onc_client.get(QUEUE).content.decode()
    assert "---------" not in page
    for words in ("All trials", "Any status", "Anyone", "Any verdict", "Any reason",
                  "Urgent, then new information, then best fit"):
        assert words in page


def test_open_questions_are_shown_as_questions_never_as_keys(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    Match.objects.filter(pk=match.pk).update(questions=["biomarkers.KRAS", "prior_therapies", "ecog"])
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "KRAS mutation: What did the test for this marker show?" in page
    assert "Kinds of treatment you have had for this cancer" in page
    assert "biomarkers.KRAS" not in page and "prior_therapies" not in page
    export = onc_client.get(reverse("matches:export")).content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(export)) if r["Match ID"] == str(match.pk))
    assert "biomarkers.KRAS" not in row["Open questions"]
    assert "KRAS mutation: What did the test for this marker show?" in row["Open questions"]


def test_question_labels_speak_the_coordinators_language():
    with translation.override("es"):
        spanish = question_label("ecog")
    assert spanish != question_label("ecog") and spanish
    assert question_label("some_retired_fact") == "Some retired fact"  # never the bare key


def test_the_queue_costs_the_same_queries_for_three_rows_or_thirty(morning_queue, onc_client, lung_trial,
                                                                 django_capture_on_commit_callbacks):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert onc_client.get(QUEUE).status_code == 200
        return len(captured)

    few = queries()
    for n in range(20):
        patient = make_patient(full_name=f"Extra {n}", email=f"extra{n}@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            sign(patient)
    assert Match.objects.filter(trial=lung_trial).count() == 23
    assert queries() == few


def test_the_queue_logs_each_patient_it_shows(morning_queue, onc_client, onc_coordinator):
    onc_client.get(QUEUE)
    logged = set(AccessLog.objects.filter(user=onc_coordinator, action="view queue").values_list("patient", flat=True))
    assert logged == {m.patient_id for m in morning_queue["onc"]}


def test_a_revoked_patient_leaves_the_queue_rows_at_once(morning_queue, onc_client):
    from consent.services import revoke_authorization

    ana = morning_queue["onc"][0]
    revoke_authorization(patient=ana.patient)
    assert "Ana Alvarez" not in onc_client.get(QUEUE).content.decode()
    assert MatchEvent.objects.filter(match=ana, to_status="withdrawn").exists()
