"""The outcome notices sent when a list is published (榜单结果通知).

When a list is published (``reviews.publication.publish``), once the transaction commits, a Celery task
(``reviews.tasks.send_outcomes``) mails:

* every member unit with an entry in the list's review: its result per entry (入榜 / 未入榜 / 未通过初评);
* every recommending unit's secretariat: one summary of its entries in the list.

The mails go through ``nominations.notifications`` (``render_mail``/``deliver``, kind ``MailKind.OUTCOME``,
audiences MEMBER and SECRETARIAT) with a dedupe key per list and unit, so a retry never mails twice.
:func:`notices` is what the publication preview shows before anything is sent.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from nominations import notifications
from nominations.models import MailAudience, MailKind, MemberUnit, Nomination, RankingList, RecommendingUnit, SentMail
from nominations.models import State as S
from reviews.states import REVIEW_STATES

RESULTS = {S.LISTED: "入榜", S.PUBLISHED: "入榜", S.NOT_LISTED: "未入榜", S.REVIEW_FAILED: "未通过初评"}


@dataclass
class Notice:
    """One mail: to a member unit (MEMBER) or a recommending unit's secretariat (SECRETARIAT)."""

    audience: str
    unit: MemberUnit | RecommendingUnit
    entries: list = field(default_factory=list)  # [(nomination, result)]

    @property
    def audience_label(self) -> str:
        return MailAudience(self.audience).label

    @property
    def listed(self) -> int:
        return sum(1 for _, result in self.entries if result == "入榜")

    def dedupe_key(self, ranking_list: RankingList) -> str:
        side = "member" if self.audience == MailAudience.MEMBER else "unit"
        return f"outcome:{ranking_list.pk}:{side}:{self.unit.pk}"


def result_of(nomination: Nomination) -> str:
    return RESULTS.get(nomination.state, nomination.get_state_display())


def notices(ranking_list: RankingList) -> list[Notice]:
    """The mails publishing ``ranking_list`` sends: member units first, then secretariats (one query)."""
    entries = (
        Nomination.objects.filter(ranking_list=ranking_list, state__in=REVIEW_STATES)
        .select_related("member_unit", "recommending_unit", "ranking_list", "domain")
        .defer("data")
        .order_by("recommending_unit__name", "member_unit__name", "pk")
    )
    members: dict[int, Notice] = {}
    units: dict[int, Notice] = {}
    for entry in entries:
        result = result_of(entry)
        if entry.member_unit_id:
            members.setdefault(entry.member_unit_id, Notice(MailAudience.MEMBER, entry.member_unit))
            members[entry.member_unit_id].entries.append((entry, result))
        if entry.recommending_unit_id:
            units.setdefault(entry.recommending_unit_id, Notice(MailAudience.SECRETARIAT, entry.recommending_unit))
            units[entry.recommending_unit_id].entries.append((entry, result))
    return [*members.values(), *units.values()]


def queue(ranking_list_id: int) -> None:
    """After the current transaction commits, send the outcome notices of the list (a Celery task)."""

    def send() -> None:
        # Inside the function: reviews.tasks imports this module.
        from reviews.tasks import send_outcomes

        send_outcomes.delay(ranking_list_id)

    transaction.on_commit(send)


def send_outcomes(ranking_list_id: int) -> list[SentMail]:
    """Mail every notice of a published list; already logged notices (same dedupe key) are skipped."""
    ranking_list = RankingList.objects.select_related("campaign").filter(pk=ranking_list_id).first()
    if ranking_list is None or not hasattr(ranking_list, "publication"):
        return []
    campaign = ranking_list.campaign
    public_url = notifications.site_url(reverse("publication:lists", args=[campaign.year]))
    sent = []
    for notice in notices(ranking_list):
        member = notice.audience == MailAudience.MEMBER
        if member:
            to = notifications.member_unit_recipients(notice.unit)
            template = "outcome_member"
            dashboard = reverse("member:dashboard")
        else:
            to = notifications.unit_staff_recipients(notice.unit)
            template = "outcome_secretariat"
            dashboard = reverse("secretariat:dashboard")
        context = {
            "campaign": campaign,
            "ranking_list": ranking_list,
            "unit": notice.unit,
            "entries": notice.entries,
            "listed": notice.listed,
            "public_url": public_url,
            "dashboard_url": notifications.site_url(dashboard),
            "published_at": notifications.format_datetime(ranking_list.publication.published_at),
        }
        subject, body = notifications.render_mail(template, context)
        log = notifications.deliver(
            MailKind.OUTCOME,
            to,
            subject,
            body,
            audience=notice.audience,
            nomination=notice.entries[0][0] if member and len(notice.entries) == 1 else None,
            member_unit=notice.unit if member else None,
            recommending_unit=None if member else notice.unit,
            dedupe_key=notice.dedupe_key(ranking_list),
        )
        if log is not None:
            sent.append(log)
    return sent
