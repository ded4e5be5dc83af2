"""The campaign's moments are one table (rules/moments.py), read by the loader, the deadline rules, the
timeline and the demo clock; and the one date formatter (kczg_site/formats.py) writes them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import models

from kczg_site import formats
from nominations import call_page, campaign_data, demo
from nominations.models import Campaign
from nominations.rules import moments

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def test_the_table_is_every_dated_field_of_a_campaign_with_its_label():
    dated = [f for f in Campaign._meta.get_fields() if isinstance(f, models.DateTimeField)]
    assert [f.name for f in dated] == list(moments.FIELDS)
    for field in dated:
        assert moments.label(field.name) == field.verbose_name, field.name


def test_phases_and_presets_name_moments_of_the_table():
    for phase in moments.PHASES:
        assert phase.start in moments.FIELDS and phase.end in moments.FIELDS
    assert [m.field for m in moments.deadlines()] == ["member_deadline", "platform_deadline", "initial_review_deadline"]
    assert campaign_data.DATE_FIELDS is moments.FIELDS


@pytest.mark.django_db
def test_the_demo_clock_presets_of_2023(campaign, settings):
    settings.DEMO_CLOCK_START = "2023-11-15T10:00:00+08:00"
    assert [preset[:3] for preset in demo.demo_moments(campaign)] == [
        ("2023-11-15T10:00:00+08:00", "征集中（演示起点）", beijing(2023, 11, 15, 10)),
        ("2023-11-20T16:55:00+08:00", "会员提交截止前 5 分钟", beijing(2023, 11, 20, 16, 55)),
        ("2023-11-30T23:55:00+08:00", "平台申报截止前 5 分钟", beijing(2023, 11, 30, 23, 55)),
        ("2023-12-10T10:00:00+08:00", "初评阶段", beijing(2023, 12, 10, 10)),
        ("2024-01-10T10:00:00+08:00", "终评阶段", beijing(2024, 1, 10, 10)),
        ("2024-02-05T10:00:00+08:00", "发布推介", beijing(2024, 2, 5, 10)),
    ]


@pytest.mark.django_db
def test_without_a_campaign_the_demo_clock_offers_its_start(settings):
    settings.DEMO_CLOCK_START = "2023-11-15T10:00:00+08:00"
    assert [preset.label for preset in demo.demo_moments()] == ["征集中（演示起点）"]


@pytest.mark.django_db
def test_the_timeline_follows_the_table(campaign):
    rows = call_page.timeline(campaign, beijing(2023, 11, 15, 10))
    assert [(row.kind, row.title, row.when) for row in rows] == [
        ("phase", "组织征集", "2023年10月—11月30日"),
        ("today", "今天", ""),
        ("deadline", "会员提交截止", "2023年11月20日 17:00"),
        ("deadline", "平台申报截止", "2023年11月30日 24:00"),
        ("phase", "初评评审", "2023年12月"),
        ("deadline", "初评结果报送截止", "2023年12月30日 24:00"),
        ("phase", "终评评审", "2024年1月"),
        ("phase", "发布推介", "2024年2月"),
    ]
    assert call_page.call_context(campaign, beijing(2023, 11, 15, 10))["promotion"]["label"] == "2023年10月—2024年4月"


@pytest.mark.parametrize(
    ("start", "end", "span", "to_day"),
    [
        (beijing(2023, 10, 1), beijing(2023, 12, 1), "2023年10月—11月", "2023年10月—11月30日"),
        (beijing(2024, 1, 1), beijing(2024, 2, 1), "2024年1月", "2024年1月—1月31日"),
        (beijing(2023, 10, 1), beijing(2024, 5, 1), "2023年10月—2024年4月", "2023年10月—2024年4月30日"),
    ],
)
def test_spans(start, end, span, to_day):
    assert formats.format_month_span(start, end) == span
    assert formats.format_month_to_day_span(start, end) == to_day


def test_the_formats_of_one_moment():
    midnight = beijing(2023, 12, 1)
    assert formats.format_datetime(midnight) == "2023年11月30日 24:00"
    assert formats.format_clock_time(midnight) == "2023年12月1日 00:00"
    assert formats.format_date(beijing(2023, 11, 20, 17)) == "2023年11月20日"
    assert formats.format_month(midnight) == "2023年12月"
    assert formats.format_timestamp(beijing(2023, 11, 20, 16, 55)) == "2023-11-20 16:55:00"
    assert formats.format_datetime(None) == formats.format_clock_time(None) == formats.format_date(None) == ""
