"""The security scenario: one campaign with two recommending units, their members, entries in every
interesting state, attachments, export jobs of several users, two review bodies with assignments and
scores, and one named user per role.

It is built once per test module inside an outer transaction (rolled back at the end of the module);
each test then runs in its own savepoint (pytest-django's ``db``), and the access matrix additionally
rolls back every single request, so the scenario stays pristine for the next request.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings

from tests.conftest import CAMPAIGN_FILE

BEIJING = ZoneInfo("Asia/Shanghai")
# Inside the initial review: experts score, coordinators assign, the earlier states still exist.
REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every role of the matrix; "anonymous" has no user.
ROLES = (
    "anonymous",
    "member",
    "other_member",
    "secretariat",
    "other_secretariat",
    "pioneer",
    "other_pioneer",
    "expert",
    "other_body_expert",
    "coordinator",
    "other_coordinator",
    "platform",
    "admin",
    "partner",
    "other_partner",
)


def token(name):
    """A title marker that is never a prefix of another one (``-Q`` closes it)."""
    return f"TKN-{name}-Q"


@dataclass
class Scenario:
    campaign: object = None
    users: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    attachments: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)
    mails: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    pioneers: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    assignments: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    stamped: dict = field(default_factory=dict)
    score_comment: str = ""

    def user(self, role):
        return None if role == "anonymous" else self.users[role]


@pytest.fixture(scope="session")
def security_media(tmp_path_factory):
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(autouse=True)
def _no_demo_clock(settings, security_media):
    """Overrides the suite-wide fixture: one media folder for the module-wide scenario's files."""
    settings.DEMO_CLOCK = False
    settings.MEDIA_ROOT = security_media
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = MD5


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, security_media):
    traveller = time_machine.travel(REVIEW_TIME, tick=False)
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=security_media,
            DEMO_CLOCK=False,
            PASSWORD_HASHERS=MD5,
            CELERY_TASK_ALWAYS_EAGER=True,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

        get_hashers.cache_clear()
        get_hashers_by_algorithm.cache_clear()
        traveller.start()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_scenario()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            traveller.stop()
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        traveller.stop()


@pytest.fixture
def sdb(scenario, db):
    """The scenario, inside this test's savepoint."""
    return scenario


def build_scenario():
    from nominations import exports
    from nominations.campaign_data import load_campaign
    from nominations.models import Attachment, Domain, ExportKind, RankingList, Role, State
    from reviews.criteria import load_review_criteria
    from reviews.models import Assignment, Dispatch, Publication, ReviewBody
    from reviews.scoring import save_score
    from tests.factories import MemberUnitFactory, NominationFactory, PioneerFactory, make_user

    s = Scenario()
    campaign = s.campaign = load_campaign(CAMPAIGN_FILE)
    load_review_criteria(campaign)
    for ranking_list in RankingList.objects.filter(campaign=campaign):
        s.lists[ranking_list.code] = ranking_list
    tech, manager = s.lists["tech"], s.lists["manager"]
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    biomedicine = Domain.objects.get(ranking_list=tech, code="biomedicine")

    from tests.factories import RecommendingUnitFactory

    unit_a = s.units["a"] = RecommendingUnitFactory(name="安全测试学会甲", channel_codes=["society"])
    unit_b = s.units["b"] = RecommendingUnitFactory(name="安全测试科协乙", channel_codes=["provincial_cast"])
    member_a = s.members["a"] = MemberUnitFactory(name="甲会员单位", recommending_unit=unit_a)
    member_b = s.members["b"] = MemberUnitFactory(name="乙会员单位", recommending_unit=unit_b)
    pioneer_a = s.pioneers["a"] = PioneerFactory(campaign=campaign, name="甲先锋")
    pioneer_b = s.pioneers["b"] = PioneerFactory(campaign=campaign, name="乙先锋")
    body = s.bodies["a"] = ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")
    other_body = s.bodies["b"] = ReviewBody.objects.get(campaign=campaign, name="中国科协生命科学学会联合体")

    u = s.users
    u["member"] = make_user(Role.MEMBER, "s-member", member_unit=member_a)
    u["other_member"] = make_user(Role.MEMBER, "s-member-b", member_unit=member_b)
    u["secretariat"] = make_user(Role.SECRETARIAT, "s-secretariat", recommending_unit=unit_a)
    u["other_secretariat"] = make_user(Role.SECRETARIAT, "s-secretariat-b", recommending_unit=unit_b)
    u["pioneer"] = make_user(Role.PIONEER, "s-pioneer", pioneer=pioneer_a)
    u["other_pioneer"] = make_user(Role.PIONEER, "s-pioneer-b", pioneer=pioneer_b)
    u["expert"] = make_user(Role.EXPERT, "s-expert", review_body=body, organization="第一大学", display_name="专家甲")
    u["expert2"] = make_user(Role.EXPERT, "s-expert2", review_body=body, organization="第二大学", display_name="专家乙")
    u["other_body_expert"] = make_user(
        Role.EXPERT, "s-expert-b", review_body=other_body, organization="生物大学", display_name="专家丙"
    )
    u["coordinator"] = make_user(Role.COORDINATOR, "s-coordinator", review_body=body)
    u["other_coordinator"] = make_user(Role.COORDINATOR, "s-coordinator-b", review_body=other_body)
    u["platform"] = make_user(Role.PLATFORM, "s-platform")
    u["admin"] = make_user(Role.ADMIN, "s-admin")
    # 发布推介's financial partners: users without a platform role, staff of an approved partner and of
    # one still waiting for the platform's approval.
    from promotion.models import Partner, PartnerState
    from tests.factories import UserFactory

    u["partner"] = UserFactory(username="s-partner")
    u["other_partner"] = UserFactory(username="s-partner-b")
    for key, name, code, state in (
        ("partner", "安全测试银行", "91350100M000100Y43", PartnerState.APPROVED),
        ("other_partner", "安全测试创投", "91110108MA01ABCDE4", PartnerState.PENDING),
    ):
        partner = Partner.objects.create(
            name=name,
            institution_type="bank",
            credit_code=code,
            licence_number="S-1",
            pledge_signed_at=REVIEW_TIME,
            applied_at=REVIEW_TIME,
            state=state,
        )
        partner.staff.add(u[key])
        partner.named_staff.create(user=u[key], name=name + "经办人", is_admin_contact=True, added_at=REVIEW_TIME)
    # The experts signed the pledge (保密承诺) of their body before opening any entry (reviews.pledge).
    from reviews.models import ExpertPledge

    for key in ("expert", "expert2", "other_body_expert"):
        ExpertPledge.objects.create(expert=u[key], body=u[key].profile.review_body, pledged_at=REVIEW_TIME)

    now = REVIEW_TIME

    def entry(key, state, *, member=None, pioneer=None, ranking_list=tech, domain=electronics, **extra):
        s.entries[key] = NominationFactory(
            ranking_list=ranking_list,
            domain=domain,
            member_unit=member,
            pioneer=pioneer,
            state=state,
            title=token(key),
            created_by=u["pioneer"] if pioneer is pioneer_a else u["member"],
            sent_at=now,
            **extra,
        )
        if member is not None:
            # A member's entry was saved again after it was created (as the autosave does): its history
            # has two versions, for the admin history pages to show or hide.
            s.entries[key].save(update_fields=["updated_at"])
        return s.entries[key]

    entry("a-draft", State.DRAFT, member=member_a)
    entry("a-submitted", State.SUBMITTED, member=member_a)
    entry("a-accepted", State.ACCEPTED, member=member_a)
    entry("a-recommended", State.RECOMMENDED, member=member_a)
    entry("a-review", State.IN_REVIEW, member=member_a)
    entry("a-review-unassigned", State.IN_REVIEW, member=member_a)
    entry("a-published", State.PUBLISHED, member=member_a)
    entry("b-draft", State.DRAFT, member=member_b)
    entry("b-submitted", State.SUBMITTED, member=member_b)
    entry("b-recommended", State.RECOMMENDED, member=member_b)
    entry("b-review", State.IN_REVIEW, member=member_b, domain=biomedicine)
    entry("p-draft", State.DRAFT, pioneer=pioneer_a, ranking_list=manager, domain=None)
    entry("p-recommended", State.RECOMMENDED, pioneer=pioneer_a, ranking_list=manager, domain=None)
    entry("q-recommended", State.RECOMMENDED, pioneer=pioneer_b, ranking_list=manager, domain=None)

    e = s.entries
    for key, target in (
        ("a-review", body),
        ("a-review-unassigned", body),
        ("a-published", body),
        ("b-review", other_body),
    ):
        Dispatch.objects.create(nomination=e[key], body=target, dispatched_at=now, dispatched_by=u["platform"])
    for key, expert in (
        ("a-review", "expert"),
        ("a-review", "expert2"),
        ("a-published", "expert"),
        ("b-review", "other_body_expert"),
    ):
        item = Assignment.objects.create(
            nomination=e[key], expert=u[expert], body=e[key].dispatch.body, assigned_at=now, assigned_by=u["platform"]
        )
        s.assignments[(key, expert)] = item
    for key in list(e):
        e[key].refresh_from_db()

    # The second expert has submitted; the first has not scored yet.
    s.score_comment = token("score-of-expert2")
    save_score(
        s.assignments[("a-review", "expert2")],
        u["expert2"],
        {"innovation": "9", "advancement": "7", "value": "8", "transfer": "6"},
        s.score_comment,
        submit=True,
    )
    save_score(
        s.assignments[("b-review", "other_body_expert")],
        u["other_body_expert"],
        {"innovation": "5", "advancement": "5", "value": "5", "transfer": "5"},
        token("score-of-other-body"),
        submit=True,
    )

    for key in ("a-draft", "a-submitted", "a-review", "b-submitted", "b-review", "p-draft"):
        attachment = Attachment(
            nomination=e[key],
            original_name=f"{token('file-' + key)}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=u["member"],
            uploaded_at=now,
        )
        attachment.file.save("pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
        s.attachments[key] = attachment

    # 签字盖章: the stamped pages of an entry of each unit, and each unit's stamped 推荐汇总表.
    from nominations.models import StampedPage, StampScope

    for key, entry, unit, staff in (
        ("a-review", e["a-review"], unit_a, u["secretariat"]),
        ("b-review", e["b-review"], unit_b, u["other_secretariat"]),
        ("summary-a", None, unit_a, u["secretariat"]),
        ("summary-b", None, unit_b, u["other_secretariat"]),
    ):
        page = StampedPage(
            campaign=campaign,
            scope=StampScope.ENTRY if entry else StampScope.SUMMARY,
            recommending_unit=unit,
            nomination=entry,
            original_name="签字盖章.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_by=staff,
            uploaded_at=now,
        )
        page.file.save("pdf", ContentFile(PDF_BYTES), save=False)
        page.save()
        s.stamped[key] = page

    for role in ("secretariat", "other_secretariat", "platform"):
        job = exports.create_job(u[role], ExportKind.XLSX, exports.Filters(campaign=campaign.year), enqueue_now=False)
        s.jobs[role] = exports.run_job(job.pk)

    # The mail log: one mail to each member unit, to each secretariat, and one to a pioneer.
    from nominations.models import MailAudience, MailKind, SentMail

    for key, audience, kind, member, unit in (
        ("mail-member-a", MailAudience.MEMBER, MailKind.REMINDER_MEMBER, member_a, unit_a),
        ("mail-member-b", MailAudience.MEMBER, MailKind.ACCEPTED, member_b, unit_b),
        ("mail-unit-a", MailAudience.SECRETARIAT, MailKind.REMINDER_PLATFORM, None, unit_a),
        ("mail-unit-b", MailAudience.SECRETARIAT, MailKind.CONFIRMED, None, unit_b),
        ("mail-pioneer", MailAudience.OTHER, MailKind.INVITATION, None, None),
    ):
        s.mails[key] = SentMail.objects.create(
            to=f"{key}@example.org",
            subject=token(key),
            body=f"{token(key)}\n",
            sent_at=now,
            kind=kind,
            audience=audience,
            member_unit=member,
            recommending_unit=unit,
        )

    Publication.objects.create(
        campaign=campaign,
        ranking_list=campaign.lists.order_by("order").first(),
        published_at=now,
        published_by=u["platform"],
    )
    return s
