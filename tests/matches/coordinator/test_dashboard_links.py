"""The admin dashboard links through (issue 17.14): each count opens the admin list it counts, with the same
number of rows; trials show their titles beside their codes."""

import re

from django.urls import reverse

from matches.models import Status
from tests.conftest import make_patient

DASHBOARD = "/coordinator/dashboard/"


def rows_behind(client, href):
    """How many rows the admin list behind a dashboard link holds."""
    page = client.get(href.replace("&amp;", "&"))
    assert page.status_code == 200, href
    return page.context["cl"].result_count


def linked_counts(page, section_id):
    start = page.index(f'id="{section_id}"')
    section = page[start:page.index("</dl>", start) if "</dl>" in page[start:] else None]
    return re.findall(r'<a href="([^"]+)">(\d+)</a>', section)


def test_every_count_opens_the_list_that_holds_that_many(morning_queue, admin_client_, admin_user):
    from consent.services import revoke_authorization

    morning_queue["onc"][0].move_to(Status.REVIEWING, by=admin_user)
    revoke_authorization(patient=morning_queue["onc"][1].patient)
    make_patient(full_name="Never Signed", email="never@example.com")  # an intake waiting for a signature
    page = admin_client_.get(DASHBOARD).content.decode()
    assert re.search(r'id="unsigned-intakes"><a href="[^"]+">1</a>', page)
    checked = 0
    for section in ("patient-counts", "authorization-counts", "match-counts"):
        links = linked_counts(page, section)
        assert links, section
        for href, count in links:
            assert rows_behind(admin_client_, href) == int(count), href
            checked += 1
    assert checked == 5 + 5 + len(Status.choices)


def test_the_funnel_shows_titles_and_links_each_stage_to_its_matches(morning_queue, admin_client_, admin_user):
    a, b, _ = morning_queue["onc"]
    for status in (Status.REVIEWING, Status.ELIGIBLE, Status.CONTACTED):
        a.move_to(status, by=admin_user)
    b.move_to(Status.REVIEWING, by=admin_user)
    page = admin_client_.get(DASHBOARD).content.decode()
    funnel = page[page.index('id="funnel"'):page.index("</table>", page.index('id="funnel"'))]
    assert "TB-TEST-LUNG" in funnel and "Test trial TB-TEST-LUNG" in funnel
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', funnel)
    assert len(links) == 2 * 6
    for href, count in links:
        assert rows_behind(admin_client_, href) == int(count), href
    assert reverse("admin:matches_match_changelist") in funnel


def test_distances_in_the_admin_match_list_are_rounded_miles(morning_queue, admin_client_):
    from matches.models import Match

    Match.objects.filter(pk=morning_queue["onc"][0].pk).update(nearest_site_km=16.123456)
    page = admin_client_.get(reverse("admin:matches_match_changelist")).content.decode()
    assert "16.123456" not in page and ">10<" in page
