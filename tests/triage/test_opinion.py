"""推荐意见: the secretariat writes it on the entry page (limit in 字 per list, audited), recommending needs
it (entry page, inbox row, batch), it is locked after the platform deadline and after confirmation, and a
pioneer's 推举 needs none."""

import pytest
import time_machine
from django.urls import reverse

from nominations import batch, confirmation, workflow
from nominations.models import AuditEvent, State
from tests.factories import NominationFactory
from tests.triage.conftest import AFTER_PLATFORM_DEADLINE

MISSING = "请先填写推荐意见（不超过 600 字）。"
OPINION = "该项目在量子传感芯片方向技术领先，\n成果已在多家企业应用，同意推荐。"


def _page(client, entry):
    return client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()


def _write(client, entry, text, **kwargs):
    return client.post(reverse("secretariat:opinion", args=[entry.pk]), {"opinion": text}, **kwargs)


def test_secretariat_writes_the_opinion_then_recommends(client, secretariat_user, make_nomination):
    entry = make_nomination(state=State.ACCEPTED, opinion="", title="量子传感芯片")
    client.force_login(secretariat_user)
    html = _page(client, entry)
    assert "推荐意见" in html and 'name="opinion"' in html and "保存推荐意见" in html
    # 推荐 cannot succeed yet: disabled, with the reason.
    assert MISSING in html
    assert not workflow.check_button(entry, "recommend", secretariat_user)
    response = client.post(reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "recommend"})
    assert response.status_code == 403 and MISSING in response.content.decode()

    response = _write(client, entry, OPINION, follow=True)
    html = response.content.decode()
    assert "已保存推荐意见" in html
    entry.refresh_from_db()
    assert entry.opinion == OPINION.strip()
    assert entry.opinion_by == secretariat_user and entry.opinion_at is not None
    event = AuditEvent.objects.get(verb="opinion", nomination=entry)
    assert event.actor == secretariat_user and "同意推荐" in event.note
    assert "填写推荐意见" in html  # the history names the step
    assert MISSING not in html

    client.post(reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "recommend"})
    entry.refresh_from_db()
    assert entry.state == State.RECOMMENDED
    # Still editable while recommended and before confirmation.
    _write(client, entry, "修改后的推荐意见。")
    entry.refresh_from_db()
    assert entry.opinion == "修改后的推荐意见。"


def test_limit_counts_zi_and_keeps_the_text(client, secretariat_user, make_nomination, tech):
    tech.opinion_max_chars = 10
    tech.save()
    entry = make_nomination(state=State.ACCEPTED, opinion="")
    client.force_login(secretariat_user)
    # Spaces and line breaks are free: ten 字 pass.
    assert _write(client, entry, "一二三 四五\n六七八九十").status_code == 302
    too_long = "一二三四五六七八九十一"
    response = _write(client, entry, too_long)
    html = response.content.decode()
    assert response.status_code == 400
    assert "推荐意见不超过 10 字（不计空格和换行），当前 11 字，请精简 1 字。" in html
    assert 'data-testid="field-error"' in html
    assert too_long in html  # the text is kept in the field
    entry.refresh_from_db()
    assert entry.opinion == "一二三 四五\n六七八九十"
    response = _write(client, entry, "   ")
    assert response.status_code == 400 and "请填写推荐意见。" in response.content.decode()
    # The page tells the list's own limit.
    assert "不超过 10 字" in _page(client, entry)


def test_refused_outside_its_states_after_deadline_and_confirmation(
    client, secretariat_user, other_secretariat_user, make_nomination, society, campaign
):
    submitted = make_nomination(opinion="")
    client.force_login(secretariat_user)
    response = _write(client, submitted, OPINION)
    assert response.status_code == 403
    assert "当前状态为“已提交”，不能填写推荐意见。" in response.content.decode()
    assert 'name="opinion"' not in _page(client, submitted)

    accepted = make_nomination(state=State.ACCEPTED, opinion="")
    client.force_login(other_secretariat_user)
    assert _write(client, accepted, OPINION).status_code == 404

    recommended = make_nomination(state=State.RECOMMENDED)
    client.force_login(secretariat_user)
    confirmation.confirm(secretariat_user, society, campaign)
    response = _write(client, recommended, "确认后再改。")
    assert response.status_code == 403
    assert workflow.CONFIRMED_LOCK_REASON in response.content.decode()
    html = _page(client, recommended)
    assert 'name="opinion"' not in html and recommended.opinion in html
    recommended.refresh_from_db()
    assert recommended.opinion != "确认后再改。"
    assert not AuditEvent.objects.filter(verb="opinion").exists()


def test_refused_after_the_platform_deadline(client, secretariat_user, make_nomination):
    entry = make_nomination(state=State.ACCEPTED, opinion="")
    with time_machine.travel(AFTER_PLATFORM_DEADLINE, tick=False):
        client.force_login(secretariat_user)
        response = _write(client, entry, OPINION)
        assert response.status_code == 403
        assert "截止" in response.content.decode()
    entry.refresh_from_db()
    assert entry.opinion == ""


def test_inbox_row_and_batch_refuse_entries_without_opinion(client, secretariat_user, make_nomination):
    with_opinion = make_nomination(state=State.ACCEPTED, title="有意见的申报")
    without = make_nomination(state=State.ACCEPTED, opinion="", title="没有意见的申报")
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:inbox")).content.decode()
    # One row's 推荐 is enabled, the other's disabled with the reason (same list, same quota).
    assert MISSING in html
    assert f'data-testid="row-{with_opinion.pk}-recommend">推荐</button>' in html
    assert f'data-testid="row-{without.pk}-recommend" disabled aria-disabled="true" title="{MISSING}"' in html

    result = batch.preview(secretariat_user, "recommend", [with_opinion.pk, without.pk])
    refused = {item.nomination.pk: item.decision.reason for item in result.refused}
    assert refused == {without.pk: MISSING}
    response = client.post(
        reverse("secretariat:batch"), {"action": "recommend", "ids": [with_opinion.pk, without.pk], "apply": "1"}
    )
    assert MISSING in response.content.decode()
    with_opinion.refresh_from_db()
    assert with_opinion.state == State.ACCEPTED


def test_pioneer_recommends_without_opinion(pioneer_user, manager):
    entry = NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer_user.profile.pioneer)
    assert entry.opinion == ""
    workflow.transition(entry, "pioneer_recommend", pioneer_user)
    assert entry.state == State.RECOMMENDED


@pytest.mark.parametrize("who", ["secretariat", "member"])
def test_entry_pages_offer_the_word_form(client, who, secretariat_user, member_user, make_nomination):
    entry = make_nomination(state=State.ACCEPTED)
    client.force_login(secretariat_user if who == "secretariat" else member_user)
    url = reverse("secretariat:nomination" if who == "secretariat" else "member:detail", args=[entry.pk])
    html = client.get(url).content.decode()
    assert "下载申报书（Word）" in html
    assert reverse("exports:nomination_docx", args=[entry.pk]) in html
