"""A script cannot fill the database with intakes or guess passwords at speed."""

from django.test import Client


def test_sign_in_attempts_beyond_the_limit_are_refused_for_a_while(db, settings):
    settings.RATE_LIMITS = {"/accounts/login/": (3, 60)}
    client = Client()
    codes = [client.post("/accounts/login/", {"username": f"nobody{n}", "password": "wrong-pass-123"}).status_code
             for n in range(4)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    refused = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-pass-123"})
    assert refused["Retry-After"] == "60"
    assert "Too many attempts" in refused.content.decode()


def test_intake_submissions_beyond_the_limit_are_refused_but_reading_the_page_is_not(db, settings):
    settings.RATE_LIMITS = {"/intake/": (2, 60)}
    client = Client()
    codes = [client.post("/intake/", {}).status_code for _ in range(3)]
    assert 429 not in codes[:2] and codes[2] == 429
    assert client.get("/intake/", follow=True).status_code == 200


def test_the_limit_counts_each_address_on_its_own(db, settings):
    settings.RATE_LIMITS = {"/accounts/login/": (1, 60)}
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    assert first.post("/accounts/login/", {}).status_code == 200
    assert first.post("/accounts/login/", {}).status_code == 429
    assert second.post("/accounts/login/", {}).status_code == 200


def test_the_project_limits_intake_signing_and_sign_in():
    import config.settings as project_settings

    assert {"/intake/", "/authorize/", "/accounts/login/"} <= set(project_settings.RATE_LIMITS)
