"""The campaign's moments, in one table: every dated field of ``Campaign``, its Chinese label and kind,
and the phases of the notice's timeline built from them.

Read by the campaign loader (``campaign_data``: the fields of a campaign file), the deadline rules
(``deadlines``: the labels, and :func:`countdown_moments` for the next deadline), the home page's timeline
(``call_page.timeline``: :data:`PHASES` and the deadlines) and the demo clock's presets
(``demo.demo_moments``: each moment's ``demo`` offset). A new moment is a row here and a field of
``Campaign``; tests/rules/test_moments.py holds the two together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotations only: the loader reads FIELDS before any campaign exists
    from nominations.models import Campaign


class Kind(StrEnum):
    START = "start"  # a phase begins
    DEADLINE = "deadline"  # something is due before it; the timeline shows it as a deadline
    END = "end"  # a phase ends (exclusive)


@dataclass(frozen=True)
class DemoPreset:
    """A quick button of the demo clock: ``offset`` from the moment, its label and what to do then
    (one line, shown next to the button and in the demo banner while the clock is in that stage)."""

    offset: timedelta
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Moment:
    field: str  # the Campaign field
    label: str  # as the notice and the pages write it (the field's verbose_name)
    kind: Kind
    countdown: bool = False  # the deadline bar and the home page count down to it
    demo: DemoPreset | None = None


FIVE_MINUTES_BEFORE = -timedelta(minutes=5)
# Into a phase: 10:00 on its tenth day (the fifth for the publication, which the demo reaches sooner).
TENTH_DAY_AT_TEN = timedelta(days=9, hours=10)
FIFTH_DAY_AT_TEN = timedelta(days=4, hours=10)

MOMENTS: tuple[Moment, ...] = (
    Moment("collection_start", "征集开始", Kind.START),
    Moment(
        "member_deadline",
        "会员提交截止",
        Kind.DEADLINE,
        countdown=True,
        demo=DemoPreset(
            FIVE_MINUTES_BEFORE,
            "会员提交截止前 5 分钟",
            "会员单位做最后的修改并提交；截止后申报表只读，推荐单位秘书处仍可在“收件箱”退回、受理、推荐。",
        ),
    ),
    Moment(
        "platform_deadline",
        "平台申报截止",
        Kind.DEADLINE,
        countdown=True,
        demo=DemoPreset(
            FIVE_MINUTES_BEFORE,
            "平台申报截止前 5 分钟",
            "推荐单位秘书处在名额内完成推荐，并在“工作台”向平台确认推荐结果。",
        ),
    ),
    Moment(
        "initial_review_start",
        "初评开始",
        Kind.START,
        demo=DemoPreset(
            TENTH_DAY_AT_TEN,
            "初评阶段",
            "平台秘书处在“分发初评”处理未确认的单位并分发；各初评机构联络人分配专家，专家评分，联络人报送初评结果。",
        ),
    ),
    Moment("initial_review_deadline", "初评结果报送截止", Kind.DEADLINE, countdown=True),
    Moment(
        "final_review_start",
        "终评开始",
        Kind.START,
        demo=DemoPreset(TENTH_DAY_AT_TEN, "终评阶段", "平台秘书处在“终评与发布”审定各榜单入选名单并保存终评结果。"),
    ),
    Moment("final_review_end", "终评结束", Kind.END, countdown=True),
    Moment(
        "publication_start",
        "发布开始",
        Kind.START,
        demo=DemoPreset(
            FIFTH_DAY_AT_TEN,
            "发布推介",
            "平台秘书处在“终评与发布”发布榜单；公开榜单从首页进入，结果通知见邮件记录。",
        ),
    ),
    Moment("publication_end", "发布推介结束", Kind.END),
    Moment("promotion_start", "宣传推广开始", Kind.START),
    Moment("promotion_end", "宣传推广结束", Kind.END),
)

FIELDS: tuple[str, ...] = tuple(m.field for m in MOMENTS)
_BY_FIELD = {m.field: m for m in MOMENTS}


@dataclass(frozen=True)
class Phase:
    """A span of the campaign between two moments (``end`` exclusive)."""

    key: str
    label: str
    start: str  # a Campaign field of MOMENTS
    end: str
    on_timeline: bool = True  # the home page's timeline (宣传推广 is shown beside it, across the year)
    ends_on_a_day: bool = False  # "2023年10月—11月30日" rather than "2023年10月—11月"


PHASES: tuple[Phase, ...] = (
    Phase("collection", "组织征集", "collection_start", "platform_deadline", ends_on_a_day=True),
    Phase("initial_review", "初评评审", "initial_review_start", "initial_review_deadline"),
    Phase("final_review", "终评评审", "final_review_start", "final_review_end"),
    Phase("publication", "发布推介", "publication_start", "publication_end"),
    Phase("promotion", "宣传推广", "promotion_start", "promotion_end", on_timeline=False),
)


def moment(field: str) -> Moment:
    """The row of ``field`` (a KeyError for a field that is not a moment)."""
    return _BY_FIELD[field]


def label(field: str) -> str:
    """``会员提交截止`` for ``member_deadline``."""
    return _BY_FIELD[field].label


def deadlines() -> tuple[Moment, ...]:
    """The moments the timeline shows as deadlines, in the table's (date) order."""
    return tuple(m for m in MOMENTS if m.kind == Kind.DEADLINE)


def countdown_moments(campaign: Campaign) -> Iterator[tuple[str, datetime]]:
    """``(label, moment)`` of the campaign-wide moments counted down to, in date order."""
    for row in MOMENTS:
        if row.countdown:
            yield row.label, getattr(campaign, row.field)


def phase(key: str) -> Phase:
    return next(p for p in PHASES if p.key == key)


def demo_presets(campaign: Campaign) -> list[tuple[str, datetime, str]]:
    """``(label, moment, hint)`` of the demo clock's quick buttons for ``campaign``, in date order."""
    presets = [
        (row.demo.label, getattr(campaign, row.field) + row.demo.offset, row.demo.hint) for row in MOMENTS if row.demo
    ]
    return sorted(presets, key=lambda preset: preset[1])
