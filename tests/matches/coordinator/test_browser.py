"""The queue and detail pages in headless Chromium: a coordinator clears a morning's queue, logs a call, exports."""

import csv
import io
import os
import shutil

import pytest
from django.db import connections

from matches.models import Match, MatchEvent, Status

CHROMIUM = shutil.which("chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test still talks to the ORM in between.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        shots = os.environ.get("SCREENSHOT_DIR")
        if shots:
            page.screenshot(path=os.path.join(shots, "coordinator-last.png"), full_page=True)
        browser.close()
        # While Playwright's event loop ran, the test's ORM calls got a database connection of their own context;
        # close it here, in that context, or it outlives the test database (pytest-django cannot drop it).
        connections.close_all()


def sign_in(page, live_server, username="olga"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/coordinator/")


def move_everything(page, status, note=""):
    page.locator("#select-all").click()
    page.wait_for_selector("input.row-select:checked")
    page.locator("#bulk_status").select_option(label=status)
    if note:
        page.locator("#bulk-form input[name=note]").fill(note)
    page.locator("#bulk-submit").click()
    page.wait_for_selector(f"text=to {status}.")


def test_coordinator_clears_the_morning_queue_from_new_to_contacted_and_exports_it(
        morning_queue, live_server, browser_page, onc_coordinator):
    page = browser_page
    sign_in(page, live_server)
    table = page.locator("#queue-table tbody")
    assert table.locator("tr").count() == 3
    assert morning_queue["other"].patient.reference not in page.content()
    assert page.locator('#status-counts a[data-status="new"] strong').inner_text() == "3"

    move_everything(page, "Reviewing", note="Morning review")
    move_everything(page, "Eligible after review")
    move_everything(page, "Contacted", note="Called this morning")

    assert page.locator('#status-counts a[data-status="contacted"] strong').inner_text() == "3"
    assert set(Match.objects.filter(trial__team__members=onc_coordinator).values_list("status", flat=True)) == {
        Status.CONTACTED}
    assert MatchEvent.objects.filter(kind=MatchEvent.Kind.STATUS, to_status="contacted",
                                     note="Called this morning", actor=onc_coordinator).count() == 3

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8-sig").read())))
    assert sorted(r["Patient reference"] for r in rows) == sorted(m.patient.reference for m in morning_queue["onc"])
    assert {r["Status"] for r in rows} == {"Contacted"}


def test_detail_page_shows_why_and_takes_a_contact_and_a_note(morning_queue, live_server, browser_page,
                                                              onc_coordinator):
    page = browser_page
    match = morning_queue["onc"][0]
    sign_in(page, live_server)
    page.get_by_role("link", name=match.patient.full_name).click()
    page.wait_for_selector("#criteria")
    assert page.locator('#criteria li[data-outcome="met"]').count() >= 1
    assert "valid" in page.locator("#consent-status").inner_text()
    page.get_by_role("link", name="View the signed copy").click()
    assert "Intact" in page.content()
    page.go_back()

    page.locator("#contact-form select[name=method]").select_option(label="Phone call")
    page.locator("#contact-form select[name=outcome]").select_option(label="Left a message")
    page.locator("#contact-form textarea[name=note]").fill("Voicemail, will retry Tuesday")
    page.get_by_role("button", name="Log contact", exact=True).click()
    page.wait_for_selector("text=Contact logged.")
    assert "Left a message" in page.locator("#contact-log").inner_text()

    page.locator("#note-form textarea[name=note]").fill("Prefers Spanish-speaking staff")
    page.locator("#note-form button[type=submit]").click()
    page.wait_for_selector("text=Note saved.")
    assert "Prefers Spanish-speaking staff" in page.locator("#notes").inner_text()

    page.locator("#status-form select[name=status]").select_option(label="Reviewing")
    page.get_by_role("button", name="Change status", exact=True).click()
    page.wait_for_selector(f"text={match.patient.full_name} moved to Reviewing.")
    assert page.locator("#current-status").inner_text() == "Reviewing"


def test_another_teams_match_is_not_found_in_the_browser(morning_queue, live_server, browser_page, onc_coordinator):
    page = browser_page
    sign_in(page, live_server)
    response = page.goto(f"{live_server.url}/coordinator/matches/{morning_queue['other'].pk}/")
    assert response.status == 404
    assert morning_queue["other"].patient.full_name not in page.content()
