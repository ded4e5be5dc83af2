"""发布推介: public profiles without contact data, consent, partners, matches and double opt-in."""

import pytest

from nominations.models import AuditEvent, State
from promotion import services
from promotion.models import ConsentLevel, Partner, PartnerState, ProfileView, RequestState
from tests.factories import NominationFactory
from tests.promotion.helpers import CONTACT, login, make_partner, valid_code


def contact_shown(html: str) -> bool:
    return any(value in html for value in CONTACT.values())


def test_anonymous_search_and_profile_show_no_contact(profile, client):
    page = client.get("/promotion/?q=量子").content.decode()
    assert "量子传感芯片" in page and not contact_shown(page)
    detail = client.get(f"/promotion/{profile.pk}/").content.decode()
    assert "量子传感芯片" in detail and not contact_shown(detail)
    assert "扩建产线" not in detail  # the extended profile is for approved partners only


def test_without_consent_there_is_no_public_profile(entry, client):
    item = services.profile_for(entry)
    assert client.get(f"/promotion/{item.pk}/").status_code == 404
    assert "量子传感芯片" not in client.get("/promotion/").content.decode()


def test_partner_needs_an_accepted_request_for_the_contact(profile, member_user, platform_user):
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    _, other_staff = make_partner("乙创投", "vc-b", "91110108MA01ABCDE", platform_user)
    page = login(staff).get(f"/promotion/{profile.pk}/").content.decode()
    assert "扩建产线" in page and not contact_shown(page)
    dashboard = login(staff).get("/promotion/partner/").content.decode()
    assert "领域相同" in dashboard and "融资阶段匹配" in dashboard

    item = services.send_request(profile, staff, "希望对接")
    assert item.state == RequestState.MODERATION  # a new partner's first requests are moderated
    services.moderate_request(item, platform_user, release=True)
    item.refresh_from_db()
    assert item.state == RequestState.PENDING
    assert not contact_shown(login(staff).get(f"/promotion/{profile.pk}/").content.decode())

    services.answer_request(item, member_user, accept=True)
    shown = login(staff).get(f"/promotion/{profile.pk}/").content.decode()
    assert contact_shown(shown) and "仅供甲银行使用" in shown  # the partner's name as a watermark
    assert not contact_shown(login(other_staff).get(f"/promotion/{profile.pk}/").content.decode())
    assert ProfileView.objects.filter(partner=partner, saw_contact=True).exists()
    assert AuditEvent.objects.filter(verb="promotion_release", nomination=profile.nomination).exists()


def test_no_page_reveals_contact_without_an_accepted_request(profile, member_user, platform_user, client):
    """Every promotion page, the published list and its Excel, for anonymous, other roles and partners."""
    _, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    _, pending_staff = make_partner("丙担保", "guar-c", "91440300MA5ABCDEF", platform_user, approve=False)
    services.send_request(profile, staff, "")
    urls = ["/promotion/", f"/promotion/{profile.pk}/", "/promotion/partner/", "/promotion/platform/"]
    urls += ["/promotion/?list=tech", "/promotion/mine/", "/published/2023/", "/published/2023/excel/"]
    for viewer in (None, staff, pending_staff, platform_user):
        c = login(viewer) if viewer else client
        for url in urls:
            response = c.get(url)
            body = _text(response)
            assert not contact_shown(body), (viewer, url)
    # A search by the contact's phone finds nothing.
    assert "量子传感芯片" not in client.get("/promotion/?q=13912345678").content.decode()


def _text(response) -> str:
    """The page's text, or every cell of an Excel answer."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content))
        return " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    return response.content.decode("utf-8", "ignore")


def test_revocation_hides_the_profile_again(profile, member_user, client):
    assert client.get(f"/promotion/{profile.pk}/").status_code == 200
    login(member_user).post(f"/promotion/mine/{profile.nomination.pk}/revoke/")
    assert client.get(f"/promotion/{profile.pk}/").status_code == 404
    assert AuditEvent.objects.filter(verb="promotion_revoke").exists()


def test_partner_application_checks_the_credit_code(client, campaign):
    data = {
        "name": "丁租赁",
        "institution_type": "leasing",
        "credit_code": "91350100M000100Y40",
        "licence_number": "L-1",
        "staff_name": "赵经办",
        "staff_position": "业务经理",
        "email": "zhao@example.com",
        "username": "lease-d",
        "password": "pw-Partner-2023",
        "pledge": "on",
    }
    page = client.post("/promotion/partners/apply/", data).content.decode()
    assert "统一社会信用代码" in page and not Partner.objects.exists()
    data["credit_code"] = valid_code("91350100M000100Y4")
    page = client.post("/promotion/partners/apply/", data).content.decode()
    assert "申请已提交" in page
    assert Partner.objects.get().state == PartnerState.PENDING


def test_member_grants_consent_on_the_page(entry, member_user, client):
    c = login(member_user)
    page = c.get("/promotion/mine/").content.decode()
    assert "尚未授权推介" in page
    response = c.post(f"/promotion/mine/{entry.pk}/", {"level": "partners", "contact_name": "王联络"})
    assert "请填写联系电话或电子邮箱" in response.content.decode()
    c.post(f"/promotion/mine/{entry.pk}/", {"level": "partners", "stage": "growth", **CONTACT})
    assert "合作机构可见的扩展信息" in c.get("/promotion/mine/").content.decode()


def test_weekly_cap(profile, member_user, platform_user, campaign):
    from promotion.models import PromotionSettings

    PromotionSettings.objects.filter(campaign=campaign).update(weekly_cap=1, moderated_first=0)
    _, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    services.send_request(profile, staff, "")
    other = services.profile_for(NominationFactory(ranking_list=profile.nomination.ranking_list, state=State.PUBLISHED))
    services.grant_consent(other, _owner(other), level=ConsentLevel.PARTNERS, **CONTACT)
    with pytest.raises(services.PromotionError, match="每周最多"):
        services.send_request(other, staff, "")


def _owner(profile):
    from nominations.models import Role
    from tests.factories import make_user

    return make_user(Role.MEMBER, member_unit=profile.nomination.member_unit)


def test_an_unanswered_request_expires_after_the_campaign_days(profile, member_user, platform_user, campaign):
    from datetime import timedelta

    import time_machine

    from kczg_site import clock
    from promotion.models import PromotionSettings

    PromotionSettings.objects.filter(campaign=campaign).update(moderated_first=0)
    _, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    item = services.send_request(profile, staff, "")
    assert item.expires_at - item.created_at == timedelta(days=14)
    with time_machine.travel(clock.now() + timedelta(days=15)):
        page = login(member_user).get("/promotion/mine/").content.decode()
        assert "甲银行（银行）：已过期" in page
        with pytest.raises(services.PromotionError, match="已过期"):
            services.answer_request(item, member_user, accept=True)


def test_package_opens_requests_and_outcomes(profile, member_user, platform_user):
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    platform = login(platform_user)
    data = {"title": "先导技术榜 · 电子信息 2023", "year": 2023, "list_code": "tech", "domain_code": "electronics"}
    page = platform.post("/promotion/platform/packages/", {**data, "partners": [partner.pk]}, follow=True)
    assert "已发送定向推介" in page.content.decode() and "未打开" in page.content.decode()
    package = partner.deliveries.get().package
    shown = login(staff).get(f"/promotion/partner/packages/{package.pk}/").content.decode()
    assert "量子传感芯片" in shown and not contact_shown(shown)
    item = services.send_request(profile, staff, "")
    services.moderate_request(item, platform_user, release=True)
    overview = platform.get("/promotion/platform/packages/").content.decode()
    assert "未打开" not in overview and 'data-label="此后请求">1</td>' in overview

    # An outcome only on an accepted request; the listed party confirms it.
    c = login(staff)
    c.post(f"/promotion/partner/requests/{item.pk}/outcome/", {"kind": "credit", "amount_wan": "500"})
    assert not item.outcomes.exists()
    services.answer_request(item, member_user, accept=True)
    c.post(f"/promotion/partner/requests/{item.pk}/outcome/", {"kind": "credit", "amount_wan": "500"})
    outcome = item.outcomes.get()
    assert "授信 500.00 万元" in login(member_user).get("/promotion/mine/").content.decode()
    login(member_user).post(f"/promotion/outcomes/{outcome.pk}/confirm/")
    assert "入榜单位已确认" in c.get("/promotion/partner/").content.decode()
    stats = platform.get("/promotion/platform/stats/").content.decode()
    assert '先导技术榜</td><td class="text-end">1</td><td class="text-end">1</td>' in stats
    assert '银行</td><td class="text-end">500.0</td>' in stats


def test_a_package_needs_partner_visible_profiles(entry, member_user, platform_user):
    partner, _ = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    item = services.profile_for(entry)
    services.grant_consent(item, member_user, level=ConsentLevel.PUBLIC)
    data = {"title": "公开摘要", "year": 2023, "list_code": "tech", "partners": [partner.pk]}
    page = login(platform_user).post("/promotion/platform/packages/", data).content.decode()
    assert "没有授权合作机构可见的项目" in page


def test_a_suspended_partner_sees_neither_the_extended_profile_nor_the_contact(profile, member_user, platform_user):
    from promotion.models import PromotionSettings

    PromotionSettings.objects.filter(campaign=profile.nomination.campaign).update(moderated_first=0)
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    services.answer_request(services.send_request(profile, staff, ""), member_user, accept=True)
    assert contact_shown(login(staff).get(f"/promotion/{profile.pk}/").content.decode())
    services.decide_partner(partner, platform_user, "suspend")
    page = login(staff).get(f"/promotion/{profile.pk}/").content.decode()
    assert not contact_shown(page) and "扩建产线" not in page
    assert login(staff).get("/promotion/partner/").status_code == 403
