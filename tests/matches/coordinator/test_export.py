import csv
import io

from django.urls import reverse

from consent.models import AccessLog
from matches.models import Match, Status
from matches.views.queue import EXPORT_COLUMNS


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_has_a_row_per_match_of_the_filtered_queue_and_nothing_of_other_teams(morning_queue, onc_client):
    a, b, c = morning_queue["onc"]
    a.move_to(Status.REVIEWING, by=None)
    everything = read_csv(onc_client.get(reverse("matches:export")))
    assert sorted(int(r["Match ID"]) for r in everything) == sorted([a.pk, b.pk, c.pk])
    assert morning_queue["other"].patient.full_name not in str(everything)
    reviewing = read_csv(onc_client.get(reverse("matches:export"), {"status": "reviewing"}))
    assert [r["Patient reference"] for r in reviewing] == [a.patient.reference]


def test_export_columns_are_what_a_screening_log_needs(morning_queue, onc_client, onc_coordinator):
    match = morning_queue["onc"][0]
    match.move_to(Status.REVIEWING, by=onc_coordinator)
    match.move_to(Status.ELIGIBLE, by=onc_coordinator)
    match.log_contact(by=onc_coordinator, method="phone", outcome="left_message")
    response = onc_client.get(reverse("matches:export"), {"status": "eligible"})
    assert 'attachment; filename="trialbridge-queue-' in response["Content-Disposition"]
    (row,) = read_csv(response)
    assert list(row) == EXPORT_COLUMNS
    assert row["Name"] == "Ana Alvarez" and row["Email"] == "ana@example.com"
    assert row["Trial"] == "TB-TEST-LUNG" and row["Status"] == "Eligible after review"
    assert row["Last contact outcome"] == "Left a message" and row["Last contact"]


def test_export_is_written_to_the_access_log_for_every_patient_in_it(morning_queue, onc_client, onc_coordinator):
    onc_client.get(reverse("matches:export"))
    logged = set(AccessLog.objects.filter(user=onc_coordinator, action="export queue csv")
                 .values_list("patient_id", flat=True))
    assert logged == {m.patient_id for m in morning_queue["onc"]}


def test_export_cannot_run_a_formula_typed_into_a_name(morning_queue, onc_client):
    patient = morning_queue["onc"][0].patient
    type(patient).objects.filter(pk=patient.pk).update(full_name='=HYPERLINK("http://evil")')
    rows = read_csv(onc_client.get(reverse("matches:export")))
    names = [r["Name"] for r in rows]
    assert "'=HYPERLINK(\"http://evil\")" in names


def test_export_of_another_team_is_empty_for_this_coordinator(morning_queue, mh_client):
    rows = read_csv(mh_client.get(reverse("matches:export")))
    assert [int(r["Match ID"]) for r in rows] == [morning_queue["other"].pk]
    assert Match.objects.count() == 4
