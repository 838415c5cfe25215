"""A coordinator clears a queue with "save and next" in a real browser, at desktop and phone widths, axe-core on
every page, one whole step done with the keyboard alone (issue 17, "Done when")."""

from datetime import date

import pytest

from matches.models import Match, MatchEvent, Status
from tests.conftest import make_patient, make_user, sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PATIENTS = [("Ana Álvarez", date(1961, 3, 4)), ("Ben Brooks", date(1958, 8, 19)), ("Cleo Carter", date(1972, 1, 30))]


@pytest.fixture
def queue_of_three(lung_trial, oncology_team):
    make_user("olga", oncology_team, first_name="Olga", last_name="Ortiz")
    matches = []
    for n, (name, birthday) in enumerate(PATIENTS):
        patient = make_patient(full_name=name, email=f"p{n}@example.com", birth_date=birthday)
        sign(patient)
        matches.append(Match.objects.get(patient=patient, trial=lung_trial))
    return matches


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill("test-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/coordinator/")


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_coordinator_clears_the_new_matches_with_save_and_next(live_server, open_page, check_page,
                                                                 queue_of_three, width):
    page = open_page(width)
    sign_in(page, live_server)
    page.locator('#status-counts a[data-status="new"]').click()
    page.wait_for_url("**/coordinator/?status=new")
    rows = page.locator("#queue-table tbody tr")
    assert rows.count() == 3
    first_row = rows.first.inner_text()
    assert "Lung adenocarcinoma" in first_row and "TB-TEST-LUNG" in first_row and "Unassigned" in first_row
    check_page(page, f"coordinator-{width}-01-queue")

    # Keyboard only: from the queue to the first match, then "Reviewing" and "Save and next".
    tab_to(page, "a.patient-link")
    page.keyboard.press("Enter")
    page.wait_for_selector("#status-form")
    check_page(page, f"coordinator-{width}-02-detail")
    tab_to(page, "#id_status")
    assert page.locator("#id_status").input_value() == "reviewing"
    tab_to(page, "#save-and-next")
    first_url = page.url
    with page.expect_navigation():
        page.keyboard.press("Enter")

    opened = [first_url]
    while "/coordinator/matches/" in page.url:
        assert page.url not in opened[1:]
        opened.append(page.url)
        page.locator("#id_status").select_option("reviewing")
        with page.expect_navigation():
            page.locator("#save-and-next").click()
    assert len(opened) == 3
    assert "/coordinator/?status=new" in page.url
    assert page.get_by_text("That was the last match of this list.").is_visible()
    assert page.locator("#queue-table tbody tr").inner_text() == "No matches here."
    check_page(page, f"coordinator-{width}-03-cleared")

    assert set(Match.objects.values_list("status", flat=True)) == {Status.REVIEWING}
    assert MatchEvent.objects.filter(kind=MatchEvent.Kind.STATUS, to_status=Status.REVIEWING).count() == 3


def test_a_coordinator_takes_the_queue_and_finds_it_under_mine(live_server, open_page, check_page, queue_of_three):
    page = open_page(1280)
    sign_in(page, live_server)
    page.locator("#select-all").click()
    page.wait_for_selector("input.row-select:checked")
    page.locator("#assign_owner").select_option(label="Olga Ortiz")
    page.locator("#bulk-assign").click()
    page.get_by_text("3 now owned by Olga Ortiz.").wait_for()
    page.locator("#mine-link").click()
    page.wait_for_url("**/coordinator/?owner=mine")
    assert page.locator("#queue-table tbody tr td.match-owner").all_inner_texts() == ["Olga Ortiz"] * 3
    check_page(page, "coordinator-1280-04-mine")
