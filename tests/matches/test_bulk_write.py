"""The matching run's bulk writes (COPY on PostgreSQL, bulk_create elsewhere) store exactly what they were given."""

from django.db import transaction
from django.utils import timezone

from matches import services
from matches.models import Match, MatchEvent, Status, Trigger
from tests.conftest import make_patient, make_trial

AWKWARD = 'back\\slash, tab\there, new\nline, cr\rhere, "quotes", señal, 中文, \\N, \\t'


def _row(patient, trial, **overrides):
    now = timezone.now()
    row = dict(patient_id=patient.pk, trial_id=trial.pk, trigger=Trigger.NEW_INTAKE, evaluated_at=now,
               first_matched_at=now, status_changed_at=now, status=Status.NEW, verdict="possible", score=1.25,
               reasons=[{"leaf": "medication", "path": "all[0].medication", "outcome": "unknown",
                         "quote": {"text": AWKWARD, "n": 3, "x": 0.1}}],
               questions=["biomarkers.KRAS"], nearest_site_id=trial.sites.first().pk, nearest_site_km=12.5,
               engine_version="test", urgent=False)
    row.update(overrides)
    return row


def test_awkward_text_and_json_come_back_unchanged(oncology_team):
    trial = make_trial("TB-COPY", oncology_team, codes=["onc:NSCLC"])
    patient = make_patient()

    pks = services._insert_matches([_row(patient, trial)])
    services._insert_events([dict(match_id=pks[(patient.pk, trial.pk)], kind=MatchEvent.Kind.SYSTEM,
                                  from_status="", to_status=Status.NEW, note=AWKWARD, at=timezone.now())])

    match = Match.objects.get(pk=pks[(patient.pk, trial.pk)])
    assert match.reasons[0]["quote"] == {"text": AWKWARD, "n": 3, "x": 0.1}
    assert (match.questions, match.score, match.nearest_site_km, match.urgent) == (["biomarkers.KRAS"], 1.25, 12.5,
                                                                                   False)
    assert match.events.get().note == AWKWARD


def test_nulls_are_stored_as_nulls(oncology_team):
    trial = make_trial("TB-COPY", oncology_team, codes=["onc:NSCLC"])
    patient = make_patient()

    services._insert_matches([_row(patient, trial, nearest_site_id=None, nearest_site_km=None)])

    assert Match.objects.filter(nearest_site__isnull=True, nearest_site_km__isnull=True).count() == 1


def test_an_upsert_refreshes_engine_fields_and_keeps_the_coordinators_status(oncology_team):
    trial = make_trial("TB-COPY", oncology_team, codes=["onc:NSCLC"])
    patient = make_patient()
    first = services._insert_matches([_row(patient, trial)])
    Match.objects.filter(pk=first[(patient.pk, trial.pk)]).update(status=Status.CONTACTED)

    again = services._insert_matches([_row(patient, trial, verdict="eligible", score=3.5, status=Status.NEW)])

    assert again == first
    match = Match.objects.get()
    assert (match.verdict, match.score, match.status) == ("eligible", 3.5, Status.CONTACTED)


def test_two_upserts_in_one_transaction_each_write_only_their_own_rows(oncology_team):
    trials = [make_trial(f"TB-COPY-{n}", oncology_team, codes=["onc:NSCLC"]) for n in range(3)]
    patient, other = make_patient(), make_patient(email="other@example.com")

    with transaction.atomic():
        one = services._insert_matches([_row(patient, trial) for trial in trials])
        two = services._insert_matches([_row(other, trials[0])])

    assert set(one) == {(patient.pk, trial.pk) for trial in trials}
    assert set(two) == {(other.pk, trials[0].pk)}
    assert Match.objects.count() == 4
