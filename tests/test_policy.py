"""The one policy: what each role sees (querysets) and may do (``may`` with a reason), and the rules
permissions that must agree with ``may``."""

import re
from functools import partial
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kczg_site import clock
from nominations import policy
from nominations.models import Attachment, Role, State
from nominations.policy import ACTIONS, can_see, may, role_of, visible_nominations
from tests.factories import MemberUnitFactory, NominationFactory, PioneerFactory, UserFactory, make_user

pytestmark = pytest.mark.django_db

NOT_FOUND = "没有找到该记录，或您无权查看。"
NOT_OWNER = "只有申报单位可以进行此操作。"
NOT_SECRETARIAT = "只有该推荐单位的秘书处可以进行此操作。"
OWNER_ACTIONS = [
    "edit_nomination",
    "upload_attachment",
    "delete_attachment",
    "submit",
    "resubmit",
    "withdraw",
    "pioneer_recommend",
]
SECRETARIAT_ACTIONS = ["return", "accept", "decline", "recommend", "unrecommend"]
PLATFORM_ACTIONS = ["view_platform_overview", "grant_extension", "move_demo_clock"]
FOUNDATION_ACTIONS = [
    "view_nomination",
    "view_attachment",
    "create_nomination",
    "view_inbox",
    *OWNER_ACTIONS,
    *SECRETARIAT_ACTIONS,
    *PLATFORM_ACTIONS,
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    campaign,
    enterprise,
    manager,
    society,
    member_unit,
    other_member_unit,
    member_user,
    other_member_user,
    secretariat_user,
    other_secretariat_user,
    pioneer_user,
    platform_user,
    admin_user_,
):
    """Entries of every kind, named, and one user per role."""
    sibling_unit = MemberUnitFactory(name="同学会的另一会员单位", recommending_unit=society)
    sibling_user = make_user(Role.MEMBER, "member-sibling", member_unit=sibling_unit)
    other_pioneer = PioneerFactory(campaign=campaign, name="李先锋")
    author = UserFactory(username="author")
    now = clock.now()

    by_member = partial(NominationFactory, ranking_list=enterprise, created_by=author, sent_at=now)
    by_pioneer = partial(NominationFactory, ranking_list=manager, member_unit=None, created_by=author, sent_at=now)

    pioneer = pioneer_user.profile.pioneer
    entries = SimpleNamespace(
        own_draft=by_member(state=State.DRAFT, member_unit=member_unit),
        own_submitted=by_member(state=State.SUBMITTED, member_unit=member_unit),
        own_recommended=by_member(state=State.RECOMMENDED, member_unit=member_unit),
        own_withdrawn_draft=by_member(state=State.WITHDRAWN, member_unit=member_unit, submitted_at=None),
        own_withdrawn_after_submit=by_member(state=State.WITHDRAWN, member_unit=member_unit),
        sibling_draft=by_member(state=State.DRAFT, member_unit=sibling_unit),
        sibling_submitted=by_member(state=State.SUBMITTED, member_unit=sibling_unit),
        other_draft=by_member(state=State.DRAFT, member_unit=other_member_unit),
        other_submitted=by_member(state=State.SUBMITTED, member_unit=other_member_unit),
        pioneer_draft=by_pioneer(state=State.DRAFT, pioneer=pioneer),
        pioneer_recommended=by_pioneer(state=State.RECOMMENDED, pioneer=pioneer),
        # A pioneer's entry that names the society as its unit is still not the society's to see.
        pioneer_with_unit=by_pioneer(state=State.RECOMMENDED, pioneer=pioneer, recommending_unit=society),
        other_pioneer_draft=by_pioneer(state=State.DRAFT, pioneer=other_pioneer),
        other_pioneer_recommended=by_pioneer(state=State.RECOMMENDED, pioneer=other_pioneer),
    )
    users = SimpleNamespace(
        member=member_user,
        sibling=sibling_user,
        other_member=other_member_user,
        secretariat=secretariat_user,
        other_secretariat=other_secretariat_user,
        pioneer=pioneer_user,
        platform=platform_user,
        admin=admin_user_,
        expert=make_user(Role.EXPERT, "expert"),
        coordinator=make_user(Role.COORDINATOR, "coordinator"),
    )
    return SimpleNamespace(entries=entries, users=users, author=author)


def names(world, queryset):
    by_pk = {entry.pk: name for name, entry in vars(world.entries).items()}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


ALL_ENTRIES = [
    "other_draft",
    "other_pioneer_draft",
    "other_pioneer_recommended",
    "other_submitted",
    "own_draft",
    "own_recommended",
    "own_submitted",
    "own_withdrawn_after_submit",
    "own_withdrawn_draft",
    "pioneer_draft",
    "pioneer_recommended",
    "pioneer_with_unit",
    "sibling_draft",
    "sibling_submitted",
]
VISIBLE = {
    "member": [
        "own_draft",
        "own_recommended",
        "own_submitted",
        "own_withdrawn_after_submit",
        "own_withdrawn_draft",
    ],
    "sibling": ["sibling_draft", "sibling_submitted"],
    "other_member": ["other_draft", "other_submitted"],
    "secretariat": ["own_recommended", "own_submitted", "own_withdrawn_after_submit", "sibling_submitted"],
    "other_secretariat": ["other_submitted"],
    "pioneer": ["pioneer_draft", "pioneer_recommended", "pioneer_with_unit"],
    "platform": [
        "other_pioneer_recommended",
        "other_submitted",
        "own_recommended",
        "own_submitted",
        "own_withdrawn_after_submit",
        "pioneer_recommended",
        "pioneer_with_unit",
        "sibling_submitted",
    ],
    "admin": ALL_ENTRIES,
    "expert": [],
    "coordinator": [],
}


# ---------------------------------------------------------------- roles and querysets


def test_roles(world):
    assert role_of(world.users.member) == Role.MEMBER
    assert role_of(world.users.admin) == Role.ADMIN
    assert role_of(AnonymousUser()) is None
    assert role_of(None) is None
    assert role_of(UserFactory(username="no-profile")) is None
    assert policy.is_member(world.users.member)
    assert not policy.is_member(world.users.secretariat)
    assert policy.is_platform(world.users.admin)
    assert policy.is_platform(world.users.platform)
    assert not policy.is_admin(world.users.platform)


@pytest.mark.parametrize("who", list(VISIBLE))
def test_visible_nominations_per_role(world, who):
    user = getattr(world.users, who)
    assert names(world, visible_nominations(user)) == sorted(VISIBLE[who])


def test_what_staff_may_see_at_all_is_the_platforms_view(world):
    """``sent_to_staff()`` (counts without a reader, e.g. in a mail to a secretariat) is the platform's set."""
    from nominations.models import Nomination

    assert names(world, Nomination.objects.filter(policy.sent_to_staff())) == sorted(VISIBLE["platform"])


def test_nobody_else_sees_anything(world):
    assert not visible_nominations(AnonymousUser()).exists()
    assert not visible_nominations(UserFactory(username="no-profile")).exists()
    orphan = make_user(Role.MEMBER, "orphan-member")
    assert not visible_nominations(orphan).exists()
    lost = make_user(Role.SECRETARIAT, "orphan-secretariat")
    assert not visible_nominations(lost).exists()


def test_can_see_agrees_with_the_querysets(world):
    for who in VISIBLE:
        user = getattr(world.users, who)
        for name, entry in vars(world.entries).items():
            assert can_see(user, entry) is (name in VISIBLE[who]), (who, name)


def columns(obj):
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def test_visible_nomination_agrees_with_the_querysets(world, django_assert_num_queries):
    """One entry by key, as the entry pages read it (prepared per role, kczg_site/prepared.py): the same
    entries as ``visible_nominations``, the same columns, the relations in the one query."""
    from nominations.models import Nomination
    from nominations.models.nomination import NOMINATION_RELATIONS

    for who in VISIBLE:
        user = getattr(world.users, who)
        role_of(user)  # the profile, loaded once as in a request
        # No query at all where the role sees nothing (an empty queryset is never sent).
        queries = 0 if visible_nominations(user).query.is_empty() else 1
        for name, entry in vars(world.entries).items():
            with django_assert_num_queries(queries):
                found = policy.visible_nomination(user, entry.pk)
                related = [getattr(found, relation) for relation in NOMINATION_RELATIONS] if found else []
            assert (found is not None) is (name in VISIBLE[who]), (who, name)
            if found is not None:
                expected = Nomination.objects.get(pk=entry.pk)
                assert columns(found) == columns(expected), (who, name)
                assert related == [getattr(expected, relation) for relation in NOMINATION_RELATIONS]
        assert policy.visible_nomination(user, 10**30) is None


def test_can_see_judges_an_entry_read_as_the_queryset_does(world, enterprise, member_unit, django_assert_num_queries):
    """For a member, a secretariat and a pioneer, ``can_see`` of an entry already read asks the scope's
    rule of the row in memory (no query); it must agree with ``visible_nominations`` for every state and
    every combination of the timestamps that decide whether an entry was ever sent."""
    from nominations.models import Nomination

    now = clock.now()
    pioneer = world.users.pioneer.profile.pioneer
    for state in State.values:
        for submitted_at, recommended_at in [(None, None), (now, None), (None, now), (now, now)]:
            stamps = {"state": state, "submitted_at": submitted_at, "recommended_at": recommended_at}
            NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=world.author, **stamps)
            NominationFactory(
                ranking_list=enterprise, member_unit=None, pioneer=pioneer, created_by=world.author, **stamps
            )
    entries = list(Nomination.objects.all())
    for who in ["member", "sibling", "other_member", "secretariat", "other_secretariat", "pioneer"]:
        user = getattr(world.users, who)
        role_of(user)  # the profile, loaded once as in a request
        expected = set(visible_nominations(user).values_list("pk", flat=True))
        with django_assert_num_queries(0):
            seen = {entry.pk for entry in entries if can_see(user, entry)}
        assert seen == expected, who
    # Other roles still ask the queryset.
    role_of(world.users.platform)
    with django_assert_num_queries(1):
        assert can_see(world.users.platform, world.entries.own_submitted)


def test_visible_attachments_follow_the_entries(world):
    own = attachment(world, world.entries.own_submitted)
    draft = attachment(world, world.entries.own_draft)
    other = attachment(world, world.entries.other_submitted)
    assert set(policy.visible_attachments(world.users.member)) == {own, draft}
    assert set(policy.visible_attachments(world.users.secretariat)) == {own}
    assert set(policy.visible_attachments(world.users.platform)) == {own, other}
    assert bool(may(world.users.member, "view_attachment", own))
    assert may(world.users.other_member, "view_attachment", own).reason == NOT_FOUND
    assert not may(world.users.secretariat, "view_attachment", draft)


def attachment(world, nomination):
    return Attachment.objects.create(
        nomination=nomination,
        file=f"attachments/test/{nomination.pk}",
        original_name="证明材料.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=world.author,
        uploaded_at=clock.now(),
    )


def test_visible_units(world, society, other_unit, member_unit):
    users = world.users
    assert set(policy.visible_member_units(users.member)) == {member_unit}
    assert set(policy.visible_member_units(users.secretariat)) == set(society.members.all())
    assert policy.visible_member_units(users.platform).count() == 3
    assert not policy.visible_member_units(users.pioneer).exists()
    assert set(policy.visible_recommending_units(users.member)) == {society}
    assert set(policy.visible_recommending_units(users.secretariat)) == {society}
    assert set(policy.visible_recommending_units(users.admin)) == {society, other_unit}
    assert not policy.visible_recommending_units(users.expert).exists()
    assert can_see(users.secretariat, member_unit)
    assert not can_see(users.other_secretariat, member_unit)
    assert can_see(users.member, society)
    with pytest.raises(TypeError):
        can_see(users.member, object())


# ---------------------------------------------------------------- may


def test_anonymous_is_asked_to_log_in_for_every_action(world):
    for action in ACTIONS:
        decision = may(AnonymousUser(), action, world.entries.own_submitted)
        assert not decision
        assert decision.reason == "请先登录。"
    assert may(None, "submit").reason == "请先登录。"


def test_every_foundation_action_is_registered():
    assert set(FOUNDATION_ACTIONS) <= set(ACTIONS)


def test_unknown_action(world):
    with pytest.raises(KeyError):
        may(world.users.member, "no_such_action")


def test_view_nomination(world):
    e, u = world.entries, world.users
    assert may(u.member, "view_nomination", e.own_draft)
    assert may(u.other_member, "view_nomination", e.own_draft).reason == NOT_FOUND
    assert may(u.secretariat, "view_nomination", e.sibling_submitted)
    assert may(u.secretariat, "view_nomination", e.sibling_draft).reason == NOT_FOUND
    assert may(u.platform, "view_nomination", e.other_submitted)
    assert not may(u.platform, "view_nomination", e.other_draft)
    assert may(u.admin, "view_nomination", e.other_draft)
    assert may(u.expert, "view_nomination", e.own_recommended).reason == NOT_FOUND


def test_create_nomination(world, member_unit):
    u = world.users
    assert may(u.member, "create_nomination")
    assert may(u.pioneer, "create_nomination")
    for who in ("secretariat", "platform", "expert", "coordinator", "admin"):
        assert may(getattr(u, who), "create_nomination").reason == "只有会员单位和先锋人物可以填写申报。"
    member_unit.is_active = False
    member_unit.save()
    u.member.profile.refresh_from_db()
    assert "未关联有效的会员单位" in may(u.member, "create_nomination").reason
    pioneer = u.pioneer.profile.pioneer
    pioneer.is_active = False
    pioneer.save()
    assert may(u.pioneer, "create_nomination").reason == "您的账号未关联有效的先锋人物资格。"
    assert "未关联有效的会员单位" in may(make_user(Role.MEMBER, "m-orphan"), "create_nomination").reason


@pytest.mark.parametrize("action", OWNER_ACTIONS)
def test_owner_actions(world, action):
    e, u = world.entries, world.users
    assert may(u.member, action, e.own_draft)
    assert may(u.member, action, e.own_submitted)
    assert may(u.pioneer, action, e.pioneer_draft)
    # Other member units, even of the same society, do not see the entry at all.
    assert may(u.sibling, action, e.own_draft).reason == NOT_FOUND
    assert may(u.other_member, action, e.own_submitted).reason == NOT_FOUND
    assert may(u.pioneer, action, e.other_pioneer_draft).reason == NOT_FOUND
    assert may(u.member, action, e.pioneer_draft).reason == NOT_FOUND
    # Staff who see the entry are told who may act.
    assert may(u.secretariat, action, e.own_submitted).reason == NOT_OWNER
    assert may(u.platform, action, e.own_submitted).reason == NOT_OWNER
    assert may(u.admin, action, e.own_draft).reason == NOT_OWNER
    # Staff who do not see it (a draft) are told nothing about it.
    assert may(u.secretariat, action, e.own_draft).reason == NOT_FOUND
    assert may(u.expert, action, e.own_submitted).reason == NOT_FOUND


@pytest.mark.parametrize("action", SECRETARIAT_ACTIONS)
def test_secretariat_actions(world, action):
    e, u = world.entries, world.users
    assert may(u.secretariat, action, e.own_submitted)
    assert may(u.secretariat, action, e.sibling_submitted)
    assert may(u.other_secretariat, action, e.other_submitted)
    assert may(u.other_secretariat, action, e.own_submitted).reason == NOT_FOUND
    # A member's draft is neither visible to nor actionable by its society.
    assert may(u.secretariat, action, e.own_draft).reason == NOT_FOUND
    assert may(u.secretariat, action, e.own_withdrawn_draft).reason == NOT_FOUND
    # Pioneer entries are not the society's, even when they name it.
    assert may(u.secretariat, action, e.pioneer_with_unit).reason == NOT_FOUND
    assert may(u.member, action, e.own_submitted).reason == NOT_SECRETARIAT
    assert may(u.platform, action, e.own_submitted).reason == NOT_SECRETARIAT
    assert may(u.admin, action, e.own_submitted).reason == NOT_SECRETARIAT
    assert may(u.sibling, action, e.own_submitted).reason == NOT_FOUND


def test_view_inbox(world):
    u = world.users
    assert may(u.secretariat, "view_inbox")
    for who in ("member", "pioneer", "platform", "expert"):
        assert may(getattr(u, who), "view_inbox").reason == "只有推荐单位秘书处可以查看收件箱。"


@pytest.mark.parametrize("action", PLATFORM_ACTIONS)
def test_platform_actions(world, action):
    u = world.users
    assert may(u.platform, action)
    assert may(u.admin, action)
    for who in ("member", "secretariat", "pioneer", "expert", "coordinator"):
        decision = may(getattr(u, who), action)
        assert not decision
        assert "平台秘书处" in decision.reason


def test_every_refusal_is_in_chinese(world):
    e, u = world.entries, world.users
    for action in FOUNDATION_ACTIONS:
        for user in vars(u).values():
            for obj in (e.own_submitted, e.own_draft, e.pioneer_draft):
                decision = may(user, action, obj)
                assert decision.allowed or CJK.search(decision.reason), (action, user.username)


# ---------------------------------------------------------------- rules permissions


def test_rules_permissions_agree_with_may(world):
    e, u = world.entries, world.users
    objects = [e.own_draft, e.own_submitted, e.sibling_submitted, e.other_submitted, e.pioneer_draft]
    # Django grants every permission to active superusers, so the admin is left out here.
    users = [user for user in vars(u).values() if not user.is_superuser]
    for action in FOUNDATION_ACTIONS:
        for user in users:
            for obj in objects:
                expected = bool(may(user, action, obj))
                assert user.has_perm(f"nominations.{action}", obj) is expected, (action, user.username, obj)


def test_rules_permissions_without_an_object(world):
    u = world.users
    assert u.secretariat.has_perm("nominations.view_inbox")
    assert not u.member.has_perm("nominations.view_inbox")
    assert u.platform.has_perm("nominations.grant_extension")
    assert not u.secretariat.has_perm("nominations.move_demo_clock")
    assert u.member.has_perm("nominations.create_nomination")
    # Object actions asked without an object are refused (and do not crash the admin's model checks).
    assert not u.member.has_perm("nominations.submit")
    assert not u.member.has_perm("nominations.view_nomination")
    assert not may(u.secretariat, "accept").allowed


def test_dashboards_per_role(world):
    u = world.users
    expected = {
        "member": "member:dashboard",
        "secretariat": "secretariat:dashboard",
        "pioneer": "pioneer:dashboard",
        "expert": "reviews:expert_dashboard",
        "coordinator": "reviews:coordinator_dashboard",
        "platform": "platform:dashboard",
        "admin": "platform:dashboard",
    }
    for who, url_name in expected.items():
        assert policy.dashboard_url_name(getattr(u, who)) == url_name
        reverse(url_name)
    assert policy.dashboard_url_name(AnonymousUser()) == "home"
