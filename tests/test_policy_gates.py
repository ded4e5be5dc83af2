"""The membership and export actions of the policy: a role that may, a role that may not (with the
Chinese reason), the ``rules`` permission that agrees, and the service that refuses with its area's
:class:`Refused` (``MembershipError``, ``ExportError``) instead of checking on its own."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from kczg_site import clock
from nominations import confirmation, exports, membership, policy
from nominations.models import ExportJob, ExportKind, ExportState, Participation, Role, State
from nominations.rules.decision import Refused
from tests.factories import NominationFactory, make_user

pytestmark = pytest.mark.django_db

NOT_OWN_UNIT = "只有本推荐单位的秘书处可以管理会员单位。"
PLATFORM_ONLY = "只有平台秘书处可以进行此操作。"
NOT_EXPORTER = "只有推荐单位秘书处和平台秘书处可以批量导出。"
NOT_REVIEW_EXPORTER = "只有平台秘书处和初评机构联络人可以导出评审结果。"
NOT_OWN_JOB = "只能重试自己的导出任务。"
NOT_FOUND = "没有找到该记录，或您无权查看。"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def refused(decision, reason):
    return not decision and decision.reason == reason


def agrees(user, action, obj=None):
    """The ``rules`` permission says what ``may`` says (superusers get every permission: left out)."""
    return user.has_perm(f"nominations.{action}", obj) is bool(policy.may(user, action, obj))


# ---------------------------------------------------------------- membership


def test_manage_member_units(society, other_unit, secretariat_user, other_secretariat_user, platform_user, admin_user_):
    may = policy.may
    assert may(secretariat_user, "manage_member_units", society)
    assert may(platform_user, "manage_member_units", society)
    assert may(admin_user_, "manage_member_units", other_unit)
    assert refused(may(other_secretariat_user, "manage_member_units", society), NOT_OWN_UNIT)
    assert refused(may(secretariat_user, "manage_member_units", other_unit), NOT_OWN_UNIT)
    assert refused(may(secretariat_user, "manage_member_units"), NOT_OWN_UNIT)
    assert may(AnonymousUser(), "manage_member_units", society).reason == "请先登录。"
    for user in (secretariat_user, other_secretariat_user, platform_user):
        assert agrees(user, "manage_member_units", society)


def test_manage_member_units_refuses_members_and_pioneers(society, member_user, pioneer_user):
    for user in (member_user, pioneer_user):
        assert refused(policy.may(user, "manage_member_units", society), NOT_OWN_UNIT)
        assert agrees(user, "manage_member_units", society)


@pytest.mark.parametrize("action", ["manage_recommending_units", "manage_pioneers"])
def test_platform_membership_actions(action, platform_user, admin_user_, secretariat_user, member_user):
    assert policy.may(platform_user, action)
    assert policy.may(admin_user_, action)
    for user in (secretariat_user, member_user):
        assert refused(policy.may(user, action), PLATFORM_ONLY)
    for user in (platform_user, secretariat_user, member_user):
        assert agrees(user, action)


def test_membership_services_refuse_through_the_policy(
    campaign, society, other_unit, member_unit, secretariat_user, other_secretariat_user
):
    values = {"单位名称": "新会员单位", "联系邮箱": "new-member@example.com"}
    with pytest.raises(membership.MembershipError) as error:
        membership.invite_member_unit(other_secretariat_user, society, values)
    assert error.value.reason == NOT_OWN_UNIT
    with pytest.raises(membership.MembershipError, match=NOT_OWN_UNIT):
        membership.deactivate_member_unit(other_secretariat_user, member_unit)
    with pytest.raises(membership.MembershipError, match=PLATFORM_ONLY):
        membership.deactivate_recommending_unit(secretariat_user, other_unit)
    pioneer_values = {"姓名": "李先锋", "联系邮箱": "li@example.com"}
    with pytest.raises(membership.MembershipError, match=PLATFORM_ONLY):
        membership.invite_pioneer(secretariat_user, campaign, pioneer_values)
    member_unit.refresh_from_db()
    assert member_unit.is_active


def test_an_invitation_refused_for_its_values_carries_each_problem(society, secretariat_user):
    with pytest.raises(Refused) as error:
        membership.invite_member_unit(secretariat_user, society, {"单位名称": "", "联系邮箱": "not-an-address"})
    assert isinstance(error.value, membership.MembershipError)
    assert error.value.problems == ["缺少单位名称。", "联系邮箱格式不正确：not-an-address。"]
    assert str(error.value) == "缺少单位名称。 联系邮箱格式不正确：not-an-address。"


# ---------------------------------------------------------------- confirmation


def test_confirm_recommendations(
    campaign, society, other_unit, secretariat_user, other_secretariat_user, platform_user
):
    assert policy.may(secretariat_user, "confirm_recommendations", society)
    reason = "只有本推荐单位的秘书处可以确认推荐结果。"
    assert refused(policy.may(other_secretariat_user, "confirm_recommendations", society), reason)
    assert refused(policy.may(platform_user, "confirm_recommendations", society), reason)
    for user in (secretariat_user, other_secretariat_user, platform_user):
        assert agrees(user, "confirm_recommendations", society)
    with pytest.raises(confirmation.ConfirmationError, match=reason):
        confirmation.confirm(other_secretariat_user, society, campaign)
    assert not confirmation.is_confirmed(society, campaign)


def test_reopen_recommendations(campaign, society, secretariat_user, platform_user, admin_user_):
    assert policy.may(platform_user, "reopen_recommendations", society)
    assert policy.may(admin_user_, "reopen_recommendations", society)
    reason = "只有平台秘书处可以重新开放。"
    assert refused(policy.may(secretariat_user, "reopen_recommendations", society), reason)
    assert agrees(secretariat_user, "reopen_recommendations", society)
    assert agrees(platform_user, "reopen_recommendations", society)
    Participation.objects.update_or_create(campaign=campaign, unit=society, defaults={"confirmed_at": clock.now()})
    with pytest.raises(confirmation.ConfirmationError, match=reason):
        confirmation.reopen(secretariat_user, society, campaign, reason="重新调整")
    assert confirmation.is_confirmed(society, campaign)


# ---------------------------------------------------------------- exports


def test_export(secretariat_user, platform_user, admin_user_, member_user, pioneer_user):
    for user in (secretariat_user, platform_user, admin_user_):
        assert policy.may(user, "export")
    for user in (member_user, pioneer_user, make_user(Role.EXPERT, "expert-x"), make_user(Role.COORDINATOR, "coord-x")):
        assert refused(policy.may(user, "export"), NOT_EXPORTER)
        assert agrees(user, "export")
    assert agrees(secretariat_user, "export")


def test_start_export(campaign, secretariat_user, platform_user, member_user):
    expert = make_user(Role.EXPERT, "expert-y")
    for kind in (ExportKind.XLSX, ExportKind.DOCX_ZIP):
        assert policy.may(secretariat_user, "start_export", kind)
        assert refused(policy.may(member_user, "start_export", kind), NOT_EXPORTER)
    for kind in (ExportKind.REVIEW_SCORES, ExportKind.RANKING):
        # The review kinds answer with the reviews app's rule (registered with the kind).
        assert policy.may(platform_user, "start_export", kind)
        assert refused(policy.may(secretariat_user, "start_export", kind), NOT_REVIEW_EXPORTER)
        assert refused(policy.may(expert, "start_export", kind), NOT_REVIEW_EXPORTER)
    assert policy.may(member_user, "start_export", ExportKind.PUBLISHED)
    assert refused(policy.may(platform_user, "start_export", "pdf"), "未知的导出类型：pdf")
    for user in (secretariat_user, platform_user, member_user, expert):
        for kind in (*ExportKind.values, "pdf"):
            assert agrees(user, "start_export", kind)


def test_export_services_refuse_with_export_error(campaign, member_user):
    with pytest.raises(exports.ExportError, match=NOT_EXPORTER):
        exports.create_job(member_user, ExportKind.XLSX, exports.Filters(campaign=2023))
    with pytest.raises(exports.ExportError, match=NOT_REVIEW_EXPORTER):
        exports.create_review_job(member_user, ExportKind.RANKING, campaign)
    assert not ExportJob.objects.exists()


def _done_job(user, entries):
    job = ExportJob.objects.create(
        requested_by=user,
        kind=ExportKind.XLSX,
        filters={"campaign": 2023},
        state=ExportState.DONE,
        entry_ids=[entry.pk for entry in entries],
        created_at=clock.now(),
    )
    job.file.save("export.xlsx", ContentFile(b"PK"), save=True)
    return job


def test_download_export(enterprise, member_unit, other_member_unit, secretariat_user, other_secretariat_user):
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, state=State.RECOMMENDED)
    job = _done_job(secretariat_user, [entry])
    assert policy.may(secretariat_user, "download_export", job)
    assert refused(policy.may(other_secretariat_user, "download_export", job), NOT_FOUND)
    assert agrees(secretariat_user, "download_export", job)
    assert agrees(other_secretariat_user, "download_export", job)
    # An entry the owner no longer sees (it went to another unit) takes the file away.
    entry.member_unit = other_member_unit
    entry.recommending_unit = other_member_unit.recommending_unit
    entry.save()
    assert refused(policy.may(secretariat_user, "download_export", job), "文件中有您已无权查看的申报，请重新导出。")
    unfinished = ExportJob.objects.create(
        requested_by=secretariat_user, kind=ExportKind.XLSX, filters={"campaign": 2023}, created_at=clock.now()
    )
    assert refused(policy.may(secretariat_user, "download_export", unfinished), "文件尚未生成。")


def test_retry_export(campaign, secretariat_user, other_secretariat_user):
    job = ExportJob.objects.create(
        requested_by=secretariat_user,
        kind=ExportKind.XLSX,
        filters={"campaign": 2023},
        state=ExportState.FAILED,
        created_at=clock.now(),
    )
    assert policy.may(secretariat_user, "retry_export", job)
    assert refused(policy.may(other_secretariat_user, "retry_export", job), NOT_OWN_JOB)
    assert agrees(other_secretariat_user, "retry_export", job)
    with pytest.raises(exports.ExportError, match=NOT_OWN_JOB):
        exports.retry_job(job, other_secretariat_user)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
