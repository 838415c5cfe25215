"""Lockouts, rate limits and signatures use the real client address behind the load balancer, and no header a
client can set when there is none."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as project_settings
from django.test import Client
from django.utils import timezone

from config.middleware import client_ip
from consent.models import Authorization
from tests.consent.conftest import sign_form, start_signing

LOAD_BALANCER = "10.0.0.2"
ATTACKER, COLLEAGUE = "198.51.100.66", "203.0.113.5"


def behind(proxies, client_address, sent_header=""):
    """A client reaching gunicorn through `proxies` proxies, each appending the address it saw to X-Forwarded-For."""
    chain = [part for part in [sent_header, client_address] if part]
    chain += [f"10.0.1.{n}" for n in range(1, proxies)]  # the outer proxies' addresses, as the inner ones saw them
    return Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=", ".join(chain))


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_behind_the_load_balancer_five_bad_passwords_lock_out_the_attacker_not_the_colleague(settings,
                                                                                             onc_coordinator):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = behind(1, ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "olga", "wrong-password")
    assert sign_in(attacker, "olga", "test-pass-123").status_code == 429
    assert sign_in(behind(1, COLLEAGUE), "olga", "test-pass-123").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [1, 2, 3])
def test_the_forwarded_header_is_read_from_the_right_by_the_number_of_trusted_proxies(rf, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = behind(proxies, COLLEAGUE, sent_header="1.2.3.4, 5.6.7.8").get("/").wsgi_request
    assert client_ip(request) == COLLEAGUE


@pytest.mark.django_db
def test_an_address_the_client_writes_into_the_header_itself_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {"/accounts/login/": (3, 60)}
    codes = [behind(1, ATTACKER, sent_header=f"192.0.2.{n}").post("/accounts/login/", {}).status_code
             for n in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.django_db
def test_with_no_proxy_configured_the_header_is_never_trusted(settings):
    assert project_settings.TRUSTED_PROXY_COUNT == 0  # the default
    settings.RATE_LIMITS = {"/accounts/login/": (3, 60)}
    codes = [Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post("/accounts/login/", {})
             .status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    request = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=COLLEAGUE).get("/").wsgi_request
    assert client_ip(request) == ATTACKER


@pytest.mark.django_db
def test_a_signature_records_the_signers_own_address_behind_the_load_balancer(settings, lung_patient,
                                                                              authorization_text):
    settings.TRUSTED_PROXY_COUNT = 1
    browser = behind(1, COLLEAGUE, sent_header="192.0.2.1")
    start_signing(browser, lung_patient)
    browser.post("/authorize/", sign_form(authorization_text))
    assert Authorization.objects.get(patient=lung_patient).ip_address == COLLEAGUE


@pytest.mark.django_db
def test_the_admin_sign_in_is_rate_limited_like_the_coordinators(settings):
    settings.RATE_LIMITS = {**project_settings.RATE_LIMITS, "/admin/login/": (3, 60)}
    client = Client()
    codes = [client.post("/admin/login/", {"username": f"x{n}", "password": "wrong-pass-123"}).status_code
             for n in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_the_project_rate_limits_the_admin_sign_in():
    assert "/admin/login/" in project_settings.RATE_LIMITS


@pytest.mark.django_db
@pytest.mark.parametrize("path, username", [("/accounts/login/", "olga"), ("/admin/login/", "ada")])
def test_a_lockout_names_no_account_and_ends_by_itself(onc_coordinator, admin_user, path, username):
    client = Client()
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        client.post(path, {"username": username, "password": "wrong-password"})
    locked = client.post(path, {"username": username, "password": "test-pass-123"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert username not in page and "ends by itself" in page
    # An hour later (the cool-off), the right password works again without anyone's help.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post(path, {"username": username, "password": "test-pass-123"}).status_code == 302


@pytest.mark.django_db
def test_a_username_of_any_length_is_a_failed_sign_in_not_a_server_error(onc_coordinator):
    response = Client().post("/accounts/login/", {"username": "é" * 5000, "password": "wrong-password"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "é" * 150
