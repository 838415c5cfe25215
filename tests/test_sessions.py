"""config.sessions: the database sessions the intake keeps its answers in, written in plain SQL."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_project_uses_it():
    assert settings.SESSION_ENGINE == "config.sessions"


def test_what_is_saved_is_loaded_back_by_key():
    store = SessionStore()
    store["intake"] = {"step": "about", "name": "Ana Núñez"}
    store.save()

    again = SessionStore(store.session_key)

    assert again["intake"] == {"step": "about", "name": "Ana Núñez"}
    assert Session.objects.get(session_key=store.session_key).get_decoded() == {"intake": again["intake"]}


def test_a_second_save_updates_the_same_row():
    store = SessionStore()
    store["n"] = 1
    store.save()
    store["n"] = 2
    store.save()

    assert Session.objects.count() == 1
    assert SessionStore(store.session_key)["n"] == 2


def test_an_expired_session_loads_empty_and_forgets_its_key():
    store = SessionStore()
    store["n"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    again = SessionStore(store.session_key)

    assert dict(again.items()) == {}
    assert again.session_key is None


def test_saving_a_session_deleted_meanwhile_is_an_update_error():
    store = SessionStore()
    store["n"] = 1
    store.save()
    Session.objects.all().delete()
    store["n"] = 2

    with pytest.raises(UpdateError):
        store.save()


def test_an_unknown_key_gets_a_new_session_on_save():
    store = SessionStore("k" * 32)
    store["n"] = 1
    store.save()

    assert store.session_key != "k" * 32
    assert SessionStore(store.session_key)["n"] == 1
