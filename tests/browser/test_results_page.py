"""The patient's results page in a real browser: English at 1280 px, Spanish on a 375 px phone, axe-core clean.
"May fit" for trials nobody reviewed, registry wording for trials no coordinator works, "show more", the
zero-match explanation and the share-with-my-doctor page."""

import pytest

from intake.models import Patient
from tests.conftest import make_patient, make_trial, make_user, sign
from trials.models import Trial
from trials.services import trial_matching_inputs_changed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "en": {"may_fit": "May fit: it matches your diagnosis, age and location; the study team checks the rest.",
           "unowned": "Listed in the public registry.", "more": "Show 2 more trials", "share": "Share with my doctor",
           "why": "Why it may fit", "none": "No trial fits you yet", "next": "What happens next",
           "far": "has a site taking patients within 62 miles (100 km) of you"},
    "es": {"may_fit": "Podría corresponderle: coincide con su diagnóstico, su edad y su ubicación; el equipo del "
                      "estudio comprueba el resto.",
           "unowned": "Figura en el registro público.", "more": "Mostrar 2 ensayos más",
           "share": "Compartir con mi médico", "why": "Por qué podría corresponderle",
           "none": "Todavía no hay un ensayo para usted", "next": "Qué pasa después",
           "far": "tiene un centro que acepte pacientes a menos de 62 millas (100 km) de usted"},
}
CHICAGO = ("Lakeshore Oncology", "Chicago", "IL", "60611", 41.8925, -87.6262)


@pytest.fixture
def twelve_matches(oncology_team):
    """Ten reviewed trials a coordinator works, one registry trial under review, one no coordinator works."""
    make_user("olga", oncology_team)
    for number in range(10):
        make_trial(f"TB-REV-{number:02}", oncology_team, codes=["onc:NSCLC"])
    for ref, team, title in (("NCT90000011", oncology_team, "Under review: a registry trial"),
                             ("NCT90000012", None, "Nobody's: a registry trial")):
        trial = make_trial(ref, team, codes=["onc:NSCLC"])
        Trial.objects.filter(pk=trial.pk).update(
            source=Trial.Source.CTGOV, title=title, title_es="", brief_summary="Adults \\&lt; 75 years \\&amp; ECOG "
            "0-1.", contacts=[{"name": "Study Desk", "phone": "555-0100", "email": "desk@example.org"}],
            eligibility_items=[{"section": "inclusion", "text": "Adequate organ function", "understood": False}])
        trial.refresh_from_db()
        trial_matching_inputs_changed(trial)
    patient = make_patient(full_name="Lena Park")
    sign(patient)
    return patient


def open_status(page, live_server, patient, language):
    page.goto(f"{live_server.url}/status/{patient.status_token()}/")
    if language == "es":
        page.get_by_role("button", name="Español").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 375)])
def test_the_results_page_says_may_fit_names_the_registry_shows_more_and_shares(
        live_server, open_page, check_page, twelve_matches, language, width):
    words, name = WORDS[language], f"{language}-{width}-results"
    page = open_page(width)
    open_status(page, live_server, twelve_matches, language)
    cards = page.get_by_test_id("match-card")
    assert cards.count() == 10
    check_page(page, f"{name}-01-first-ten")

    page.get_by_role("link", name=words["more"]).click()
    page.wait_for_load_state()
    assert cards.count() == 12
    last_two = "\n".join(cards.nth(i).inner_text() for i in (10, 11))
    assert words["may_fit"] in last_two  # the two trials nobody reviewed rank last, as "may fit"
    assert words["unowned"] in last_two and "Study Desk" in last_two
    assert "\\" not in last_two and "&lt;" not in last_two and "Adults < 75 years & ECOG 0-1." in last_two
    if language == "es":
        registry_title = page.locator('h2[lang="en"]', has_text="Nobody's: a registry trial")
        assert registry_title.count() == 1
        assert "El registro publica los datos de este ensayo solo en inglés." in last_two
    check_page(page, f"{name}-02-all-twelve")

    cards.nth(11).get_by_role("link", name=words["share"]).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=words["why"]).is_visible()
    assert words["may_fit"] in page.get_by_test_id("fit").inner_text()
    assert "https://clinicaltrials.gov/study/" in page.get_by_test_id("registry-link").inner_text()
    check_page(page, f"{name}-03-share")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 375)])
def test_zero_matches_are_explained_with_what_happens_next(live_server, open_page, check_page, oncology_team,
                                                          language, width):
    make_user("olga", oncology_team)
    make_trial("TB-CHICAGO", oncology_team, codes=["onc:NSCLC"], sites=(CHICAGO,))
    patient = make_patient()
    Patient.objects.filter(pk=patient.pk).update(travel_radius_km=100)
    sign(patient)
    page = open_page(width)
    open_status(page, live_server, patient, language)
    words = WORDS[language]
    explanation = page.get_by_test_id("no-matches")
    assert explanation.get_by_role("heading", name=words["none"]).is_visible()
    assert words["far"] in explanation.inner_text()
    assert explanation.get_by_role("heading", name=words["next"]).is_visible()
    check_page(page, f"{language}-{width}-results-none")
