"""The Django admin: every registered model opens, the state and the audit log cannot be edited here,
extensions record who granted them, and the demo clock page moves the demo clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import extensions
from nominations.demo import load_demo
from nominations.models import (
    Attachment,
    AuditEvent,
    Campaign,
    EarlierListedItem,
    Extension,
    ExtensionKind,
    MemberUnit,
    Nomination,
    RankingList,
    RecommendingUnit,
    State,
)
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_data(db):
    """The campaign, the demo units and users, and a few entries with an attachment and audit records."""
    from django.contrib.auth import get_user_model

    load_demo()
    campaign = Campaign.objects.get(year=2023)
    member = MemberUnit.objects.get(name="北京星衡智能科技有限公司")
    author = get_user_model().objects.get(username="member")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    enterprise = RankingList.objects.get(campaign=campaign, code="enterprise")
    entries = [
        NominationFactory(
            ranking_list=tech,
            domain=tech.domains.first(),
            member_unit=member,
            state=State.SUBMITTED,
            title="高精度光子芯片封装技术",
            created_by=author,
        ),
        NominationFactory(
            ranking_list=enterprise, member_unit=member, state=State.DRAFT, title="示例新锐企业", created_by=author
        ),
    ]
    Attachment.objects.create(
        nomination=entries[0],
        file="attachments/2023/test/abc",
        original_name="证明材料.pdf",
        content_type="application/pdf",
        size=1024,
        uploaded_by=author,
        uploaded_at=clock.now(),
    )
    AuditEvent.objects.create(
        at=clock.now(),
        actor=author,
        verb="submit",
        nomination=entries[0],
        recommending_unit=member.recommending_unit,
        from_state=State.DRAFT,
        to_state=State.SUBMITTED,
    )
    Extension.objects.create(
        campaign=campaign,
        kind="member",
        member_unit=member,
        until=datetime(2023, 11, 22, 17, tzinfo=BEIJING),
        reason="网络故障",
        granted_at=clock.now(),
    )
    return {"campaign": campaign, "entries": entries, "member": member}


@pytest.fixture
def admin_user(demo_data):
    """The demo's superuser (pytest-django's ``admin_client`` logs in as this user)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def change_form_data(response):
    """The POST data of an admin change form as the browser would send it unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if hasattr(field.widget, "widgets"):  # a split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
            continue
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for sub in formset.forms:
            for name, field in sub.fields.items():
                value = field.prepare_value(sub[name].value())
                data[sub.add_prefix(name)] = "" if value is None else value
    return data


# ---------------------------------------------------------------- every model opens


def test_every_changelist_opens(admin_client, demo_data):
    assert len(admin.site._registry) >= 20
    for model, model_admin in registered():
        response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        if model_admin.search_fields:
            response = admin_client.get(url(model, "changelist"), {"q": "科技"})
            assert response.status_code == 200, model._meta.label


def test_every_change_and_add_page_opens(admin_client, demo_data, rf, admin_user):
    for model, model_admin in registered():
        obj = model._default_manager.first()
        if obj is not None:
            response = admin_client.get(url(model, "change", obj.pk))
            assert response.status_code in (200, 302), model._meta.label
        request = rf.get("/")
        request.user = admin_user
        if model_admin.has_add_permission(request):
            assert admin_client.get(url(model, "add")).status_code == 200, model._meta.label


def test_the_admin_is_in_chinese(admin_client, demo_data):
    text = admin_client.get(reverse("admin:index")).content.decode()
    for label in ("征集年度", "榜单", "推荐渠道", "推荐单位", "会员单位", "申报", "操作记录", "初评机构", "演示时钟"):
        assert label in text


def test_lists_show_useful_columns(admin_client, demo_data):
    text = admin_client.get(url(RecommendingUnit, "changelist")).content.decode()
    assert "中国技术经济学会" in text
    assert "全国学会、协会、研究会" in text and "“科创中国”联合体成员单位" in text
    text = admin_client.get(url(Campaign, "changelist")).content.decode()
    assert "2023年11月30日 24:00" in text
    text = admin_client.get(url(Nomination, "changelist")).content.decode()
    assert "高精度光子芯片封装技术" in text and "已提交" in text


def test_campaign_and_list_inlines(admin_client, demo_data):
    campaign = demo_data["campaign"]
    text = admin_client.get(url(Campaign, "change", campaign.pk)).content.decode()
    assert "先导技术榜" in text and "技术经理人先锋榜" in text
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    text = admin_client.get(url(RankingList, "change", tech.pk)).content.decode()
    assert "产业基础" in text and "绿色低碳" in text


def test_user_admin_has_the_profile_inline(admin_client, demo_data):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="expert")
    text = admin_client.get(url(get_user_model(), "change", user.pk)).content.decode()
    assert "用户角色" in text
    assert "中国科协信息科技学会联合体" in text
    text = admin_client.get(url(get_user_model(), "changelist")).content.decode()
    assert "初评专家" in text


# ---------------------------------------------------------------- what the admin may not do


def test_entries_are_read_only_in_the_admin(admin_client, demo_data):
    # Content changes go through the author's pages (with the form definition's checks), the state
    # through the workflow: the admin shows an entry, it does not change it, not even for a superuser.
    entry = demo_data["entries"][0]
    assert admin_client.get(url(Nomination, "add")).status_code == 403
    response = admin_client.get(url(Nomination, "change", entry.pk))
    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    text = response.content.decode()
    assert "高精度光子芯片封装技术" in text
    assert 'name="_save"' not in text
    response = admin_client.post(
        url(Nomination, "change", entry.pk),
        {"title": "高精度光子芯片封装技术（修订）", "credit_code": "91110108MA01R2KD7U", "data": "{}", "state": "x"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.title == "高精度光子芯片封装技术"
    assert entry.state == State.SUBMITTED
    assert entry.version == 1


def test_nominations_cannot_be_deleted_or_reverted(admin_client, demo_data):
    entry = demo_data["entries"][0]
    assert admin_client.get(url(Nomination, "delete", entry.pk)).status_code == 403
    assert admin_client.get(url(Nomination, "history", entry.pk)).status_code == 200
    version = entry.history.first()
    history_form = reverse("admin:nominations_nomination_simple_history", args=(entry.pk, version.history_id))
    assert admin_client.get(history_form).status_code == 200
    assert admin_client.post(history_form, {"title": "x"}).status_code == 403


def test_audit_events_are_read_only(admin_client, demo_data, rf, admin_user):
    event = AuditEvent.objects.first()
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert admin_client.get(url(AuditEvent, "add")).status_code == 403
    assert admin_client.post(url(AuditEvent, "add"), {"verb": "forged"}).status_code == 403
    assert admin_client.get(url(AuditEvent, "delete", event.pk)).status_code == 403
    assert admin_client.post(url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(url(AuditEvent, "change", event.pk), {"verb": "forged"}).status_code == 403
    response = admin_client.post(
        url(AuditEvent, "changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, verb="submit").exists()
    text = admin_client.get(url(AuditEvent, "changelist")).content.decode()
    assert url(AuditEvent, "add") not in text
    assert "提交" in text


# ---------------------------------------------------------------- extensions and earlier listed items


def test_an_extension_records_who_granted_it_and_when(admin_client, admin_user, demo_data):
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    moment = datetime(2023, 11, 19, 10, tzinfo=BEIJING)
    with time_machine.travel(moment, tick=False):
        response = admin_client.post(
            url(Extension, "add"),
            {
                "campaign": demo_data["campaign"].pk,
                "kind": "member",
                "recommending_unit": society.pk,
                "until_0": "2023-11-24",
                "until_1": "17:00:00",
                "reason": "学会年会冲突，延期三天",
            },
        )
    assert response.status_code == 302
    extension = Extension.objects.get(recommending_unit=society)
    assert extension.granted_by == admin_user
    assert extension.granted_at == moment
    event = AuditEvent.objects.get(verb="extension")
    assert event.actor == admin_user
    assert event.recommending_unit == society
    assert "学会年会冲突" in event.note


def test_an_extension_must_name_one_unit_and_a_later_time(admin_client, demo_data):
    campaign, member = demo_data["campaign"], demo_data["member"]
    base = {"campaign": campaign.pk, "until_0": "2023-12-05", "until_1": "12:00:00", "reason": "理由"}
    response = admin_client.post(url(Extension, "add"), {**base, "kind": "platform", "member_unit": member.pk})
    assert response.status_code == 200
    assert "平台申报截止只能对推荐单位延期。" in response.content.decode()
    response = admin_client.post(
        url(Extension, "add"),
        {**base, "kind": "member", "until_0": "2023-11-20", "until_1": "10:00:00", "member_unit": member.pk},
    )
    assert "延期时间应晚于原截止时间" in response.content.decode()
    response = admin_client.post(url(Extension, "add"), {**base, "kind": "member"})
    assert "二选一" in response.content.decode()
    assert Extension.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "until", "for_member", "field"),
    [
        (ExtensionKind.PLATFORM, datetime(2023, 12, 5, 12, tzinfo=BEIJING), True, "__all__"),
        (ExtensionKind.MEMBER, datetime(2023, 11, 20, 10, tzinfo=BEIJING), True, "until"),
        (ExtensionKind.PLATFORM, datetime(2023, 11, 20, 10, tzinfo=BEIJING), False, "until"),
    ],
)
def test_the_admin_refuses_an_extension_with_the_services_message(
    admin_client, admin_user, demo_data, kind, until, for_member, field
):
    """One extension rule: the admin's form says exactly what ``grant_extension`` says, in Chinese."""
    campaign, member = demo_data["campaign"], demo_data["member"]
    units = {"member_unit": member} if for_member else {"recommending_unit": member.recommending_unit}
    with pytest.raises(extensions.ExtensionError) as refused:
        extensions.grant_extension(admin_user, campaign, kind=kind, until=until, reason="理由", **units)
    reason = refused.value.reason
    deadline = campaign.platform_deadline if kind == ExtensionKind.PLATFORM else campaign.member_deadline
    later = f"延期时间应晚于原截止时间（北京时间 {format_datetime(deadline)}）。"
    assert reason == ("平台申报截止只能对推荐单位延期。" if field == "__all__" else later)
    posted = {
        "campaign": campaign.pk,
        "kind": kind,
        "until_0": f"{until:%Y-%m-%d}",
        "until_1": f"{until:%H:%M:%S}",
        "reason": "理由",
        **{name: unit.pk for name, unit in units.items()},
    }
    response = admin_client.post(url(Extension, "add"), posted)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [reason]
    assert reason in response.content.decode()
    assert Extension.objects.count() == 1


def test_earlier_listed_items_show_the_normalised_name(admin_client, demo_data):
    response = admin_client.post(
        url(EarlierListedItem, "add"), {"year": 2019, "list_code": "enterprise", "name": "示例（上海）股份有限公司"}
    )
    assert response.status_code == 302
    item = EarlierListedItem.objects.get(year=2019)
    assert item.normalized_name == "示例上海"
    text = admin_client.get(url(EarlierListedItem, "change", item.pk)).content.decode()
    assert "示例上海" in text
    assert 'name="normalized_name"' not in text


# ---------------------------------------------------------------- the demo clock page


def test_the_demo_clock_page_moves_the_clock(admin_client, admin_user, demo_data, settings):
    settings.DEMO_CLOCK = True
    clock.forget()
    page = url(clock_model(), "changelist")
    text = admin_client.get(page).content.decode()
    assert "模拟时间" in text
    assert "2023-11-15 10:00" in text
    for moment in ("2023-11-20 16:55", "2023-11-30 23:55", "2023-12-10 10:00", "2024-01-10 10:00", "2024-02-05 10:00"):
        assert moment in text

    response = admin_client.post(page, {"preset": "2023-11-20T16:55:00+08:00"})
    assert response.status_code == 302
    now = clock.now()
    target = datetime(2023, 11, 20, 16, 55, tzinfo=BEIJING)
    assert target <= now < target + timedelta(seconds=30)
    event = AuditEvent.objects.get(verb="move_demo_clock")
    assert event.actor == admin_user
    assert "2023-11-20 16:55:00" in event.note

    response = admin_client.post(page, {"moment": "2023-12-10T10:00"}, follow=True)
    assert "演示时钟已调整为北京时间 2023-12-10 10:00" in response.content.decode()
    target = datetime(2023, 12, 10, 10, tzinfo=BEIJING)
    assert target <= clock.now() < target + timedelta(seconds=30)
    assert AuditEvent.objects.filter(verb="move_demo_clock").count() == 2

    response = admin_client.post(page, {"moment": "不是时间"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(verb="move_demo_clock").count() == 2
    clock.forget()


def test_the_demo_clock_page_without_a_demo_clock(admin_client, demo_data):
    page = url(clock_model(), "changelist")
    assert "演示时钟未启用" in admin_client.get(page).content.decode()
    before = datetime.now(tz=UTC)
    response = admin_client.post(page, {"preset": "2023-11-20T16:55:00+08:00"}, follow=True)
    assert "不能调整" in response.content.decode()
    assert clock.now() >= before
    assert not AuditEvent.objects.filter(verb="move_demo_clock").exists()


def clock_model():
    from nominations.models import DemoClock

    return DemoClock


# ---------------------------------------------------------------- staff who are not superusers


def test_platform_staff_use_the_admin(client, demo_data, settings):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="platform"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(url(Nomination, "changelist")).status_code == 200
    assert client.get(url(Nomination, "change", demo_data["entries"][0].pk)).status_code == 200
    assert client.get(url(Attachment, "changelist")).status_code == 200
    assert client.get(url(AuditEvent, "changelist")).status_code == 200
    assert client.get(url(RecommendingUnit, "changelist")).status_code == 200
    assert client.get(url(clock_model(), "changelist")).status_code == 200
    # Staff without superuser rights cannot edit users (no self-promotion).
    assert client.get(url(get_user_model(), "add")).status_code == 403


def test_other_roles_do_not_enter_the_admin(client, demo_data):
    from django.contrib.auth import get_user_model

    for username in ("member", "secretariat", "expert"):
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# ---------------------------------------------------------------- the platform group and the superuser's rights


def _platform(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="platform")
    client.force_login(user)
    return user


def test_the_platform_group_is_set_up_after_migrate_and_the_demo_keeps_it(db):
    from django.contrib.auth.models import Group

    from nominations.groups import PLATFORM_GROUP, platform_permissions

    def perms():
        group = Group.objects.get(name=PLATFORM_GROUP)
        return {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}

    # The test database was migrated: the group exists without the demo, with its permissions.
    assert perms() == platform_permissions()
    load_demo()
    assert perms() == platform_permissions()
    assert {("nominations", "change_campaign"), ("reviews", "add_reviewcriterion"), ("auth", "view_user")} <= perms()
    for forbidden in (
        ("auth", "change_user"),
        ("auth", "change_group"),
        ("auth", "change_permission"),
        ("nominations", "change_profile"),
        ("nominations", "change_nomination"),
        ("nominations", "change_attachment"),
        ("nominations", "delete_attachment"),
        ("reviews", "change_score"),
    ):
        assert forbidden not in perms(), forbidden


def test_the_platform_cannot_change_its_role_or_anyone_s_account(client, demo_data):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from nominations.models import Profile, Role

    platform = _platform(client)
    member = get_user_model().objects.get(username="member")
    # The pages open read-only; every change is refused and nothing changes in the database.
    response = client.get(url(Profile, "change", platform.profile.pk))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = client.post(url(Profile, "change", platform.profile.pk), {"user": platform.pk, "role": Role.ADMIN})
    assert response.status_code == 403
    response = client.post(
        url(get_user_model(), "change", platform.pk),
        {
            "username": "platform",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [g.pk for g in Group.objects.all()],
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-0-id": platform.profile.pk,
            "profile-0-user": platform.pk,
            "profile-0-role": Role.ADMIN,
        },
    )
    assert response.status_code == 403
    response = client.post(
        url(Profile, "change", member.profile.pk), {"user": member.pk, "role": Role.MEMBER, "member_unit": ""}
    )
    assert response.status_code == 403
    assert (
        client.post(url(get_user_model(), "add"), {"username": "x", "password1": "a", "password2": "a"}).status_code
        == 403
    )
    response = client.post(
        reverse("admin:auth_user_password_change", args=(member.pk,)),
        {"password1": "Xx-123456", "password2": "Xx-123456"},
    )
    assert response.status_code == 403
    group = Group.objects.get(name="平台秘书处")
    before = set(group.permissions.values_list("pk", flat=True))
    response = client.post(
        url(Group, "change", group.pk),
        {"name": group.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 403
    assert client.post(url(Group, "add"), {"name": "全部权限"}).status_code == 403

    platform.refresh_from_db()
    member.refresh_from_db()
    assert platform.profile.role == Role.PLATFORM
    assert not platform.is_superuser
    assert not platform.user_permissions.exists()
    assert list(platform.groups.values_list("name", flat=True)) == ["平台秘书处"]
    assert member.profile.member_unit is not None
    assert member.check_password("kczg-demo-2023")
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="全部权限").exists()
    assert not get_user_model().objects.filter(username="x").exists()
    # Still no way to a draft: its Word form and its attachments stay closed.
    draft = demo_data["entries"][1]
    assert client.get(reverse("exports:nomination_docx", args=(draft.pk,))).status_code == 404


def test_the_platform_cannot_edit_an_entry(client, demo_data):
    _platform(client)
    for entry in demo_data["entries"]:
        response = client.post(
            url(Nomination, "change", entry.pk),
            {"title": "改过的名称", "credit_code": "91110108MA01R2KD7U", "data": '{"name": "改过的名称"}'},
        )
        assert response.status_code == 403
        before_title, before_data = entry.title, entry.data
        entry.refresh_from_db()
        assert (entry.title, entry.data) == (before_title, before_data)
    # The draft is not even there for the platform.
    assert client.get(url(Nomination, "change", demo_data["entries"][1].pk)).status_code == 404
    text = client.get(url(Nomination, "changelist"), {"q": "示例新锐企业"}).content.decode()
    assert "示例新锐企业" not in text.replace('value="示例新锐企业"', "")


def test_a_superuser_still_manages_users_and_roles(admin_client, demo_data):
    from django.contrib.auth import get_user_model

    from nominations.models import Profile, Role

    member = get_user_model().objects.get(username="member")
    data = change_form_data(admin_client.get(url(Profile, "change", member.profile.pk)))
    data["role"] = Role.SECRETARIAT
    data["member_unit"] = ""
    data["recommending_unit"] = RecommendingUnit.objects.get(name="中国技术经济学会").pk
    response = admin_client.post(url(Profile, "change", member.profile.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    data = change_form_data(admin_client.get(url(get_user_model(), "change", member.pk)))
    data["is_staff"] = "on"
    response = admin_client.post(url(get_user_model(), "change", member.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    member.refresh_from_db()
    assert member.profile.role == Role.SECRETARIAT
    assert member.is_staff
