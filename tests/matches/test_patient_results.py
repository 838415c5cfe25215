"""The patient's results page: honest fit words, who (if anyone) reviews each trial, fit then distance, nothing
beyond the travel distance, ten at a time, zero matches explained, curated summaries, clean registry text."""

import re
from datetime import date

import pytest
from django.urls import reverse

from intake.models import Patient
from matches.models import Match
from tests.conftest import make_patient, make_trial, make_user, sign
from trials.models import Site, Trial, TrialTeam
from trials.services import trial_matching_inputs_changed

pytestmark = pytest.mark.django_db(transaction=True)

HOUSTON = ("Gulf Coast Cancer Institute", "Houston", "TX", "77030", 29.7079, -95.4016)
AUSTIN = ("Hill Country Oncology", "Austin", "TX", "78701", 30.2747, -97.7404)
DALLAS = ("North Texas Cancer Center", "Dallas", "TX", "75201", 32.7876, -96.7994)
CHICAGO = ("Lakeshore Oncology", "Chicago", "IL", "60611", 41.8925, -87.6262)
ITEMS = [{"section": "inclusion", "text": "Adequate organ function", "understood": False},
         {"section": "exclusion", "text": "Active infection", "understood": False}]
MAY_FIT = "May fit: it matches your diagnosis, age and location; the study team checks the rest."
MAY_FIT_ES = ("Podría corresponderle: coincide con su diagnóstico, su edad y su ubicación; el equipo del estudio "
              "comprueba el resto.")
YOU_MEET = "From your answers, you meet what this trial asks for."


def status_page(client, patient, **query):
    return client.get(reverse("patient:status", args=[patient.status_token()]), query).content.decode()


def in_spanish(client):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})


def registry_trial(ref, team, *, sites=(HOUSTON,), **fields):
    """A trial as imported: from the registry, its free-text items not reviewed yet."""
    trial = make_trial(ref, team, codes=["onc:NSCLC"], sites=sites)
    Trial.objects.filter(pk=trial.pk).update(source=Trial.Source.CTGOV, eligibility_items=ITEMS, title_es="",
                                             **fields)
    trial.refresh_from_db()
    trial_matching_inputs_changed(trial)
    return trial


def card_titles(page):
    return re.findall(r'<h2 class="h5"[^>]*>([^<]+)</h2>', page)


@pytest.fixture
def coordinated(oncology_team):
    make_user("olga", oncology_team)
    return oncology_team


def test_a_trial_nobody_reviewed_may_fit_and_never_claims_the_patient_meets_it(client, coordinated):
    registry_trial("NCT90000101", coordinated)
    patient = make_patient()
    sign(patient)
    page = status_page(client, patient)
    assert MAY_FIT in page
    assert YOU_MEET not in page
    assert "The study team checks the rest of what this trial asks for." in page  # the reason, under "Why"
    in_spanish(client)
    assert MAY_FIT_ES in status_page(client, patient)


def test_a_reviewed_trial_whose_rules_are_all_met_says_the_patient_meets_it(client, coordinated):
    make_trial("TB-REVIEWED", coordinated, codes=["onc:NSCLC"])
    patient = make_patient()
    sign(patient)
    page = status_page(client, patient)
    assert YOU_MEET in page and "May fit" not in page
    assert "Waiting for a coordinator to review" in page


def test_a_trial_no_coordinator_works_says_it_is_listed_in_the_registry_with_its_contact(client, onc_coordinator):
    trial = registry_trial("NCT90000102", None, contacts=[
        {"name": "Study Desk", "role": "CONTACT", "phone": "555-0100", "email": "desk@example.org"}])
    patient = make_patient()
    sign(patient)
    page = status_page(client, patient)
    assert "Listed in the public registry." in page
    assert "nobody here reviews your answers for it" in page
    assert "Waiting for a coordinator to review" not in page and "coordinator is reviewing" not in page
    assert "Study Desk" in page and 'href="tel:555-0100"' in page
    assert f'href="https://clinicaltrials.gov/study/{trial.ref}"' in page


def test_the_nearest_sites_contact_comes_before_the_registrys_central_contact(client):
    trial = registry_trial("NCT90000103", None, contacts=[{"name": "Central", "phone": "555-0199"}])
    Site.objects.filter(trial=trial).update(contact_name="Dr. Near", contact_phone="555-0142")
    patient = make_patient()
    sign(patient)
    page = status_page(client, patient)
    assert "Dr. Near" in page and "Central" not in page


def titled(title, ref, team, **options):
    trial = make_trial(ref, team, codes=["onc:NSCLC"], **options)
    Trial.objects.filter(pk=trial.pk).update(title=title, title_es="")


def test_cards_are_sorted_by_fit_then_distance(client, coordinated):
    registry_trial("NCT90000201", coordinated, sites=(HOUSTON,), title="Under review, near")
    titled("Reviewed, far", "TB-FAR", coordinated, sites=(DALLAS,))
    titled("Reviewed, nearer", "TB-NEAR", coordinated, sites=(AUSTIN,))
    titled("Reviewed, a question open", "TB-QUESTION", coordinated, sites=(HOUSTON,),
           criteria={"all": [{"measurable_disease": True}]})
    patient = make_patient()
    Patient.objects.filter(pk=patient.pk).update(travel_radius_km=500)
    sign(patient)
    assert card_titles(status_page(client, patient)) == [
        "Reviewed, nearer", "Reviewed, far", "Reviewed, a question open", "Under review, near"]


def test_a_trial_beyond_the_patients_travel_distance_is_not_shown(client, coordinated):
    make_trial("TB-HOUSTON", coordinated, codes=["onc:NSCLC"], sites=(HOUSTON,))
    make_trial("TB-CHICAGO", coordinated, codes=["onc:NSCLC"], sites=(CHICAGO,))
    patient = make_patient()
    Patient.objects.filter(pk=patient.pk).update(travel_radius_km=100)
    sign(patient)
    page = status_page(client, patient)
    assert "Test trial TB-HOUSTON" in page and "Test trial TB-CHICAGO" not in page
    # Even a match stored before the patient narrowed their distance stays off the page.
    Match.objects.create(patient=patient, trial=Trial.objects.get(ref="TB-CHICAGO"), verdict="possible",
                         score=1.5, nearest_site_km=1500, engine_version="old")
    assert "Test trial TB-CHICAGO" not in status_page(client, patient)


def test_ten_cards_at_a_time_and_show_more_works_without_javascript(client, coordinated):
    for number in range(12):
        make_trial(f"TB-MANY-{number:02}", coordinated, codes=["onc:NSCLC"])
    patient = make_patient()
    sign(patient)
    first = status_page(client, patient)
    assert len(card_titles(first)) == 10
    assert "12 trials may fit you." in first
    assert 'href="?shown=20#trial-11"' in first and "Show 2 more trials" in first
    second = status_page(client, patient, shown="20")
    assert len(card_titles(second)) == 12 and 'id="trial-11"' in second and "show-more" not in second
    assert len(card_titles(status_page(client, patient, shown="bogus"))) == 10


@pytest.mark.parametrize(("setup", "expected"), [
    ("nothing", "We do not have a trial for Lung adenocarcinoma that is recruiting right now."),
    ("children", "do not take people of your age (56)."),
    ("far", "has a site taking patients within 62 miles (100 km) of you. The nearest is 947 miles (1524 km) away."),
    ("criteria", "The trials for Lung adenocarcinoma recruiting near you ask for things your answers do not fit."),
])
def test_no_matches_are_explained_in_plain_words_with_what_happens_next(client, coordinated, setup, expected):
    if setup == "children":
        make_trial("TB-KIDS", coordinated, codes=["onc:NSCLC"], min_age=0, max_age=17)
    elif setup == "far":
        make_trial("TB-CHI", coordinated, codes=["onc:NSCLC"], sites=(CHICAGO,))
    elif setup == "criteria":
        make_trial("TB-ECOG0", coordinated, codes=["onc:NSCLC"], criteria={"all": [{"ecog": {"max": 0}}]})
    patient = make_patient(birth_date=date(1970, 5, 1))
    Patient.objects.filter(pk=patient.pk).update(travel_radius_km=100)
    patient.refresh_from_db()
    sign(patient)
    page = status_page(client, patient)
    age = patient.age_on()
    assert "No trial fits you yet" in page
    assert expected.replace("(56)", f"({age})") in page
    assert "We keep looking." in page


def test_a_plain_language_summary_replaces_the_registrys_and_registry_text_reads_cleanly(client, coordinated):
    trial = registry_trial("NCT90000301", coordinated,
                           brief_summary="Adults with tumours \\&lt; 3 cm and ECOG \\< 2 &amp; no prior therapy.")
    patient = make_patient()
    sign(patient)
    page = status_page(client, patient)
    assert "Adults with tumours &lt; 3 cm and ECOG &lt; 2 &amp; no prior therapy." in page  # escaped once, by us
    assert "\\&amp;lt;" not in page and "\\&lt;" not in page and "&amp;lt;" not in page
    assert "Summary from the public registry." in page

    Trial.objects.filter(pk=trial.pk).update(plain_summary="A study of a new pill for lung cancer.",
                                             plain_summary_es="Un estudio de una pastilla nueva para el cáncer "
                                                              "de pulmón.")
    page = status_page(client, patient)
    assert "A study of a new pill for lung cancer." in page and "tumours" not in page
    in_spanish(client)
    page = status_page(client, patient)
    assert "Un estudio de una pastilla nueva para el cáncer de pulmón." in page


def test_on_a_spanish_page_english_registry_text_says_so_in_spanish_and_is_marked_english(client, coordinated):
    registry_trial("NCT90000302", coordinated, title="A registry title", brief_summary="Registry words.")
    patient = make_patient(language="es")
    sign(patient)
    in_spanish(client)
    page = status_page(client, patient)
    assert '<h2 class="h5" lang="en">A registry title</h2>' in page
    assert re.search(r'<div class="mb-2" lang="en" data-testid="summary">\s*<p>Registry words.</p>', page)
    assert "El registro publica los datos de este ensayo solo en inglés." in page


def test_an_urgent_patient_reads_that_a_coordinator_will_see_it_only_while_a_safety_team_is_staffed(
        client, settings, coordinated):
    settings.SAFETY_TEAM_NAME = "Safety"
    patient = make_patient(condition_code="psy:MDD", answers={"phq9_items": [2, 2, 2, 2, 1, 1, 1, 1, 2]})
    assert patient.urgent
    sign(patient)
    promise = "A study coordinator will see that your answers need prompt attention."
    assert promise not in status_page(client, patient)
    safety = TrialTeam.objects.create(name="Safety")
    assert promise not in status_page(client, patient)  # a team with nobody on it sees nothing
    make_user("sasha", safety)
    assert promise in status_page(client, patient)
    settings.SAFETY_TEAM_NAME = ""
    assert promise not in status_page(client, patient)
