"""Demo entries: every list, several states, made through the workflow, idempotent."""

import pytest

from nominations.demo import load_demo
from nominations.models import AuditEvent, ListCode, Nomination, State

pytestmark = pytest.mark.django_db


def test_demo_entries_cover_lists_and_states():
    summary = load_demo()
    assert summary["entries_created"] >= 10
    entries = Nomination.objects.all()
    assert set(entries.values_list("ranking_list__code", flat=True)) == set(ListCode.values)
    states = set(entries.values_list("state", flat=True))
    assert {"draft", "submitted", "returned", "accepted", "declined", "recommended"} <= states
    returned = entries.get(state=State.RETURNED)
    assert AuditEvent.objects.filter(nomination=returned, verb="return").exclude(note="").exists()
    assert entries.filter(pioneer__isnull=False, member_unit=None).exists()
    assert entries.exclude(earlier_listed=None).exists()
    assert {e.member_unit.name for e in entries if e.member_unit} >= {"北京星衡智能科技有限公司"}

    again = load_demo()
    assert again["entries_created"] == 0
    assert Nomination.objects.count() == entries.count()
