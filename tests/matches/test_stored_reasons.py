"""Matches store compact reasons; pages word them, and rows stored with sentences still read."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from matches import services
from matches.models import Match
from tests.conftest import TODAY, make_patient, make_trial, sign

OLD_ROW_REASON = {
    "leaf": "ecog", "path": "all[2].ecog", "outcome": "met", "question": None, "negated": False,
    "coordinator": {"en": "ECOG 1 is at most 1", "es": "La puntuación ECOG 1 es como máximo 1"},
    "patient": {"en": "Your ECOG score is 1; the trial accepts at most 1.",
                "es": "Su puntuación ECOG es 1; el estudio acepta como máximo 1."},
}


@pytest.fixture
def matched(lung_trial, lung_patient):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    return Match.objects.get(patient=lung_patient, trial=lung_trial)


def test_a_match_stores_the_quoted_facts_not_the_sentences(matched):
    assert all("coordinator" not in r and "patient" not in r for r in matched.reasons)
    age = next(r for r in matched.reasons if r["leaf"] == "age")
    assert age["quote"] == {"value": 56, "min": 18, "max": 75}  # born 1970-05-01, matched on 2026-11-27


def sentences_in(language, match):
    with translation.override(language):
        return {r["leaf"]: r for r in match.reason_sentences()}


def test_reason_sentences_word_the_stored_reasons_in_the_active_language_for_both_audiences(matched):
    english, spanish = sentences_in("en", matched), sentences_in("es", matched)
    assert english["age"]["coordinator"] == "Age 56 is within 18–75"
    assert spanish["age"]["coordinator"] == "La edad 56 está entre 18 y 75"
    assert english["ecog"]["patient"] == OLD_ROW_REASON["patient"]["en"]
    assert spanish["ecog"]["patient"] == OLD_ROW_REASON["patient"]["es"]
    assert english["condition"]["coordinator"] == "Diagnosis Lung adenocarcinoma matches Non-small cell lung cancer"
    assert spanish["travel"]["patient"].startswith("El centro más cercano que acepta pacientes está a 0.4 km")
    assert [r["outcome"] for r in matched.reason_sentences()] == [r["outcome"] for r in matched.reasons]


def test_a_row_stored_with_sentences_before_compact_reasons_reads_as_it_was(matched):
    Match.objects.filter(pk=matched.pk).update(reasons=[OLD_ROW_REASON])
    matched.refresh_from_db()
    for language in ("en", "es"):
        assert sentences_in(language, matched) == {"ecog": {
            **OLD_ROW_REASON, "coordinator": OLD_ROW_REASON["coordinator"][language],
            "patient": OLD_ROW_REASON["patient"][language]}}


def test_re_matching_an_old_row_stores_it_compactly(matched, lung_patient):
    Match.objects.filter(pk=matched.pk).update(reasons=[OLD_ROW_REASON])

    result = services.match_patient(lung_patient.pk, today=TODAY)

    matched.refresh_from_db()
    assert result.updated == 1
    assert all("coordinator" not in r for r in matched.reasons)
    assert {r["leaf"] for r in matched.reasons} == {"age", "condition", "ecog", "travel"}


def test_the_coordinator_detail_page_shows_the_worded_reasons(matched, onc_coordinator):
    client = Client()
    client.force_login(onc_coordinator)
    page = client.get(reverse("matches:detail", args=[matched.pk])).content.decode()
    assert "Age 56 is within 18–75" in page
    assert "ECOG 1 is at most 1" in page
    assert "4 met · 0 not met · 0 unknown" in page


@pytest.mark.django_db
def test_on_postgresql_stored_reasons_are_compressed_with_lz4():
    if connection.vendor != "postgresql":
        pytest.skip("column compression is a PostgreSQL feature; the migration does nothing elsewhere")
    with connection.cursor() as cursor:
        cursor.execute("SELECT attcompression FROM pg_attribute "
                       "WHERE attrelid = 'matches_match'::regclass AND attname = 'reasons'")
        assert cursor.fetchone() == ("l",)


@pytest.mark.django_db
def test_a_new_leaf_reads_in_the_pages_language_on_both_pages(oncology_team, onc_coordinator):
    trial = make_trial("TB-NO-HIV", oncology_team, codes=["onc:NSCLC"],
                       criteria={"all": [{"not": {"comorbidity": ["other:HIV", "other:HEPATITIS"]}},
                                         {"not": {"brain_metastases": "active"}}]})
    patient = make_patient(answers={"ecog": 1, "stage": "IV", "metastatic": False, "comorbidities": []})
    sign(patient)
    services.match_patient(patient.pk, today=TODAY)
    match = Match.objects.get(patient=patient, trial=trial)
    assert match.verdict == "eligible"

    coordinator = Client()
    coordinator.force_login(onc_coordinator)
    page = coordinator.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Has none of: HIV infection or Viral hepatitis B or C, as the trial requires" in page
    assert "No brain metastases, as required" in page

    visitor = Client()
    visitor.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = visitor.get(reverse("patient:status", args=[patient.status_token()])).content.decode()
    assert ("Nos dijo que no tiene ninguna de estas: Infección por VIH o Hepatitis viral B o C. "
            "Eso es lo que el estudio necesita.") in page
    assert "Nos dijo que su cáncer no se ha extendido al cerebro. El estudio lo acepta." in page
