"""The session store (kczg_site/sessions.py): database sessions loaded by one SQL query; logging out,
expiry and a forged key behave as with Django's own store."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kczg_site.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_logged_in_session_is_loaded_and_logging_out_ends_it(member_user):
    alice = Client()
    alice.force_login(member_user)
    key = alice.cookies["sessionid"].value
    assert alice.get(reverse("member:dashboard")).status_code == 200
    assert SessionStore(key).load()  # the row, decoded
    alice.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed: an empty session, so the log-in page.
    bob = Client()
    bob.cookies["sessionid"] = key
    response = bob.get(reverse("member:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_expired_or_unknown_session_is_empty(member_user):
    alice = Client()
    alice.force_login(member_user)
    key = alice.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    assert alice.get(reverse("member:dashboard")).status_code == 302
    assert SessionStore("x" * 32).load() == {}
