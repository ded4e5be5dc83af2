"""The earlier-listed warning reads the same on every page; an override is recorded exactly once."""

import pytest
from django.urls import reverse

from nominations import batch
from nominations.models import AuditEvent, EarlierListedItem, ListCode, State

WARNING = "疑似已入选2022年先导技术榜（“柔性电子多维感知及应用”，清华大学），原则上不再推荐。"
REASON_NEEDED = "如确需推荐，须在申报页面填写仍推荐的理由，理由将记入操作记录。"
OLD_WORDINGS = ("疑似历年入榜项目:", "该项目疑似已入选 ", "原则上不再推荐;", ">历年入榜<", "仍推荐。理由:")


@pytest.fixture
def item(campaign):
    return EarlierListedItem.objects.create(
        year=2022, list_code=ListCode.TECH, name="柔性电子多维感知及应用", unit="清华大学"
    )


@pytest.fixture
def flagged(make_nomination, item):
    return make_nomination(state=State.ACCEPTED, title="柔性电子多维感知及应用", earlier_listed=item)


def _page(client, name, *args, **get):
    response = client.get(reverse(name, args=args), get)
    assert response.status_code == 200
    html = response.content.decode()
    for old in OLD_WORDINGS:
        assert old not in html
    return html


def test_the_secretariat_entry_page_and_the_inbox_show_the_one_wording(client, secretariat_user, flagged):
    client.force_login(secretariat_user)
    entry = _page(client, "secretariat:nomination", flagged.pk)
    assert WARNING + REASON_NEEDED in entry
    assert "疑似历年入榜" in entry
    inbox = _page(client, "secretariat:inbox")
    assert f'title="{WARNING}">疑似历年入榜</span>' in inbox


def test_the_member_pages_show_the_one_wording(client, member_user, flagged):
    client.force_login(member_user)
    detail = _page(client, "member:detail", flagged.pk)
    assert f"疑似历年入榜：</strong>{WARNING}" in detail
    dashboard = _page(client, "member:dashboard")
    assert f'title="{WARNING}">疑似历年入榜</span>' in dashboard


def test_the_batch_preview_refuses_a_flagged_entry_in_the_one_wording(
    client, secretariat_user, flagged, make_nomination
):
    plain = make_nomination(state=State.ACCEPTED, title="另一项技术")
    client.force_login(secretariat_user)
    response = client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": [flagged.pk, plain.pk]})
    html = response.content.decode()
    assert f"<td>{WARNING}{REASON_NEEDED}</td>" in html
    assert "batch-apply" not in html
    for old in OLD_WORDINGS:
        assert old not in html
    result = batch.preview(secretariat_user, "recommend", [flagged.pk, plain.pk])
    assert {i.nomination.pk: i.decision.reason for i in result.items} == {
        flagged.pk: WARNING + REASON_NEEDED,
        plain.pk: "",
    }


def test_one_audit_record_per_override_from_the_entry_page(client, secretariat_user, flagged):
    client.force_login(secretariat_user)
    url = reverse("secretariat:nomination_action", args=[flagged.pk])
    client.post(url, {"action": "recommend", "override_reason": "技术已迭代到第二代。"})
    flagged.refresh_from_db()
    assert flagged.state == State.RECOMMENDED
    records = AuditEvent.objects.filter(nomination=flagged, note__contains="技术已迭代到第二代")
    assert [(r.verb, r.note) for r in records] == [
        ("recommend", f"历年入榜仍推荐：{WARNING}理由：技术已迭代到第二代。")
    ]


def test_one_audit_record_per_override_in_a_batch(client, secretariat_user, flagged, make_nomination):
    # The reason was given on the entry page before (recommended, then taken back): the batch may
    # recommend it again, and the workflow records that override once, with the stored reason.
    flagged.override_reason = "已核实：技术已迭代到第二代。"
    flagged.save(update_fields=["override_reason"])
    plain = make_nomination(state=State.ACCEPTED, title="另一项技术")
    client.force_login(secretariat_user)
    ids = [flagged.pk, plain.pk]
    preview = client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": ids}).content.decode()
    assert "确认推荐 2 项" in preview
    client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": ids, "apply": "1"})
    flagged.refresh_from_db()
    plain.refresh_from_db()
    assert flagged.state == plain.state == State.RECOMMENDED
    overrides = AuditEvent.objects.filter(note__contains="历年入榜仍推荐")
    assert [(r.nomination_id, r.verb, r.note) for r in overrides] == [
        (flagged.pk, "recommend", f"历年入榜仍推荐：{WARNING}理由：已核实：技术已迭代到第二代。")
    ]
    assert AuditEvent.objects.get(nomination=plain, verb="recommend").note == ""
    assert not AuditEvent.objects.filter(verb="override").exists()
