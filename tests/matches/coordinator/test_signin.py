from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/accounts/login/"


def sign_in(client, username, password="test-pass-123"):
    return client.post(LOGIN, {"username": username, "password": password})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_coordinator_signs_in_and_lands_on_the_queue(onc_coordinator):
    client = Client()
    response = sign_in(client, "olga")
    assert response.status_code == 302 and response["Location"] == reverse("matches:queue")
    assert client.get(reverse("matches:queue")).status_code == 200


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(onc_coordinator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "olga", "wrong-password")
        assert response.status_code == 200 and "Too many failed" not in response.content.decode()
    locked = sign_in(client, "olga", "wrong-password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    right = sign_in(client, "olga")
    assert right.status_code == 429
    assert client.get(reverse("matches:queue")).status_code == 302  # still signed out


def test_a_success_before_the_limit_resets_the_count(onc_coordinator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "olga", "wrong-password")
    assert sign_in(client, "olga").status_code == 302
    client.post(reverse("logout"))
    assert sign_in(client, "olga", "wrong-password").status_code == 200


def test_lockout_of_one_account_leaves_a_colleague_able_to_sign_in(onc_coordinator, mh_coordinator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "olga", "wrong-password")
    assert sign_in(client, "miguel").status_code == 302


def test_idle_session_ends_and_sends_the_coordinator_back_to_sign_in(onc_coordinator):
    client = Client()
    sign_in(client, "olga")
    session = Session.objects.get(session_key=client.session.session_key)
    # Every request pushes the expiry forward (idle timeout, not an absolute one) ...
    before = session.expire_date
    client.get(reverse("matches:queue"))
    assert Session.objects.get(pk=session.pk).expire_date >= before
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 60 * 60 * 2
    # ... and once the idle time passes, the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("matches:queue"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_coordinator_turns_on_two_factor_by_confirming_a_code(onc_coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code normally makes the next one wait; not under test here
    client = Client()
    sign_in(client, "olga")
    page = client.get(reverse("matches:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=onc_coordinator, confirmed=False)
    wrong = client.post(reverse("matches:two_factor_setup"), {"token": "000000" if current_code(device) != "000000"
                                                              else "111111"})
    assert "did not match" in wrong.content.decode()
    response = client.post(reverse("matches:two_factor_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_with_two_factor_on_the_password_alone_does_not_open_the_queue(onc_coordinator, morning_queue, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=onc_coordinator, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "olga")
    for url in (reverse("matches:queue"), reverse("matches:detail", args=[morning_queue["onc"][0].pk]),
                reverse("matches:export")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("matches:two_factor_verify"))
    bad = client.post(reverse("matches:two_factor_verify"), {"otp_device": device.persistent_id,
                                                             "otp_token": "12345"})
    assert bad.status_code == 200
    assert client.get(reverse("matches:queue")).status_code == 302
    good = client.post(reverse("matches:two_factor_verify"), {"otp_device": device.persistent_id,
                                                              "otp_token": current_code(device),
                                                              "next": reverse("matches:export")})
    assert good.status_code == 302 and good["Location"] == reverse("matches:export")
    assert client.get(reverse("matches:queue")).status_code == 200


def test_an_admin_with_two_factor_on_must_pass_a_code_before_the_admin_opens(admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "ada")
    response = client.get("/admin/intake/patient/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("matches:two_factor_verify"))
    client.post(reverse("matches:two_factor_verify"), {"otp_device": device.persistent_id,
                                                       "otp_token": current_code(device)})
    assert client.get("/admin/intake/patient/").status_code == 200


def test_an_admin_without_two_factor_opens_the_admin_with_the_password(admin_user):
    client = Client()
    sign_in(client, "ada")
    assert client.get("/admin/intake/patient/").status_code == 200
