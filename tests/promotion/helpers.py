"""Helpers of the 发布推介 tests: the listed party's contact, partners and their clients."""

from django.contrib.auth.models import User
from django.test import Client

from promotion import services
from promotion.models import Offer, Partner

CONTACT = {"contact_name": "王联络", "contact_phone": "13912345678", "contact_email": "wang@example.com"}


def valid_code(seed: str) -> str:
    from nominations.rules.credit_codes import check_character, is_valid_credit_code

    code = seed + check_character(seed)
    assert is_valid_credit_code(code)
    return code


def make_partner(name: str, username: str, seed: str, platform_user, *, approve=True) -> tuple[Partner, User]:
    user = User.objects.create_user(username, password="pw-Partner-2023")
    partner = services.apply_partner(
        user=user, name=name, institution_type="bank", credit_code=valid_code(seed), licence_number="B0001H"
    )
    if approve:
        services.decide_partner(partner, platform_user, "approve")
    Offer.objects.create(
        partner=partner,
        product="科创贷",
        product_kind="loan",
        domains=["electronics"],
        stages=["growth"],
        ticket_band="5m-20m",
        created_at=partner.applied_at,
    )
    return partner, user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
