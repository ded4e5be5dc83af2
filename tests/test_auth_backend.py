"""The log-in backend loads the profile (role, unit) with the user: one query per request less."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from kczg_site.auth import ProfileModelBackend
from nominations.models import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_the_profile(member_user, django_assert_num_queries):
    unit_id = member_user.profile.member_unit_id
    with django_assert_num_queries(1):
        user = ProfileModelBackend().get_user(member_user.pk)
        assert user.profile.role == Role.MEMBER
        assert user.profile.member_unit_id == unit_id


def test_a_user_without_profile_or_deactivated(member_user):
    admin = make_user(Role.ADMIN, "root-admin")
    admin.profile.delete()
    assert ProfileModelBackend().get_user(admin.pk).is_superuser
    member_user.is_active = False
    member_user.save()
    assert ProfileModelBackend().get_user(member_user.pk) is None
    assert ProfileModelBackend().get_user(10**9) is None


def test_logging_in_through_the_form_uses_it(client, member_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    member_user.set_password(PASSWORD)
    member_user.save()
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "kczg_site.auth.ProfileModelBackend"
    page = client.get(reverse("member:dashboard"))
    assert page.status_code == 200
    assert page.wsgi_request.user.profile.member_unit.name in page.content.decode()
