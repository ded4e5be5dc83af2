"""Batch actions: a preview per entry, then all or nothing."""

from django.urls import reverse

from nominations import batch
from nominations.models import AuditEvent, State


def test_preview_changes_nothing_and_lists_each_entry(client, secretariat_user, make_nomination):
    entries = [make_nomination() for _ in range(3)]
    client.force_login(secretariat_user)
    response = client.post(reverse("secretariat:batch"), {"action": "accept", "ids": [e.pk for e in entries]})
    html = response.content.decode()
    assert "批量受理：预览" in html
    for entry in entries:
        assert entry.title in html
        entry.refresh_from_db()
        assert entry.state == State.SUBMITTED
    assert "确认受理 3 项" in html
    response = client.post(
        reverse("secretariat:batch"), {"action": "accept", "ids": [e.pk for e in entries], "apply": "1"}, follow=True
    )
    assert "已批量受理 3 项申报" in response.content.decode()
    assert all(e.state == State.ACCEPTED for e in (type(entries[0]).objects.filter(pk__in=[e.pk for e in entries])))
    assert AuditEvent.objects.filter(verb="accept").count() == 3


def test_batch_over_quota_changes_nothing_and_says_why(client, secretariat_user, make_nomination):
    for _ in range(5):
        make_nomination(state=State.RECOMMENDED)
    candidates = [make_nomination(state=State.ACCEPTED) for _ in range(2)]
    ids = [e.pk for e in candidates]
    client.force_login(secretariat_user)
    message = "先导技术榜“电子信息”领域名额 6，已推荐 5，本批再推荐 2 将超出"
    preview = client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": ids}).content.decode()
    assert message in preview
    assert "batch-apply" not in preview
    applied = client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": ids, "apply": "1"})
    html = applied.content.decode()
    assert message in html
    assert "本批操作未执行" in html
    for entry in candidates:
        entry.refresh_from_db()
        assert entry.state == State.ACCEPTED
    assert not AuditEvent.objects.filter(verb="recommend").exists()


def test_batch_with_one_unfit_entry_applies_to_none(secretariat_user, make_nomination):
    fit = [make_nomination() for _ in range(2)]
    unfit = make_nomination(state=State.RECOMMENDED)
    try:
        batch.apply(secretariat_user, "accept", [e.pk for e in [*fit, unfit]])
    except batch.BatchRefused as refused:
        result = refused.result
    else:
        raise AssertionError("the batch should be refused")
    assert [item.ok for item in result.items].count(False) == 1
    assert "当前状态为“已推荐”，不能受理" in next(i.decision.reason for i in result.items if not i.ok)
    for entry in fit:
        entry.refresh_from_db()
        assert entry.state == State.SUBMITTED


def test_batch_is_all_or_nothing_when_a_transition_fails_midway(secretariat_user, make_nomination, monkeypatch):
    entries = [make_nomination() for _ in range(3)]
    from nominations import workflow

    real = workflow.transition
    calls = []

    def flaky(nomination, action, user, **kwargs):
        calls.append(nomination.pk)
        if len(calls) == 3:
            raise workflow.WorkflowError(workflow.Decision.deny("模拟失败"))
        return real(nomination, action, user, **kwargs)

    monkeypatch.setattr(workflow, "transition", flaky)
    try:
        batch.apply(secretariat_user, "accept", [e.pk for e in entries])
    except batch.BatchRefused:
        pass
    else:
        raise AssertionError("expected BatchRefused")
    for entry in entries:
        entry.refresh_from_db()
        assert entry.state == State.SUBMITTED
    assert not AuditEvent.objects.exists()


def test_batch_return_needs_a_comment(secretariat_user, make_nomination):
    entry = make_nomination()
    result = batch.preview(secretariat_user, "return", [entry.pk], note="")
    assert not result.ok
    assert result.items[0].decision.reason == "请填写退回意见。"
    result = batch.apply(secretariat_user, "return", [entry.pk], note="材料不全")
    assert result.applied
    entry.refresh_from_db()
    assert entry.state == State.RETURNED


def test_batch_recommend_within_quota(secretariat_user, make_nomination, enterprise):
    entries = [make_nomination(state=State.ACCEPTED) for _ in range(6)]
    result = batch.apply(secretariat_user, "recommend", [e.pk for e in entries])
    assert result.applied
    assert all(item.ok for item in result.items)
