"""The patient's whole journey in a real browser: English and Spanish, phone and desktop widths, axe-core on every
page, the browser's Back button, the review page, and a keyboard-only walk through the intake."""

import pytest

from intake.models import Patient
from matches.models import Match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "en": {"condition": "lung adenocarcinoma", "sign": "Sign the authorization", "next": "Next",
           "revoke": "Revoke my authorization", "matches": "See my matches", "start": "Start",
           "continue": "Continue to the authorization", "change": "Change", "depression": "major depressive",
           "signed": "You have already signed", "review": "Check your answers", "may_fit": "may fit"},
    "es": {"condition": "adenocarcinoma de pulmón", "sign": "Firmar la autorización", "next": "Siguiente",
           "revoke": "Revocar mi autorización", "matches": "Ver mis coincidencias", "start": "Empezar",
           "continue": "Continuar a la autorización", "change": "Cambiar", "depression": "depresivo mayor",
           "signed": "Usted ya firmó", "review": "Revise sus respuestas", "may_fit": "podría"},
}


def fill_birthday(page, year, month, day):
    page.fill("#id_about-birth_date_0", str(day))
    page.select_option("#id_about-birth_date_1", str(month))
    page.fill("#id_about-birth_date_2", str(year))


def next_step(page, words, name="next"):
    page.get_by_role("button", name=words[name], exact=True).click()
    page.wait_for_load_state()


def answer_the_rest_i_dont_know(page):
    """Every radio group and tick list of the questions page left unanswered gets "I don't know"."""
    page.evaluate("""() => {
        const groups = new Set([...document.querySelectorAll('main input[type=radio], main input[type=checkbox]')]
            .map(input => input.name));
        for (const name of groups) {
            const inputs = [...document.querySelectorAll(`input[name="${name}"]`)];
            if (!inputs.some(input => input.checked)) {
                const unknown = inputs.find(input => input.value === 'unknown');
                if (unknown) unknown.click();
            }
        }
    }""")


def about_step(page, words, *, birthday=(1972, 6, 15), sex=0, zip_code="77030", travel="any"):
    fill_birthday(page, *birthday)
    page.check(f"#id_about-sex_{sex}")
    page.fill("#id_about-postal_code", zip_code)
    page.check(f'input[name="about-travel_radius"][value="{travel}"]')


def contact_step(page, name, email):
    page.fill("#id_contact-full_name", name)
    page.fill("#id_contact-email", email)
    page.fill("#id_contact-phone", "(713) 555-0143")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_patient_with_lung_cancer_goes_from_the_landing_page_to_their_matches(
        live_server, open_page, check_page, demo_trials, language, width):
    words = WORDS[language]
    name = f"{language}-{width}-oncology"
    page = open_page(width)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/")
    if language == "es":
        page.get_by_role("button", name="Español").click()
    assert page.locator("html").get_attribute("lang") == language
    check_page(page, f"{name}-01-landing")
    page.get_by_role("link", name=words["start"]).click()

    about_step(page, words)
    check_page(page, f"{name}-02-about")
    next_step(page, words)

    page.fill("#id_condition-condition_text", words["condition"])
    check_page(page, f"{name}-03-condition")
    next_step(page, words)

    count = page.get_by_test_id("trial-count")
    assert words["may_fit"] in count.inner_text()
    check_page(page, f"{name}-04-results")
    next_step(page, words)

    page.check('input[name="questions-stage"][value="IV"]')
    page.check('input[name="questions-ecog"][value="1"]')
    page.check('input[name="questions-biomarker_EGFR"][value="positive"]')
    page.check('input[name="questions-pregnant"][value="no"]')
    answer_the_rest_i_dont_know(page)
    check_page(page, f"{name}-05-questions")
    next_step(page, words)

    contact_step(page, "Lena Park", "lena@example.com")
    check_page(page, f"{name}-06-contact")
    next_step(page, words)

    # The review lists every answer; "change" goes back to that step and returns here.
    assert page.get_by_role("heading", name=words["review"]).is_visible()
    assert "Lena Park" in page.content() and "77030" in page.content()
    check_page(page, f"{name}-07-review")
    page.get_by_test_id("change-contact").click()
    page.fill("#id_contact-full_name", "Lena Park-Ortiz")
    next_step(page, words)
    assert page.get_by_role("heading", name=words["review"]).is_visible()
    assert "Lena Park-Ortiz" in page.content()

    # The browser's Back button walks back through the pages, never asking to send a form again.
    page.go_back()
    page.wait_for_url("**/intake/contact/**")
    page.go_forward()
    page.wait_for_url("**/intake/review/")
    next_step(page, words, "continue")

    page.wait_for_url("**/authorize/")
    assert page.locator("[aria-current=step]").inner_text() in ("Authorization", "Autorización")  # progress goes on
    check_page(page, f"{name}-08-authorization")
    page.check("#id_certify")
    page.fill("#id_signed_name", "Lena Park-Ortiz")
    page.get_by_role("button", name=words["sign"]).click()

    page.wait_for_url("**/authorize/done/")
    check_page(page, f"{name}-09-done")
    page.get_by_role("link", name=words["matches"]).click()

    page.wait_for_url("**/status/**")
    check_page(page, f"{name}-10-status")
    patient = Patient.objects.get(email="lena@example.com")
    assert patient.language == language and patient.condition_code == "onc:LUAD"
    assert patient.answers["biomarkers"] == {"EGFR": "positive"}
    assert Match.objects.filter(patient=patient, trial__ref="TB-DEMO-001").exists()

    # Changing answers later asks the same questions, built the same way.
    page.goto(live_server.url + f"/status/{patient.status_token()}/answers/")
    assert page.is_checked('input[name="ecog"][value="1"]')
    check_page(page, f"{name}-11-change-answers")
    page.go_back()
    page.wait_for_url("**/status/**")

    page.go_back()  # the done page again: the private link is not shown twice
    page.go_back()  # the authorization page: already signed
    page.go_back()  # the review page: already signed, and no answers shown
    assert page.get_by_role("heading", name=words["signed"]).is_visible()
    assert "Lena Park" not in page.content()
    check_page(page, f"{name}-12-already-signed")
    assert dialogs == []  # never "Confirm Form Resubmission"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_patient_with_depression_sees_crisis_resources_and_checks_their_medicines(
        live_server, open_page, check_page, demo_trials, language, width):
    words = WORDS[language]
    name = f"{language}-{width}-psychiatric"
    page = open_page(width)
    page.goto(live_server.url + "/")
    if language == "es":
        page.get_by_role("button", name="Español").click()
    page.goto(live_server.url + "/intake/")
    about_step(page, words, birthday=(1980, 2, 10), sex=1, zip_code="60611", travel="50")
    next_step(page, words)
    page.select_option("#id_condition-condition_code", "psy:MDD")
    next_step(page, words)
    check_page(page, f"{name}-01-results")
    next_step(page, words)

    page.fill("#id_questions-medications", "duloxetine")
    crisis_inline = page.locator("#crisis-inline")
    assert crisis_inline.is_hidden()
    page.check('input[name="questions-phq9_9"][value="1"]')
    assert crisis_inline.is_visible()  # at once, before the page is sent
    answer_the_rest_i_dont_know(page)
    check_page(page, f"{name}-02-questions")
    next_step(page, words)

    assert page.get_by_test_id("crisis").first.is_visible()
    assert page.get_by_role("link", name="988").first.is_visible() or "988" in page.content()
    check_page(page, f"{name}-03-crisis")
    page.locator("form button.btn-primary").click()

    assert "dulox" in page.get_by_test_id("understood-drugs").inner_text().lower()
    check_page(page, f"{name}-04-medicines")
    next_step(page, words)
    contact_step(page, "Sam", "sam@example.com")  # one name is a name
    next_step(page, words)
    check_page(page, f"{name}-05-review")
    assert "(713) 555-0143" in page.content()

    # Back through the medicines check to the questions: the answers are still there; forward again to the review.
    page.go_back()
    page.wait_for_url("**/intake/contact/")
    page.go_back()
    page.wait_for_url("**/intake/medicines/")
    page.go_back()
    page.wait_for_url("**/intake/safety/")
    page.go_back()
    page.wait_for_url("**/intake/questions/")
    assert page.input_value("#id_questions-medications") == "duloxetine"
    assert page.is_checked('input[name="questions-phq9_9"][value="1"]')
    page.get_by_test_id("step-back").wait_for(state="visible")
    for _ in range(4):
        page.go_forward()
    page.wait_for_url("**/intake/review/")
    page.get_by_test_id("change-questions").click()
    page.wait_for_url("**/intake/questions/**")
    page.fill("#id_questions-medications", "duloxetine, pregabalin")
    next_step(page, words)
    # After the change, on to the review (through any page the change newly opens).
    while "/intake/review/" not in page.url:
        page.locator("form button.btn-primary").click()
        page.wait_for_load_state()
    assert "pregabalin" in page.content().lower()
    next_step(page, words, "continue")
    page.wait_for_url("**/authorize/")
    patient = Patient.objects.get(email="sam@example.com")
    assert patient.urgent is True and patient.answers["medications"] == ["drug:duloxetine", "drug:pregabalin"]


def test_a_minor_is_handed_to_the_parent_or_guardian(live_server, open_page, check_page, lung_trial):
    page = open_page(375)
    page.goto(live_server.url + "/intake/")
    about_step(page, WORDS["en"], birthday=(2015, 3, 1))
    next_step(page, WORDS["en"])
    assert page.get_by_test_id("guardian-notice").is_visible()
    check_page(page, "en-375-minor-condition")


def test_errors_are_summarised_with_links_that_move_to_each_field(live_server, open_page, check_page):
    page = open_page(375)
    page.goto(live_server.url + "/intake/")
    fill_birthday(page, 2099, 1, 1)
    next_step(page, WORDS["en"])
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.input_value("#id_about-birth_date_2") == "2099"  # the refused answer is still there
    check_page(page, "en-375-about-errors")
    summary.get_by_role("link", name="Sex assigned at birth").click()
    assert page.evaluate("location.hash") == "#id_about-sex_0"


def tab_to(page, selector, limit=80):
    """Press Tab until the element is focused, checking every stop shows a visible focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        # Read the style after the next frame: Chromium restyles a field's focus ring a frame late.
        script = """() => new Promise(done => requestAnimationFrame(() => done((() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {match: el.matches(arguments[0] || 'x'), outline: style.outlineStyle, shadow: style.boxShadow,
                    what: el.outerHTML.slice(0, 120)};
        })())))""".replace("arguments[0] || 'x'", repr(selector))
        focused = page.evaluate(script)
        for _retry in range(5):
            if focused["outline"] != "none" or focused["shadow"] != "none":
                break
            page.wait_for_timeout(50)
            focused = page.evaluate(script)
        assert focused["outline"] != "none" or focused["shadow"] != "none", f"no visible focus on {focused['what']}"
        if focused["match"]:
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def press_enter_on(page, selector):
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_intake_can_be_walked_with_the_keyboard_alone(live_server, open_page, lung_trial):
    page = open_page(1280)
    page.goto(live_server.url + "/")
    press_enter_on(page, "a.btn-primary")

    tab_to(page, "#id_about-birth_date_0")
    page.keyboard.type("15")
    tab_to(page, "#id_about-birth_date_1")
    page.keyboard.type("June")  # a closed list picks the month by its typed name
    tab_to(page, "#id_about-birth_date_2")
    page.keyboard.type("1972")
    tab_to(page, "#id_about-sex_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_about-postal_code")
    page.keyboard.type("77030")
    tab_to(page, "#id_about-travel_radius_0")
    page.keyboard.press("Space")
    press_enter_on(page, "button.btn-primary")

    tab_to(page, "#id_condition-condition_text")
    page.keyboard.type("NSCLC")
    press_enter_on(page, "button.btn-primary")
    press_enter_on(page, "button.btn-primary")  # the count of trials that may fit

    # Into the radio group with Tab, then the arrow keys pick.
    tab_to(page, 'input[name="questions-ecog"]')
    page.keyboard.press("ArrowUp")
    picked = page.evaluate("document.querySelector('input[name=\"questions-ecog\"]:checked').value")
    press_enter_on(page, "button.btn-primary")

    for selector, text in (("#id_contact-full_name", "Lena Park"), ("#id_contact-email", "lena@example.com")):
        tab_to(page, selector)
        page.keyboard.type(text)
    press_enter_on(page, "button.btn-primary")
    press_enter_on(page, "button.btn-primary")  # the review
    page.wait_for_url("**/authorize/")
    patient = Patient.objects.get(email="lena@example.com")
    assert patient.condition_code == "onc:NSCLC" and patient.travel_radius_km == 40
    assert patient.answers["ecog"] == (None if picked == "unknown" else int(picked))
