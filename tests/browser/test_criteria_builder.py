"""An admin curates a real-shaped imported trial in the criteria builder with the keyboard alone, in a real browser:
add a rule, set its value, accept a suggestion, mark an item checked at screening, save; the trial's matches
follow. axe-core on every page, at desktop and phone widths, in English and Spanish."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from matches.models import Match
from tests.conftest import make_patient, sign
from tests.trials.builder.conftest import imported_trial  # noqa: F401  (the fixture)
from trials.models import Trial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTIVE = """() => {
  const e = document.activeElement;
  return {id: e.id, text: (e.innerText || '').replace(/\\s+/g, ' ').trim(), tag: e.tagName,
          outline: getComputedStyle(e).outlineStyle, value: e.value};
}"""


def tab_to(page, wanted, limit=300):
    """Press Tab until the focused control's id or visible text contains `wanted`; every stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        assert active["outline"] != "none", f"no visible focus on {active}"
        if wanted in active["id"] or wanted in active["text"]:
            return active
    raise AssertionError(f"{wanted!r} not reached with Tab")


def submit(page):
    """Enter on the focused button or field, and wait for the page the form comes back as."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, live_server):
    get_user_model().objects.create_superuser("ada", "ada@example.com", "test-pass-123")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "ada")
    page.fill("#id_password", "test-pass-123")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")


@pytest.fixture
def tired_patient(imported_trial, django_capture_on_commit_callbacks):  # noqa: F811
    """Consented, lung cancer, ECOG 3: matched to the trial now, which has no ECOG rule yet."""
    patient = make_patient(full_name="Tia Tired", email="tia@example.com", answers={"ecog": 3, "stage": "IV"})
    sign(patient)
    return patient


def test_an_admin_curates_an_imported_trial_with_the_keyboard_alone(live_server, open_page, check_page,
                                                                    imported_trial, tired_patient):  # noqa: F811
    # Nothing reviewed yet: at best "possible", until the study team checks the rest.
    assert Match.objects.get(patient=tired_patient, trial=imported_trial).verdict == "possible"
    page = open_page(1280)
    csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and csp_errors.append(message.text))

    def check(name):
        # The page itself breaks no Content-Security-Policy rule; axe-core's own probes would, so look first.
        assert csp_errors == [], name
        check_page(page, name)
        csp_errors.clear()

    sign_in(page, live_server)
    page.goto(live_server.url + reverse("admin:trials_trial_criteria_builder", args=[imported_trial.pk]))
    assert "Criteria reviewed: 0 of 9 items" in page.content()
    check("builder-01-open")

    # Add a rule: the "Add to the criteria" list, ECOG by typing its name, then its button.
    tab_to(page, "n0-_new")
    page.keyboard.type("ECOG")
    tab_to(page, "Add to the criteria")
    submit(page)
    # The focus lands on the new rule's first field; set its maximum (Tab), and Enter checks the draft.
    assert page.evaluate(ACTIVE)["id"].endswith("-min")
    page.keyboard.press("Tab")
    maximum = page.evaluate(ACTIVE)["id"]
    assert maximum.endswith("-max")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    submit(page)
    assert page.evaluate(ACTIVE)["id"] == maximum  # the focus comes back where it was
    assert page.get_by_text("ECOG 2 is at most 2").is_visible()
    assert page.get_by_text("Su puntuación ECOG es 2; el estudio acepta como máximo 2.").is_visible()
    check("builder-02-rule-added")

    # Accept the suggestion for item 6 ("Known HIV infection").
    tab_to(page, "Accept the suggestion for item 6")
    submit(page)
    assert page.evaluate(ACTIVE)["id"] == "item-5"
    # builder.js reads the outcome out through the live region once the page has loaded.
    expect(page.locator("#tb-live")).to_have_text("Suggestion accepted: rule 2 of the criteria now expresses it.")

    # Item 9 ("Life expectancy under 12 weeks") is for the study team at screening.
    tab_to(page, "Checked by the study team at screening (item 9)")
    submit(page)
    assert "Criteria reviewed: 2 of 9 items" in page.content()
    check("builder-03-reviewed")

    tab_to(page, "Save criteria and reviews")
    submit(page)
    assert page.get_by_text("Criteria and reviews saved.").first.is_visible()
    check("builder-04-saved")

    trial = Trial.objects.get(pk=imported_trial.pk)
    assert trial.criteria == {"all": [{"ecog": {"max": 2}}, {"not": {"comorbidity": ["other:HIV"]}}]}
    assert [state for _i, _item, state, _r in trial.reviewed_items()][5:] == [
        "accepted", "pending", "pending", "screening"]
    # The re-match ran: at ECOG 3 the patient no longer fits.
    assert Match.objects.get(patient=tired_patient, trial=imported_trial).verdict == "not_eligible"


@pytest.mark.parametrize("width", [320, 1280])
def test_the_builder_reads_in_spanish_and_fits_a_phone(live_server, browser, check_page, imported_trial, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="es-ES")
    try:
        page = context.new_page()
        sign_in(page, live_server)
        page.goto(live_server.url + reverse("admin:trials_trial_criteria_builder", args=[imported_trial.pk]))
        assert page.locator("html").get_attribute("lang") == "es"
        assert "Criterios revisados: 0 de 9 elementos" in page.content()
        page.select_option("#n0-_new", "comorbidity")
        with page.expect_navigation():
            page.get_by_role("button", name="Añadir a los criterios").click()
        # The focus is in the new rule's code search: type a name in Spanish, Enter, Enter on the first code found.
        assert page.evaluate(ACTIVE)["id"].endswith("-value-q")
        page.keyboard.type("diabetes")
        submit(page)
        assert page.evaluate(ACTIVE)["text"].startswith("Añadir Diabetes")
        submit(page)
        assert page.get_by_text("Se añadió Diabetes").first.is_visible()
        check_page(page, f"builder-es-{width}")
    finally:
        context.close()
