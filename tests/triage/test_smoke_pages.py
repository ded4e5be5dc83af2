"""Every page of the secretariat and the platform renders for its role and refuses the others."""

import pytest
from django.urls import reverse

from nominations.models import State


@pytest.mark.parametrize(
    "name",
    [
        "secretariat:dashboard",
        "secretariat:inbox",
        "secretariat:mail_log",
        "secretariat:members",
        "secretariat:member_import",
    ],
)
def test_secretariat_pages(client, secretariat_user, make_nomination, name):
    make_nomination()
    client.force_login(secretariat_user)
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("platform:dashboard", {}),
        ("platform:units", {}),
        ("platform:pioneers", {}),
        ("platform:extensions", {}),
        ("platform:audit_log", {}),
        ("platform:mail_log", {}),
        ("platform:import", {"kind": "units"}),
        ("platform:import", {"kind": "pioneers"}),
    ],
)
def test_platform_pages(client, platform_user, make_nomination, secretariat_user, name, kwargs):
    make_nomination(state=State.ACCEPTED)
    client.force_login(platform_user)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_entry_page(client, secretariat_user, make_nomination):
    entry = make_nomination()
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:nomination", args=[entry.pk]))
    assert response.status_code == 200
    assert "受理" in response.content.decode()


@pytest.mark.parametrize("name", ["secretariat:dashboard", "secretariat:inbox", "secretariat:members"])
def test_secretariat_pages_refuse_members_and_platform(client, member_user, platform_user, name):
    for user in (member_user, platform_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["platform:dashboard", "platform:audit_log", "platform:extensions", "platform:units"])
def test_platform_pages_refuse_secretariat(client, secretariat_user, name):
    client.force_login(secretariat_user)
    assert client.get(reverse(name)).status_code == 403
