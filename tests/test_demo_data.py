"""``load_demo``: the demo units and log-ins, idempotent."""

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from nominations.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_logins_markdown, demo_logins_table, load_demo
from nominations.models import Campaign, MemberUnit, Participation, Pioneer, RankingList, RecommendingUnit, Role
from nominations.policy import role_of
from nominations.rules.quotas import quota_table, unit_quota

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "member": Role.MEMBER,
    "member2": Role.MEMBER,
    "member3": Role.MEMBER,
    "member4": Role.MEMBER,
    "secretariat": Role.SECRETARIAT,
    "secretariat2": Role.SECRETARIAT,
    "pioneer": Role.PIONEER,
    "expert": Role.EXPERT,
    "expert2": Role.EXPERT,
    "expert3": Role.EXPERT,
    "coordinator": Role.COORDINATOR,
    **{
        username: role
        for code in ("bio", "mfg", "mat", "eco", "energy", "ent", "org", "mgr")
        for username, role in (
            (f"expert-{code}1", Role.EXPERT),
            (f"expert-{code}2", Role.EXPERT),
            (f"expert-{code}3", Role.EXPERT),
            (f"coord-{code}", Role.COORDINATOR),
        )
    },
    "platform": Role.PLATFORM,
    "admin": Role.ADMIN,
}
# The log-ins other apps add (nominations.demo.register_extra): the promotion app's financial partners,
# users without a platform role (tests/promotion/test_demo.py).
EXTRA_LOGINS = ["partner", "partner2"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"nominations", "reviews", "promotion", "auth"}
    } | {"user_groups": get_user_model().groups.through.objects.count()}


def test_runs_twice_with_identical_row_counts():
    first = load_demo()
    before = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    second = load_demo()
    assert row_counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert first["users"]["created"] == len(DEMO_LOGINS) == 47
    assert second["users"] == {"created": 0, "updated": 0}
    assert second["recommending_units"] == {"created": 0, "updated": 0}
    assert second["member_units"] == {"created": 0, "updated": 0}


def test_the_command_prints_the_logins():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for username, _, _ in DEMO_LOGINS:
        assert username in text
    assert text.count(DEMO_PASSWORD) == 2 * len(DEMO_LOGINS)
    assert Campaign.objects.count() == 2  # 2023, and the 2022 archive of the promotion side
    assert Campaign.objects.active().year == 2023


def test_every_demo_login_authenticates_with_its_role():
    load_demo()
    assert [login[0] for login in DEMO_LOGINS] == [*EXPECTED_ROLES, *EXTRA_LOGINS]
    labels = {username: label for username, label, _ in DEMO_LOGINS}
    for username, role in EXPECTED_ROLES.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.profile.role == role
        assert role_of(user) == role
        assert labels[username] == role.label


def test_profiles_point_at_the_right_organisations():
    load_demo()
    users = {u.username: u for u in get_user_model().objects.select_related("profile")}
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    second = RecommendingUnit.objects.get(name="陕西省科学技术协会")
    assert users["member"].profile.member_unit.recommending_unit == society
    assert users["member2"].profile.member_unit.recommending_unit == society
    assert users["member"].profile.member_unit != users["member2"].profile.member_unit
    assert users["member3"].profile.member_unit.recommending_unit == second
    assert users["member4"].profile.member_unit.recommending_unit == society
    assert len({users[name].profile.member_unit for name in ("member", "member2", "member4")}) == 3
    assert users["secretariat"].profile.recommending_unit == society
    assert users["secretariat2"].profile.recommending_unit == second
    assert users["pioneer"].profile.pioneer.listed_year == 2022
    for name in ("expert", "expert2", "expert3", "coordinator"):
        assert users[name].profile.review_body.name == "中国科协信息科技学会联合体"
    for name in ("expert", "expert2", "expert3"):
        assert users[name].profile.organization
    assert users["platform"].is_staff and not users["platform"].is_superuser
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["member"].is_staff


def test_society_contact_and_units():
    load_demo()
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    assert society.contact_name == "李凤"
    assert society.contact_phones == "17801200960/01065124716"
    assert society.contact_email == "jishujingjixuehui@vip.163.com"
    assert sorted(society.channels.values_list("code", flat=True)) == ["alliance_member", "society"]
    second = RecommendingUnit.objects.get(name="陕西省科学技术协会")
    assert list(second.channels.values_list("code", flat=True)) == ["provincial_cast"]
    assert MemberUnit.objects.filter(recommending_unit=society).count() == 3
    assert MemberUnit.objects.filter(recommending_unit=second).count() == 1
    campaign = Campaign.objects.get(year=2023)
    assert Participation.objects.filter(campaign=campaign).count() == 2
    assert Pioneer.objects.filter(campaign=campaign, listed_year=2022).count() == 1


def test_the_society_has_six_per_domain_of_the_tech_list():
    summary = load_demo()
    campaign = summary["campaign"]
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    for domain in tech.domains.all():
        assert unit_quota(society, tech, domain).total == 6
    totals = {(lst.code, domain.code if domain else None): q.total for lst, domain, q in quota_table(society, campaign)}
    assert totals[("enterprise", None)] == 10
    assert totals[("manager", None)] == 4
    second = RecommendingUnit.objects.get(name="陕西省科学技术协会")
    assert unit_quota(second, tech, tech.domains.first()).total == 3


def test_a_changed_password_is_reset():
    load_demo()
    user = get_user_model().objects.get(username="member")
    user.set_password("something-else-2023")
    user.save()
    load_demo()
    assert authenticate(username="member", password=DEMO_PASSWORD) is not None


README = Path(__file__).resolve().parent.parent / "README.md"


def readme_logins():
    """The README's table of demo log-ins as rows ``(username, role, description, password)``."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- demo-logins:[^>]*-->\n(.*?)\n<!-- /demo-logins -->", text, re.S)
    assert block, "README.md has no generated table of demo log-ins"
    return block.group(1), [
        tuple(cell.strip().strip("`") for cell in line.strip().strip("|").split("|"))
        for line in block.group(1).splitlines()[2:]
    ]


def test_the_readme_lists_every_demo_login():
    table, rows = readme_logins()
    expected = demo_logins_markdown()
    assert rows == demo_logins_table(), f"Paste this table into README.md:\n{expected}"
    assert table == expected, f"Paste this table into README.md:\n{expected}"
