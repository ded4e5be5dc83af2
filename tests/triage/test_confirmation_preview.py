"""The confirmation preview: per list (and domain) recommended / quota / unhandled with links to the
inbox, what confirming will do, and a second click; refused confirmations show a disabled button."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from nominations import workflow
from nominations.models import Domain, Participation, State
from nominations.queries import confirmation as pages
from tests.triage.conftest import AFTER_PLATFORM_DEADLINE

CONSEQUENCE = "项申报将标记为“未获推荐”并通知会员单位；确认后推荐结果锁定，如需修改须由平台秘书处重新开放"
BUTTON = "确认向平台提交推荐结果"


def _row(page: str, key: str) -> str:
    return page.split(f'data-row="{key}"')[1].split("</tr>")[0]


def _cell(row: str, name: str) -> str:
    return re.search(rf'data-cell="{name}">(.*?)</td>', row, re.S).group(1)


@pytest.fixture
def entries(make_nomination, tech, biomedicine, enterprise):
    make_nomination(state=State.RECOMMENDED)
    make_nomination(state=State.ACCEPTED)
    make_nomination(state=State.ACCEPTED)
    make_nomination(state=State.SUBMITTED, domain=biomedicine)
    make_nomination(state=State.RETURNED, ranking_list=enterprise, domain=None)
    make_nomination(state=State.DRAFT)  # a member's draft: never counted, never touched


def test_the_preview_shows_the_numbers_links_and_what_will_happen(
    client, secretariat_user, society, campaign, tech, electronics, biomedicine, enterprise, entries
):
    client.force_login(secretariat_user)
    dashboard = client.get(reverse("secretariat:dashboard")).content.decode()
    assert f'href="{reverse("secretariat:confirm")}" data-testid="confirm-link">确认推荐结果…</a>' in dashboard

    response = client.get(reverse("secretariat:confirm"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>确认推荐结果 · 预览 · 中国技术经济学会" in page
    assert "<caption" in page and "先导技术榜</caption>" in page and f"{enterprise.name}</caption>" in page
    row = _row(page, "tech-electronics")
    assert "电子信息" in row
    assert (_cell(row, "recommended"), _cell(row, "quota")) == ("1", "6")
    assert ">2</a>" in _cell(row, "accepted") and _cell(row, "submitted") == "0"
    link = re.search(r'href="([^"]+)"', _cell(row, "accepted")).group(1).replace("&amp;", "&")
    url = urlsplit(link)
    assert url.path == reverse("secretariat:inbox")
    expected = {"state": ["accepted"], "ranking_list": [str(tech.pk)], "domain": [str(electronics.pk)]}
    assert parse_qs(url.query) == expected
    # The link opens the inbox with exactly those entries.
    listed = client.get(link).context["page"].object_list
    assert [(e.state, e.domain_id) for e in listed] == [(State.ACCEPTED, electronics.pk)] * 2
    assert ">1</a>" in _cell(_row(page, "tech-biomedicine"), "submitted")
    enterprise_row = _row(page, enterprise.code)
    assert ">1</a>" in _cell(enterprise_row, "returned")
    assert "domain=" not in _cell(enterprise_row, "returned")
    assert f"4 {CONSEQUENCE}" in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert f'data-testid="confirm-button">{BUTTON}</button>' in page


def test_post_without_confirm_shows_the_preview_and_changes_nothing(client, secretariat_user, society, entries):
    client.force_login(secretariat_user)
    response = client.post(reverse("secretariat:confirm"))
    assert response.status_code == 200
    assert CONSEQUENCE in response.content.decode()
    response = client.post(reverse("secretariat:confirm"), {"confirm": "是"})
    assert response.status_code == 400
    assert "提交的内容有误，请核对预览后重新确认。" in response.content.decode()
    assert not Participation.objects.exclude(confirmed_at=None).exists()
    assert not workflow.Nomination.objects.filter(state=State.NOT_RECOMMENDED).exists()


def test_confirming_then_the_dashboard_says_when_and_by_whom(client, secretariat_user, society, entries):
    client.force_login(secretariat_user)
    response = client.post(reverse("secretariat:confirm"), {"confirm": "1"}, follow=True)
    page = response.content.decode()
    assert "已向平台确认本单位的推荐结果" in page
    card = page.split('data-testid="confirmation"')[1]
    assert "已确认</strong>：2023年11月25日 10:00，确认人" in card
    assert workflow.Nomination.objects.filter(state=State.NOT_RECOMMENDED).count() == 4
    assert workflow.Nomination.objects.filter(state=State.DRAFT).count() == 1
    # The preview now says it is confirmed; the button cannot succeed and says why.
    page = client.get(reverse("secretariat:confirm")).content.decode()
    assert "本单位已于 2023年11月25日 10:00 确认推荐结果" in page
    assert 'disabled aria-describedby="confirm-refused" title="本单位已确认推荐结果。"' in page
    # Not recommended entries are shown in the inbox under their state.
    inbox = client.get(reverse("secretariat:inbox"), {"state": "not_recommended"})
    assert len(inbox.context["page"].object_list) == 4


def test_after_the_platform_deadline_the_button_is_disabled_with_the_reason(
    client, secretariat_user, entries, _frozen_in_collection
):
    _frozen_in_collection.move_to(AFTER_PLATFORM_DEADLINE)
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:confirm")).content.decode()
    button = page.split('data-testid="confirm-button"')[1].split("</button>")[0]
    assert " disabled " in button and 'title="平台申报截止时间已过' in button
    assert '<span id="confirm-refused"' in page
    response = client.post(reverse("secretariat:confirm"), {"confirm": "1"})
    assert response.status_code == 403
    assert "不能确认：平台申报截止时间已过" in response.content.decode()
    assert not Participation.objects.exclude(confirmed_at=None).exists()


def test_unhandled_columns_are_what_confirmation_marks():
    assert set(pages.UNHANDLED_STATES) == workflow.TRANSITIONS["not_recommend"].sources


def test_the_preview_has_a_bounded_number_of_queries(
    client, secretariat_user, make_nomination, tech, enterprise, django_assert_max_num_queries
):
    client.force_login(secretariat_user)
    for domain in Domain.objects.filter(ranking_list=tech):
        make_nomination(state=State.ACCEPTED, domain=domain)
    client.get(reverse("secretariat:confirm"))
    for domain in Domain.objects.filter(ranking_list=tech):
        make_nomination(state=State.SUBMITTED, domain=domain)
        make_nomination(state=State.RECOMMENDED, domain=domain)
    for _ in range(5):
        make_nomination(state=State.RETURNED, ranking_list=enterprise, domain=None)
    # 20 for the tables; 8 for the 汇总表 and 签字盖章 section and its confirmation check (constant).
    with django_assert_max_num_queries(28):
        assert client.get(reverse("secretariat:confirm")).status_code == 200
