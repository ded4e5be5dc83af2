"""The author side's pages (member units and pioneers): the dashboard, the entry page and the edit page.

Every function takes the user, the campaign or the entry (and the URL namespace the page links in),
never the request.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import Form

from nominations import audit, intake, policy, workflow
from nominations.forms import definition_for
from nominations.forms.builder import NominationForm
from nominations.models import AuditEvent, Campaign, Nomination, RankingList, State
from nominations.rules import deadlines, earlier_listed, quotas, uploads

AUTHOR_ACTIONS = ("submit", "resubmit", "withdraw", "pioneer_recommend")


def author_entries(user: AbstractBaseUser, campaign: Campaign) -> list[Nomination]:
    """The entries ``user`` sees in ``campaign``, by list and domain, newest change first; each with
    ``editable``: its state is one the workflow lets the author change (the deadline is the edit page's)."""
    entries = list(
        policy.visible_nominations(user)
        .filter(campaign=campaign)
        .select_related("ranking_list", "domain", "earlier_listed")
        .order_by("ranking_list__order", "domain__order", "-updated_at")
    )
    for entry in entries:
        entry.editable = entry.state in workflow.EDITABLE_STATES
    return entries


def member_dashboard(user: AbstractBaseUser, campaign: Campaign) -> dict[str, Any]:
    """A member unit's dashboard: its entries, its cap per list and its deadline."""
    member_unit = policy.profile_of(user).member_unit
    deadline = deadlines.member_deadline(campaign, member_unit) if member_unit else None
    return {
        "entries": author_entries(user, campaign),
        "member_unit": member_unit,
        "caps": quotas.member_cap_table(member_unit, campaign) if member_unit else [],
        "deadline": deadline,
        "deadline_open": deadline.is_open() if deadline else False,
    }


def pioneer_dashboard(user: AbstractBaseUser, campaign: Campaign) -> dict[str, Any]:
    """A pioneer's dashboard: the candidates, the per-person quota and the platform deadline."""
    pioneer = policy.profile_of(user).pioneer
    route_list = quotas.pioneer_lists(campaign).first()
    return {
        "entries": author_entries(user, campaign),
        "deadline": deadlines.platform_deadline(campaign),
        "quota": quotas.pioneer_quota(pioneer, route_list) if route_list and pioneer else None,
        "pioneer": pioneer,
    }


def creatable_lists(campaign: Campaign, *, pioneer: bool) -> list[RankingList]:
    """The lists a new entry may go to: every list of the campaign, or the pioneer route's lists."""
    lists = quotas.pioneer_lists(campaign) if pioneer else RankingList.objects.filter(campaign=campaign)
    return list(lists.prefetch_related("domains"))


def return_note(nomination: Nomination, events: list[AuditEvent]) -> str:
    """The secretariat's note of the last return, while the entry is returned."""
    if nomination.state != State.RETURNED:
        return ""
    notes = [event.note for event in events if event.verb == "return"]
    return notes[-1] if notes else ""


def author_actions(user: AbstractBaseUser, nomination: Nomination) -> list[dict[str, Any]]:
    """The author's workflow actions that fit the state, each with the decision (reason if refused)."""
    rows = []
    for transition in workflow.available_actions(nomination, user):
        if transition.action not in AUTHOR_ACTIONS:
            continue
        rows.append({"transition": transition, "decision": workflow.check(nomination, transition.action, user)})
    return rows


def submit_label(nomination: Nomination) -> str:
    """The label of the button that sends the entry on."""
    if intake.submit_action(nomination) == "pioneer_recommend":
        return "推举"
    return "重新提交" if nomination.state == State.RETURNED else "提交"


def upload_limits() -> dict[str, str]:
    """The attachment limits shown next to the upload field."""
    return {
        "per_file": uploads.format_size(settings.ATTACHMENT_MAX_BYTES),
        "total": uploads.format_size(settings.ATTACHMENT_MAX_TOTAL_BYTES),
        "kinds": uploads.ALLOWED_LABEL,
        "accept": uploads.ACCEPT_ATTRIBUTE,
    }


def detail_page(user: AbstractBaseUser, nomination: Nomination, namespace: str, withdraw_form: Form) -> dict[str, Any]:
    """The author's read-only entry page: the entry, its history and the actions with their decisions."""
    events = audit.history_of(nomination)
    return {
        "withdraw_form": withdraw_form,
        "nomination": nomination,
        "definition": definition_for(nomination),
        "events": events,
        "return_note": return_note(nomination, events),
        "actions": author_actions(user, nomination),
        "can_edit": workflow.check_edit(nomination, user),
        "earlier_warning": earlier_listed.member_warning(nomination.earlier_listed),
        "namespace": namespace,
    }


def edit_page(user: AbstractBaseUser, nomination: Nomination, form: NominationForm, namespace: str) -> dict[str, Any]:
    """The edit page of ``nomination`` with ``form`` (bound or not): sections, attachments, history and
    whether the user may change the entry now (``edit_decision``, the workflow's check)."""
    attachments = list(nomination.attachments.all())
    events = audit.history_of(nomination)
    return {
        "nomination": nomination,
        "definition": form.definition,
        "form": form,
        "sections": form.sections(),
        "attachments": attachments,
        "attachments_total": sum(a.size for a in attachments),
        "upload_limits": upload_limits(),
        "events": events,
        "return_note": return_note(nomination, events),
        "earlier_warning": earlier_listed.member_warning(nomination.earlier_listed),
        "edit_decision": workflow.check_edit(nomination, user),
        "version": nomination.version,
        "namespace": namespace,
        "submit_label": submit_label(nomination),
        # The cap, the deadline, the unit's confirmation: 提交 disabled with the reason (the content is
        # checked when it is sent).
        "submit_decision": workflow.check_button(nomination, intake.submit_action(nomination), user),
    }
