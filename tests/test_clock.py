"""The one clock: the server's time (frozen here with time-machine) or, with DEMO_CLOCK, a demo clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from kczg_site import clock
from nominations.models import DemoClock

BEIJING = ZoneInfo("Asia/Shanghai")
START = datetime(2023, 11, 15, 10, tzinfo=BEIJING)


@pytest.fixture
def demo(settings, db):
    settings.DEMO_CLOCK = True
    settings.DEMO_CLOCK_START = "2023-11-15T10:00:00+08:00"
    clock.forget()
    yield
    clock.forget()


def test_without_the_demo_clock_now_is_the_server_time(db):
    moment = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert not clock.demo_clock_enabled()
        assert clock.now() == timezone.now() == moment
        assert clock.localnow().tzinfo is not None
        assert clock.localnow().hour == 16
        assert clock.offset_for_display() is None
    assert not DemoClock.objects.exists()


def test_set_demo_time_refuses_without_the_demo_clock(db):
    with pytest.raises(RuntimeError):
        clock.set_demo_time(START)


def test_the_demo_clock_starts_at_the_start(demo):
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        assert clock.now() == START
        assert clock.localnow() == START
        assert clock.localnow().utcoffset() == timedelta(hours=8)
    assert DemoClock.objects.count() == 1


def test_the_demo_clock_advances_with_real_time(demo):
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        assert clock.now() == START
    clock.forget()
    with time_machine.travel(real + timedelta(minutes=90), tick=False):
        assert clock.now() == START + timedelta(minutes=90)


def test_the_demo_clock_ticks(demo):
    first = clock.now()
    later = clock.now()
    assert START - timedelta(seconds=5) < first <= later < START + timedelta(minutes=1)


def test_set_demo_time_moves_it(demo):
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    target = datetime(2023, 11, 20, 16, 55, tzinfo=BEIJING)
    with time_machine.travel(real, tick=False):
        clock.set_demo_time(target)
        assert clock.now() == target
    with time_machine.travel(real + timedelta(minutes=5), tick=False):
        clock.forget()
        assert clock.now() == datetime(2023, 11, 20, 17, tzinfo=BEIJING)
    assert DemoClock.objects.count() == 1


def test_a_naive_time_is_read_as_beijing_time(demo):
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        clock.set_demo_time(datetime(2023, 12, 10, 10))
        assert clock.now() == datetime(2023, 12, 10, 10, tzinfo=BEIJING)


def test_offset_for_display(demo):
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        clock.set_demo_time(real - timedelta(days=1, seconds=0.4))
        assert clock.offset_for_display() == timedelta(days=-1)


def test_the_demo_row_drives_every_process(demo):
    # Another process moved the clock: after the cache expires, this one follows.
    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        assert clock.now() == START
        DemoClock.objects.filter(pk=1).update(offset=datetime(2024, 1, 10, 10, tzinfo=BEIJING) - real)
        clock.forget()
        assert clock.now() == datetime(2024, 1, 10, 10, tzinfo=BEIJING)


# ---------------------------------------------------------------- what to do at each preset moment


def test_every_preset_moment_says_what_to_do(campaign, demo):
    from nominations.demo import demo_moments

    presets = demo_moments(campaign)
    assert [preset.label for preset in presets][:2] == ["征集中（演示起点）", "会员提交截止前 5 分钟"]
    for preset in presets:
        assert preset.hint.endswith("。"), preset.label


def test_the_clock_page_shows_the_hint_next_to_each_preset(admin_client, campaign, demo):
    from django.urls import reverse

    from nominations.demo import demo_moments

    html = admin_client.get(reverse("admin:nominations_democlock_changelist")).content.decode()
    assert "此时可做" in html
    for preset in demo_moments(campaign):
        row = html[html.index(f"<td>{preset.label}</td>") :]
        row = row[: row.index("</tr>")]
        assert preset.hint in row
        assert f'value="{preset.value}">跳到此刻' in row


def test_the_banner_says_what_to_do_in_the_current_stage(client, campaign, demo):
    from django.urls import reverse

    real = datetime(2025, 6, 1, 12, tzinfo=UTC)
    with time_machine.travel(real, tick=False):
        html = client.get(reverse("home")).content.decode()
        assert "当前演示阶段“征集中（演示起点）”：会员单位填写并提交申报" in html
        clock.set_demo_time(datetime(2023, 12, 12, 9, tzinfo=BEIJING))
        html = client.get(reverse("home")).content.decode()
        assert "当前演示阶段“初评阶段”：平台秘书处在“分发初评”处理未确认的单位并分发" in html
        clock.set_demo_time(datetime(2023, 11, 1, 9, tzinfo=BEIJING))
        assert "当前演示阶段" not in client.get(reverse("home")).content.decode()
