"""发布推介 in Chromium: an anonymous visitor searches the public profiles and sees no contact data; the
listed member grants partner-level consent; a bank applies (credit code checked, pledge signed), the
platform approves it; it publishes an offer and sees its suggested matches with the reasons, sends a
request (a new partner's first request is moderated by the platform); the member accepts; only then the
bank sees the contact, a second partner still does not; revoking the consent hides the profile again.
Screenshots: ``test-artifacts/promotion-<nn>-<step>.png``.
"""

import pytest
from playwright.sync_api import expect

from nominations.campaign_data import load_campaign
from nominations.models import Role, State
from nominations.rules.credit_codes import check_character
from promotion import services
from promotion.models import Offer
from tests.browser.conftest import ARTIFACTS
from tests.conftest import CAMPAIGN_FILE
from tests.factories import (
    PASSWORD,
    MemberUnitFactory,
    NominationFactory,
    RecommendingUnitFactory,
    UserFactory,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "高灵敏量子传感芯片"
PHONE, EMAIL = "13912345678", "lianluo@example.com"
PARTNER_PASSWORD = "Kczg-Partner-2023!"


def _code(seed: str) -> str:
    return seed + check_character(seed)


@pytest.fixture
def year(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for old in ARTIFACTS.glob("promotion-*.png"):
        old.unlink()
    campaign = load_campaign(CAMPAIGN_FILE)
    tech = campaign.lists.get(code="tech")
    society = RecommendingUnitFactory(name="广东省科学技术协会", channel_codes=["provincial_cast"])
    member_unit = MemberUnitFactory(name="甲芯科技有限公司", recommending_unit=society)
    make_user(Role.MEMBER, "member", member_unit=member_unit)
    platform = make_user(Role.PLATFORM, "platform", display_name="平台秘书处")
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title=TITLE)
    # A second partner, approved, with an offer that matches too: it never gets the contact.
    other = UserFactory(username="vc-other")
    partner = services.apply_partner(
        user=other,
        name="乙创投基金",
        institution_type="vc",
        credit_code=_code("91110108MA01ABCDE"),
        licence_number="P1",
    )
    services.decide_partner(partner, platform, "approve")
    Offer.objects.create(
        partner=partner,
        product="科创股权基金",
        product_kind="equity",
        domains=["electronics"],
        stages=["growth"],
        ticket_band="5m-20m",
        created_at=partner.applied_at,
    )
    return campaign


class Shots:
    def __init__(self, page):
        self.page, self.n = page, 0

    def __call__(self, name):
        self.n += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"promotion-{self.n:02d}-{name}.png"), full_page=True)


def _as(page, login, username, password=PASSWORD):
    page.context.clear_cookies()
    login(page, username, password)


def test_promotion_walk(year, page, login):
    shot = Shots(page)

    # The listed member grants partner-level consent with the contact (released per request only).
    _as(page, login, "member")
    page.goto("/promotion/mine/")
    expect(page.get_by_text("尚未授权推介")).to_be_visible()
    page.get_by_role("link", name="授权推介").click()
    page.get_by_label("合作机构可见的扩展信息").check()
    page.select_option("#id_financing_need", "loan")
    page.select_option("#id_amount_band", "5m-20m")
    page.fill("#id_use_of_funds", "建设中试产线")
    page.select_option("#id_stage", "growth")
    page.fill("#id_contact_name", "王联络")
    page.fill("#id_contact_phone", PHONE)
    page.fill("#id_contact_email", EMAIL)
    shot("consent-form")
    page.get_by_role("button", name="保存授权").click()
    expect(page.get_by_test_id("consent-level")).to_have_text("合作机构可见的扩展信息")
    shot("consent-granted")

    # An anonymous visitor searches: the profile, never a contact.
    page.context.clear_cookies()
    page.goto("/promotion/?list=tech&region=广东")
    expect(page.get_by_test_id("promotion-results")).to_contain_text(TITLE)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    for secret in (PHONE, EMAIL, "王联络", "建设中试产线"):
        expect(page.locator("body")).not_to_contain_text(secret)
    shot("public-profile")

    # A bank applies: a wrong credit code is refused next to the field, then the right one.
    page.goto("/promotion/partners/apply/")
    page.fill("#id_name", "甲科技银行")
    page.select_option("#id_institution_type", "bank")
    page.fill("#id_credit_code", "91350100M000100Y40")
    page.fill("#id_licence_number", "B0001H244010001")
    page.fill("#id_staff_name", "赵经办")
    page.fill("#id_staff_position", "业务经理")
    page.fill("#id_email", "zhao@example.com")
    page.fill("#id_username", "bank-a")
    page.fill("#id_password", PARTNER_PASSWORD)
    page.get_by_label("我已阅读并签署上述保密承诺").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shot("apply-refused")
    page.fill("#id_credit_code", _code("91350100M000100Y4"))
    page.fill("#id_password", PARTNER_PASSWORD)
    page.get_by_label("我已阅读并签署上述保密承诺").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("applied")).to_contain_text("甲科技银行")

    # The platform approves it.
    _as(page, login, "platform")
    page.goto("/promotion/platform/")
    row = page.get_by_role("row").filter(has_text="甲科技银行")
    row.get_by_role("button", name="批准").click()
    expect(page.get_by_role("row").filter(has_text="甲科技银行")).to_contain_text("已批准")
    shot("platform-approved")

    # The bank publishes an offer and sees the match with its reasons; it sends a request.
    _as(page, login, "bank-a", PARTNER_PASSWORD)
    page.goto("/promotion/partner/offers/new/")
    page.fill("#id_product", "科创贷")
    page.select_option("#id_product_kind", "loan")
    page.fill("#id_domains", "electronics")
    page.select_option("#id_stages", ["growth"])
    page.select_option("#id_ticket_band", "5m-20m")
    page.get_by_role("button", name="发布").click()
    matches = page.get_by_test_id("matches")
    expect(matches).to_contain_text(TITLE)
    expect(matches).to_contain_text("领域相同")
    expect(matches).to_contain_text("融资阶段匹配")
    shot("partner-matches")
    matches.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("extended-profile")).to_contain_text("建设中试产线")
    expect(page.locator("body")).not_to_contain_text(PHONE)
    page.get_by_role("button", name="提出对接请求").click()
    expect(page.get_by_test_id("request-state")).to_have_text("对接请求：待平台审核")

    # A new partner's first request: the platform releases it.
    _as(page, login, "platform")
    page.goto("/promotion/platform/")
    page.get_by_role("button", name="放行").click()

    # The member accepts: only now the bank sees the contact.
    _as(page, login, "member")
    page.goto("/promotion/mine/")
    expect(page.locator("[data-testid^=request-]")).to_contain_text("甲科技银行（银行）：待回复")
    shot("member-request")
    page.get_by_role("button", name="接受并提供联系方式").click()
    expect(page.locator("body")).to_contain_text("已接受")
    expect(page.locator("body")).to_contain_text("科创股权基金")  # the member sees matching offers too
    profile_url = page.get_by_role("link", name="查看推介页").get_attribute("href")

    _as(page, login, "bank-a", PARTNER_PASSWORD)
    page.goto(profile_url)
    expect(page.get_by_test_id("contact")).to_contain_text(PHONE)
    shot("partner-contact")
    # The Word download: the bank's name and the time on every page, the contact (accepted) inside.
    with page.expect_download() as waiting:
        page.get_by_test_id("profile-docx").click()
    from docx import Document

    doc = Document(waiting.value.path())
    assert "仅供【甲科技银行】内部参阅" in doc.sections[0].header.paragraphs[0].text
    assert any(PHONE in cell.text for table in doc.tables for row in table.rows for cell in row.cells)

    # The second partner sees the extended profile, never the contact.
    user = UserFactory._meta.model.objects.get(username="vc-other")
    user.set_password(PARTNER_PASSWORD)
    user.save()
    _as(page, login, "vc-other", PARTNER_PASSWORD)
    page.goto(profile_url)
    expect(page.get_by_test_id("extended-profile")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(PHONE)
    expect(page.locator("body")).not_to_contain_text(EMAIL)
    shot("other-partner")

    # Revocation hides the profile again.
    _as(page, login, "member")
    page.goto("/promotion/mine/")
    page.get_by_role("button", name="撤回授权").click()
    expect(page.get_by_text("尚未授权推介")).to_be_visible()
    page.context.clear_cookies()
    response = page.goto(profile_url)
    assert response.status == 404
    page.goto("/promotion/")
    expect(page.get_by_test_id("promotion-results")).not_to_contain_text(TITLE)
    shot("revoked")
