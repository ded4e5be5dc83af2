"""The gates of the staff pages: the policy's answer, the user's unit and the active campaign.

The active campaign is the context processor's ``active_campaign(request)`` (``Campaign.objects.active()``
fetched once per request and shared with the templates).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from nominations import policy
from nominations.context_processors import active_campaign
from nominations.models import Campaign, Nomination, RecommendingUnit
from nominations.rules.decision import Refused, require

NO_CAMPAIGN = "没有进行中的征集年度。"
ENTRY_NOT_FOUND = "没有找到该申报，或您无权查看。"


class PageRefused(Refused, PermissionDenied):
    """A page the policy refuses: a :class:`Refused` that Django answers with 403 and the reason."""


def visible_entry(request: HttpRequest, pk: int) -> Nomination:
    """The entry ``pk`` with its relations if the policy lets this user see it, else 404 (never
    "forbidden": no existence leak). The entry pages of every side start here."""
    nomination = policy.visible_nomination(request.user, pk)
    if nomination is None:
        raise Http404(ENTRY_NOT_FOUND)
    return nomination


def current_campaign(request: HttpRequest) -> Campaign:
    """The active campaign, or 404 without one."""
    campaign = active_campaign(request)
    if campaign is None:
        raise Http404(NO_CAMPAIGN)
    return campaign


def secretariat_scope(request: HttpRequest) -> tuple[RecommendingUnit, Campaign]:
    """The secretariat's recommending unit and the active campaign; 403 for other roles."""
    require(policy.may(request.user, "view_inbox"), PageRefused)
    unit = policy.profile_of(request.user).recommending_unit
    if unit is None:
        raise PageRefused("您的账号未关联推荐单位。")
    return unit, current_campaign(request)


def platform_scope(request: HttpRequest) -> Campaign:
    """The active campaign for the platform secretariat; 403 for other roles."""
    require(policy.may(request.user, "view_platform_overview"), PageRefused)
    return current_campaign(request)
