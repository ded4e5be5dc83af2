"""The review pages in the mode the clock puts them in (the review side of ``nominations.page_modes``).

After a body's scoring deadline (with its extension), or once its results were sent or its review closed
by the platform, an expert's score sheet is read-only: the banner says what passed and when (the rule's
own words, ``scoring.check_scoring_open``) and what the expert can still do (download the entry's form,
go back to the tasks, ask the body for an extension while the review is not locked). A coordinator whose
deadline passed before the results were sent reads the same, with the platform as whom to ask.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from kczg_site.formats import format_contact
from nominations.models import Nomination
from nominations.page_modes import EDITABLE, PLATFORM_SECRETARIAT, Mode, Option
from nominations.rules.deadlines import Deadline
from reviews import scoring
from reviews.models import BodySubmission, ReviewBody


def expert_mode(nomination: Nomination, body: ReviewBody, now: datetime | None = None) -> Mode:
    """The expert's score sheet of ``nomination``: editable while the body's scoring is open."""
    decision = scoring.check_scoring_open(body, now)
    if decision:
        return EDITABLE
    locked = scoring.is_locked(body)
    options = [
        Option("下载申报书（Word）", reverse("reviews:nomination_form", args=[nomination.pk]), key="download"),
        Option("返回评审任务", reverse("reviews:expert_dashboard"), key="dashboard"),
    ]
    if not locked:
        contact = format_contact(body.contact_name, body.contact_phones)
        options.append(Option(f"如需延期，请联系{body}{contact}，由其向{PLATFORM_SECRETARIAT}申请。", key="extension"))
    title = "评分已锁定，只能查看" if locked else "评分已截止，只能查看"
    return Mode(False, title, decision.reason, tuple(options))


def coordinator_mode(deadline: Deadline, submission: BodySubmission | None, now: datetime | None = None) -> Mode:
    """The coordinator's dashboard once the body's deadline (``scoring.scoring_deadline``, which the page
    already has) passed before its results were sent (``submission``, the page's too)."""
    if submission is not None:
        return EDITABLE  # the page says the results were sent (or the review closed) in its own words
    decision = deadline.check(now)
    if decision:
        return EDITABLE
    options = (Option(f"如需延期，请联系{PLATFORM_SECRETARIAT}申请初评延期。", key="extension"),)
    return Mode(False, "初评已截止，评分和报送不能再办理", decision.reason, options)
