"""Watermarked Word downloads for partners: a profile (the contact only after an accepted request) and a
定向推介 package (never a contact); each download logged; nobody else gets them."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

from promotion import services
from promotion.models import Package, PackageDelivery, ProfileView, PromotionSettings
from tests.promotion.helpers import CONTACT, login, make_partner

BEIJING = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2023, 12, 20, 10, 0, tzinfo=BEIJING)
pytestmark = pytest.mark.usefixtures("campaign")


@pytest.fixture(autouse=True)
def _at_moment(settings):
    settings.DEMO_CLOCK = False
    with time_machine.travel(MOMENT, tick=False):
        yield


def _text(content: bytes) -> tuple[list[str], list[str], str, str]:
    """Every header's and footer's text, the headers' XML and the body's text of a .docx answer."""
    doc = Document(BytesIO(content))
    headers = [p.text for s in doc.sections for p in s.header.paragraphs]
    footers = [p.text for s in doc.sections for p in s.footer.paragraphs]
    header_xml = "".join(s.header._element.xml for s in doc.sections)
    body = "\n".join(p.text for p in doc.paragraphs)
    body += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    return headers, footers, header_xml, body


def _has_contact(text: str) -> bool:
    return CONTACT["contact_phone"] in text or CONTACT["contact_email"] in text


WATERMARK = "仅供【甲银行】内部参阅 · 2023-12-20 10:00 下载 · 不得转发"


def test_a_profile_download_is_watermarked_and_holds_the_contact_only_after_acceptance(
    profile, member_user, platform_user
):

    PromotionSettings.objects.filter(campaign=profile.nomination.campaign).update(moderated_first=0)
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    c = login(staff)
    assert "下载 Word 文件" in c.get(f"/promotion/{profile.pk}/").content.decode()
    response = c.get(f"/promotion/{profile.pk}/docx/")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    headers, footers, header_xml, body = _text(response.content)
    assert WATERMARK in headers and WATERMARK in footers
    assert 'string="甲银行 2023-12-20 10:00"' in header_xml and "rotation:315" in header_xml
    assert "量子传感芯片" in body and "扩建产线" in body
    assert not _has_contact(body + "".join(headers + footers))
    assert ProfileView.objects.filter(partner=partner, downloaded=True, saw_contact=False).count() == 1

    services.answer_request(services.send_request(profile, staff, ""), member_user, accept=True)
    _, _, _, body = _text(c.get(f"/promotion/{profile.pk}/docx/").content)
    assert _has_contact(body) and CONTACT["contact_name"] in body
    assert ProfileView.objects.filter(partner=partner, downloaded=True, saw_contact=True).count() == 1


def test_others_get_no_profile_download(profile, member_user, platform_user, client):
    _, pending = make_partner("丙担保", "guar-c", "91440300MA5ABCDEF", platform_user, approve=False)
    _, other = make_partner("乙创投", "vc-b", "91110108MA01ABCDE", platform_user)
    url = f"/promotion/{profile.pk}/docx/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert login(pending).get(url).status_code == 403
    assert login(member_user).get(url).status_code == 403
    assert login(platform_user).get(url).status_code == 403
    assert "下载 Word 文件" not in client.get(f"/promotion/{profile.pk}/").content.decode()
    # A second approved partner may download the profile, never the first one's contact.
    PromotionSettings.objects.filter(campaign=profile.nomination.campaign).update(moderated_first=0)
    _, first = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    services.answer_request(services.send_request(profile, first, ""), member_user, accept=True)
    _, _, _, body = _text(login(other).get(url).content)
    assert not _has_contact(body)


def test_a_package_download_never_holds_a_contact(profile, member_user, platform_user, client):
    PromotionSettings.objects.filter(campaign=profile.nomination.campaign).update(moderated_first=0)
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_user)
    _, other = make_partner("乙创投", "vc-b", "91110108MA01ABCDE", platform_user)
    services.answer_request(services.send_request(profile, staff, ""), member_user, accept=True)
    partner.refresh_from_db()
    package = services.create_package(platform_user, "先导技术榜 · 电子信息", [profile], [partner])
    c = login(staff)
    assert "下载 Word 文件" in c.get(f"/promotion/partner/packages/{package.pk}/").content.decode()
    response = c.get(f"/promotion/partner/packages/{package.pk}/docx/")
    assert response.status_code == 200
    headers, footers, header_xml, body = _text(response.content)
    assert WATERMARK in headers and WATERMARK in footers and 'string="甲银行 2023-12-20 10:00"' in header_xml
    assert "定向推介：先导技术榜 · 电子信息" in body and "量子传感芯片" in body and "扩建产线" in body
    assert not _has_contact(body) and CONTACT["contact_name"] not in body  # even with an accepted request
    assert ProfileView.objects.filter(partner=partner, downloaded=True, saw_contact=False).count() == 1
    assert PackageDelivery.objects.get(package=package).opened_at is not None

    url = f"/promotion/partner/packages/{package.pk}/docx/"
    assert login(other).get(url).status_code == 404  # not sent to the second partner
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert login(member_user).get(url).status_code == 403
    assert login(staff).get(f"/promotion/partner/packages/{Package.objects.count() + 99}/docx/").status_code == 404
