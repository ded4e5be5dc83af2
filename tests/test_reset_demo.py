"""``reset_demo``: the demo starts over — its initial data again, the clock at its start — and only
where the demo clock is on, outside production, after a confirmation."""

import io
import sys
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from kczg_site import clock
from nominations import workflow
from nominations.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from nominations.models import AuditEvent, Nomination, Role, State
from tests.factories import make_user

# transaction=True: the reset flushes the tables (TRUNCATE on PostgreSQL), which must open its own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_CLOCK = True
    settings.DEMO_CLOCK_START = "2023-11-15T10:00:00+08:00"
    clock.forget()
    yield
    clock.forget()


def snapshot():
    """What a user of the demo notices: the rows of every table, the entries and their states, the log-ins."""
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in {"nominations", "reviews", "auth", "kczg_site"}
    }
    entries = sorted(Nomination.objects.values_list("title", "state", "member_unit__name"))
    users = sorted(get_user_model().objects.values_list("username", "profile__role"))
    return counts, entries, users


def change_everything():
    """A walk through part of the year: the clock moves, entries change state, a stranger appears."""
    secretariat = get_user_model().objects.get(username="secretariat")
    submitted = Nomination.objects.filter(state=State.SUBMITTED, member_unit__name="北京星衡智能科技有限公司").first()
    workflow.transition(submitted, "accept", secretariat)
    draft = Nomination.objects.filter(state=State.DRAFT).first()
    Nomination.objects.filter(pk=draft.pk).update(title="演示中改过的标题")
    make_user(Role.EXPERT, "stranger")
    get_user_model().objects.filter(username="expert").update(is_active=False)
    clock.set_demo_time(clock.demo_start() + timedelta(days=40))


def test_reset_demo_brings_back_the_initial_state_and_the_clock():
    load_demo()
    clock.set_demo_time(clock.demo_start())
    initial = snapshot()
    change_everything()
    assert snapshot() != initial
    assert clock.now() > clock.demo_start() + timedelta(days=39)

    out = io.StringIO()
    call_command("reset_demo", "--yes", stdout=out)

    assert snapshot() == initial
    assert not get_user_model().objects.filter(username="stranger").exists()
    assert get_user_model().objects.get(username="expert").is_active
    assert clock.demo_start() <= clock.now() < clock.demo_start() + timedelta(minutes=1)
    assert not AuditEvent.objects.filter(verb="accept", nomination__title="多模态遥感影像智能解译技术").exists()
    platform = get_user_model().objects.get(username="platform")
    assert platform.groups.filter(pk=Group.objects.get(name="平台秘书处").pk).exists()
    text = out.getvalue()
    assert "演示时钟已回到起点" in text
    assert text.count(DEMO_PASSWORD) == len(DEMO_LOGINS)


def test_reset_demo_on_an_empty_database_loads_the_demo():
    call_command("reset_demo", "--yes", stdout=io.StringIO())
    assert get_user_model().objects.count() == len(DEMO_LOGINS)
    assert Nomination.objects.filter(state=State.RECOMMENDED).exists()


def test_the_attachments_files_are_deleted():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from nominations.models import Attachment

    load_demo()
    name = default_storage.save("attachments/2023/demo/evidence", ContentFile(b"%PDF-1.4 demo"))
    member = get_user_model().objects.get(username="member")
    Attachment.objects.create(
        nomination=Nomination.objects.filter(member_unit=member.profile.member_unit).first(),
        file=name,
        original_name="证明材料.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=member,
        uploaded_at=clock.now(),
    )
    assert default_storage.exists(name)
    call_command("reset_demo", "--yes", stdout=io.StringIO())
    assert not default_storage.exists(name)
    assert not Attachment.objects.exists()


def test_refused_without_the_demo_clock(settings):
    load_demo()
    before = snapshot()
    settings.DEMO_CLOCK = False
    with pytest.raises(CommandError, match="演示时钟未启用"):
        call_command("reset_demo", "--yes", stdout=io.StringIO())
    assert snapshot() == before


def test_refused_in_production(settings):
    load_demo()
    before = snapshot()
    settings.ENVIRONMENT = "production"
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("reset_demo", "--yes", stdout=io.StringIO())
    assert snapshot() == before


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_without_yes_it_asks_and_a_no_changes_nothing(monkeypatch):
    load_demo()
    get_user_model().objects.filter(username="member").update(is_active=False)
    before = snapshot()
    with pytest.raises(CommandError, match="--yes"):
        call_command("reset_demo", stdout=io.StringIO())  # no terminal to ask on
    assert snapshot() == before

    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    out = io.StringIO()
    call_command("reset_demo", stdout=out)
    assert "已取消，数据未改动。" in out.getvalue()
    assert "输入 yes 继续" in questions[0]
    assert snapshot() == before

    monkeypatch.setattr("builtins.input", lambda question: "yes")
    call_command("reset_demo", stdout=io.StringIO())
    assert get_user_model().objects.get(username="member").is_active
