"""The promotion side of the demo: a 2022 archive with published entries, consents, two approved partners
with log-ins and offers; the 2023 demo unchanged."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from nominations.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from nominations.models import Campaign, Nomination, State
from promotion.demo import ENTRIES
from promotion.models import ConsentLevel, InterestRequest, ListedProfile, Offer, Partner, PartnerState, RequestState

pytestmark = pytest.mark.django_db

TITLES = [title for _, _, title, _, _ in ENTRIES]
CONTACTS = ["010-00000001", "xingheng-demo@example.org", "0571-00000002", "qinghe-demo@example.org"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return load_demo()


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_archive_is_published_and_the_2023_demo_stays_current(demo, client):
    assert Campaign.objects.active().year == 2023 and demo["campaign"].year == 2023
    archive = Campaign.objects.get(year=2022)
    assert not archive.is_active
    published = Nomination.objects.filter(campaign=archive, state=State.PUBLISHED)
    assert sorted(published.values_list("title", flat=True)) == sorted(TITLES)
    assert set(published.values_list("member_unit__name", flat=True)) == {
        "北京星衡智能科技有限公司",
        "杭州青禾生物医药有限公司",
    }
    assert not Nomination.objects.filter(campaign=demo["campaign"], state=State.PUBLISHED).exists()
    page = client.get("/published/2022/").content.decode()
    assert all(title in page for title in TITLES)
    assert client.get("/published/2023/").status_code == 404


def test_consents_of_every_level_and_none(demo):
    levels = {
        p.nomination.title: (c.level if (c := p.live_consent()) else None)
        for p in ListedProfile.objects.select_related("nomination")
    }
    assert levels == {
        "工业设备预测性维护边缘智能系统": ConsentLevel.PARTNERS,
        "mRNA疫苗冻干制剂稳定化技术": ConsentLevel.PUBLIC,
        "农林废弃物制备生物基材料技术": ConsentLevel.CONTACT,
    }
    extended = ListedProfile.objects.get(nomination__title="工业设备预测性维护边缘智能系统").live_consent()
    assert (extended.financing_need, extended.amount_band, extended.stage) == ("loan", "5m-20m", "growth")
    assert extended.has_contact


def test_two_approved_partners_log_in(demo):
    rows = {p.name: p for p in Partner.objects.prefetch_related("staff", "offers")}
    bank, vc = rows["京华科创银行股份有限公司"], rows["苏州恒岳创业投资管理有限公司"]
    assert (bank.institution_type, vc.institution_type) == ("bank", "vc")
    assert bank.state == vc.state == PartnerState.APPROVED
    assert [u.username for u in bank.staff.all()] == ["partner"]
    assert [u.username for u in vc.staff.all()] == ["partner2"]
    assert Offer.objects.filter(partner=bank).count() == 2 and Offer.objects.filter(partner=vc).count() == 1
    for username in ("partner", "partner2"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
        assert username in [row[0] for row in DEMO_LOGINS]
    [waiting] = InterestRequest.objects.all()
    assert waiting.partner == vc and waiting.state == RequestState.MODERATION


def test_the_bank_sees_its_matches_with_reasons(demo):
    page = logged_in("partner").get("/promotion/partner/").content.decode()
    assert "工业设备预测性维护边缘智能系统" in page
    for reason in ("领域相同", "融资阶段匹配", "需求与产品一致", "金额在单笔区间内"):
        assert reason in page
    assert "mRNA疫苗冻干制剂稳定化技术" not in page  # a public summary only: not offered to partners


def test_anonymous_search_shows_the_public_profiles_without_contact(demo, client):
    page = client.get("/promotion/").content.decode()
    assert "mRNA疫苗冻干制剂稳定化技术" in page and "工业设备预测性维护边缘智能系统" in page
    assert "协作机器人高精度力控关节模组" not in page  # no consent
    pages = [page] + [client.get(f"/promotion/{p.pk}/").content.decode() for p in ListedProfile.objects.all()]
    assert not any(contact in html for html in pages for contact in CONTACTS)


def test_the_members_see_their_listed_entries(demo):
    page = logged_in("member").get("/promotion/mine/").content.decode()
    assert "工业设备预测性维护边缘智能系统" in page and "协作机器人高精度力控关节模组" in page
    assert "科创积分贷" in page  # a matching offer of the bank


def test_loading_twice_adds_no_promotion_rows(demo):
    counts = [m.objects.count() for m in (ListedProfile, Partner, Offer, InterestRequest, Campaign, Nomination)]
    again = load_demo()
    assert [m.objects.count() for m in (ListedProfile, Partner, Offer, InterestRequest, Campaign, Nomination)] == counts
    assert again["users"] == {"created": 0, "updated": 0}
