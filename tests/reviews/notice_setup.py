"""The 公示's test year: entries of 先导技术榜 · 电子信息 decided 拟入榜 by the final review (their body
reported), and the moments the tests travel to (open, inside the period, after it, publication)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from nominations.models import Domain, RankingList, State
from reviews import final
from reviews.models import BodySubmission, Dispatch, ReviewBody
from tests.factories import MemberUnitFactory, NominationFactory

BEIJING = ZoneInfo("Asia/Shanghai")
FINAL_TIME = datetime(2024, 1, 10, 10, 0, tzinfo=BEIJING)
OPEN_TIME = datetime(2024, 1, 20, 10, 0, tzinfo=BEIJING)  # 7 natural days: 20–26 January
IN_NOTICE = datetime(2024, 1, 22, 9, 0, tzinfo=BEIJING)
LAST_MINUTE = datetime(2024, 1, 26, 23, 59, tzinfo=BEIJING)
AFTER_NOTICE = datetime(2024, 1, 27, 0, 1, tzinfo=BEIJING)
PUBLICATION = datetime(2024, 2, 5, 10, 0, tzinfo=BEIJING)
ELECTRONICS_BODY = "中国科协信息科技学会联合体"


def listed_entries(campaign, society, platform_user, titles, *, member_unit=None):
    """``titles`` as 电子信息 entries of ``society``'s member units, dispatched, reported and 拟入榜."""
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    body = ReviewBody.objects.get(campaign=campaign, name=ELECTRONICS_BODY)
    entries = []
    for i, title in enumerate(titles):
        member = (
            member_unit
            if (member_unit is not None and i == 0)
            else MemberUnitFactory(name=f"{title}公司", recommending_unit=society)
        )
        entry = NominationFactory(
            ranking_list=tech, domain=electronics, member_unit=member, state=State.IN_REVIEW, title=title
        )
        Dispatch.objects.create(nomination=entry, body=body, dispatched_at=FINAL_TIME, dispatched_by=platform_user)
        entries.append(entry)
    BodySubmission.objects.get_or_create(
        body=body, defaults={"submitted_at": FINAL_TIME, "submitted_by": platform_user}
    )
    for entry in entries:
        entry.refresh_from_db()
    final.decide(platform_user, [(entry, final.LISTED, "") for entry in entries])
    for entry in entries:
        entry.refresh_from_db()
    return entries
