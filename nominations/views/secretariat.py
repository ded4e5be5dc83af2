"""The recommending unit's secretariat: inbox, entry page, batch actions, quotas, confirmation,
member units and the unit's mail log. Thin: every rule lives in the services it calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from kczg_site import clock
from nominations import batch, confirmation, membership, policy, workflow
from nominations.audit import verb_label
from nominations.filters import InboxFilter, MailFilter
from nominations.forms import definition_for
from nominations.forms.actions import BatchForm, TransitionForm
from nominations.forms.fields import first_error
from nominations.forms.staff import ImportApplyForm, ImportUploadForm, MemberInviteForm
from nominations.models import Campaign, State
from nominations.models.nomination import ENTRY_RELATIONS
from nominations.rules import deadlines, quotas

PAGE_SIZE = batch.MAX_IDS  # a batch is one page of the inbox
ENTRY_PARTIAL = "nominations/includes/entry_detail.html"


# ---------------------------------------------------------------- helpers


def active_campaign():
    return Campaign.objects.active()


def _context(request):
    """The secretariat's unit and the active campaign, or 403 for other roles."""
    decision = policy.may(request.user, "view_inbox")
    if not decision:
        raise PermissionDenied(decision.reason)
    profile = policy.profile_of(request.user)
    unit = profile.recommending_unit
    if unit is None:
        raise PermissionDenied("您的账号未关联推荐单位。")
    campaign = active_campaign()
    if campaign is None:
        raise Http404("没有进行中的征集年度。")
    return unit, campaign


def countdown(deadline, now=None):
    """``{"days", "hours", "minutes", "passed"}`` until an effective deadline."""
    now = now or clock.now()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return {"passed": True, "days": 0, "hours": 0, "minutes": 0}
    return {
        "passed": False,
        "days": seconds // 86400,
        "hours": seconds % 86400 // 3600,
        "minutes": seconds % 3600 // 60,
    }


def count_per(visible: QuerySet, field: str) -> Coalesce:
    """An annotation: how many of the reader's ``visible`` entries point (by ``field``) at each row.

    For lists of units or pioneers with a figure each: the figure counts only what the policy lets
    the reader see, in the list's one query."""
    counted = visible.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def meter_rows(user, unit, campaign):
    """The quota meters of ``unit``, counted among the entries ``user`` may see."""
    rows = []
    for ranking_list, domain, quota in quotas.quota_table(unit, campaign, entries=policy.visible_nominations(user)):
        percent = round(100 * quota.used / quota.total) if quota.total else 0
        rows.append({"list": ranking_list, "domain": domain, "quota": quota, "percent": min(percent, 100)})
    return rows


def _inbox_queryset(user, campaign):
    return (
        policy.visible_nominations(user)
        .filter(campaign=campaign)
        .select_related("ranking_list", "domain", "member_unit", "earlier_listed")
        .annotate(attachment_count=Count("attachments"))
    )


def entry_definition(nomination):
    """The intake side's form definition of an entry."""
    return definition_for(nomination)


def _has_entry_partial():
    try:
        get_template(ENTRY_PARTIAL)
    except TemplateDoesNotExist:
        return False
    return True


# ---------------------------------------------------------------- dashboard and inbox


@login_required
def dashboard(request):
    unit, campaign = _context(request)
    # Only what the policy shows this secretariat: never its members' drafts, nor entries withdrawn
    # before they were ever submitted.
    visible = policy.visible_nominations(request.user)
    entries = visible.filter(campaign=campaign)
    counts = dict(entries.values_list("state").annotate(n=Count("pk")).order_by())
    state_counts = [(label, counts.get(value, 0), value) for value, label in State.choices if value in counts]
    platform = deadlines.platform_deadline(campaign, unit)
    participation = confirmation.participation_for(unit, campaign)
    return render(
        request,
        "nominations/secretariat/dashboard.html",
        {
            "unit": unit,
            "campaign": campaign,
            "meters": meter_rows(request.user, unit, campaign),
            "state_counts": state_counts,
            "total": sum(counts.values()),
            "platform_deadline": platform,
            "countdown": countdown(platform.effective),
            "participation": participation,
            "recommended": confirmation.recommended_count(unit, campaign, entries=visible),
            "confirm_decision": confirmation.check_confirm(request.user, unit, campaign),
            "member_count": policy.visible_member_units(request.user).filter(is_active=True).count(),
        },
    )


@login_required
def inbox(request):
    unit, campaign = _context(request)
    filterset = InboxFilter(
        request.GET or None, _inbox_queryset(request.user, campaign), request=request, campaign=campaign
    )
    queryset = filterset.qs
    if not request.GET.get("ordering") or not queryset.ordered:
        # Also when the ordering asked for is not one of the choices (a stable order for the pages).
        queryset = queryset.order_by("-submitted_at", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/secretariat/inbox.html",
        {
            "unit": unit,
            "campaign": campaign,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "batch_form": BatchForm(),
            "confirmed": confirmation.is_confirmed(unit, campaign),
        },
    )


# ---------------------------------------------------------------- one entry


@login_required
def entry(request, pk):
    unit, campaign = _context(request)
    nomination = get_object_or_404(policy.visible_nominations(request.user).select_related(*ENTRY_RELATIONS), pk=pk)
    return _render_entry(request, unit, campaign, nomination)


def _render_entry(request, unit, campaign, nomination, bound=None, status=200):
    """The entry page; ``bound``: the posted action's form, shown again with its errors and text."""
    actions = []
    for spec in workflow.available_actions(nomination, request.user):
        decision = workflow.check(
            nomination, spec.action, request.user, note="-", override_reason="-" if nomination.earlier_listed_id else ""
        )
        if bound is not None and bound.spec is spec:
            form = bound
        else:
            form = TransitionForm(spec=spec, initial={"override_reason": nomination.override_reason})
        actions.append({"spec": spec, "decision": decision, "form": form})
    quota = None
    if nomination.state in (State.ACCEPTED, State.RECOMMENDED):
        quota = quotas.unit_quota(nomination.recommending_unit, nomination.ranking_list, nomination.domain)
    member_deadline = None
    if nomination.member_unit_id:
        member_deadline = deadlines.member_deadline(nomination.campaign, nomination.member_unit)
    events = list(nomination.events.select_related("actor__profile").order_by("at", "pk"))
    for event in events:
        event.verb_label = verb_label(event.verb)
    return render(
        request,
        "nominations/secretariat/entry.html",
        {
            "unit": unit,
            "campaign": campaign,
            "nomination": nomination,
            "definition": entry_definition(nomination),
            "has_entry_partial": _has_entry_partial(),
            "attachments": list(nomination.attachments.all()),
            "events": events,
            "actions": actions,
            "quota": quota,
            "member_deadline": member_deadline,
            "member_deadline_open": member_deadline.is_open() if member_deadline else True,
        },
        status=status,
    )


@login_required
@require_POST
def entry_action(request, pk):
    """One action on one entry. Bad input: the page again with the message next to the field (400);
    a refused action: the page again with the reason (403); the typed note is kept in both."""
    unit, campaign = _context(request)
    nomination = get_object_or_404(policy.visible_nominations(request.user).select_related(*ENTRY_RELATIONS), pk=pk)
    form = TransitionForm(request.POST)
    if form.action_unknown:
        raise Http404("不支持的操作。")
    spec = form.spec
    if not form.is_valid():
        messages.error(request, f"不能{spec.label}：{first_error(form)}")
        return _render_entry(request, unit, campaign, nomination, bound=form, status=400)
    note = form.cleaned_data["note"]
    override_reason = form.cleaned_data["override_reason"] if nomination.earlier_listed_id else ""
    try:
        # The workflow checks the earlier-listed rule and records the override reason (once).
        workflow.transition(nomination, spec.action, request.user, note=note, override_reason=override_reason)
    except workflow.WorkflowError as error:
        messages.error(request, f"不能{spec.label}:{error}")
        return _render_entry(request, unit, campaign, nomination, bound=form, status=403)
    messages.success(request, f"已{spec.label}:{nomination}。")
    return redirect("secretariat:entry", pk=nomination.pk)


# ---------------------------------------------------------------- batch actions


@login_required
@require_POST
def batch_action(request):
    unit, campaign = _context(request)
    form = BatchForm(request.POST)
    if not form.is_valid():
        # The preview page again, with the message next to the field and what was typed.
        if form.applying:
            messages.error(request, "本批操作未执行,没有任何申报被修改。")
        action = form.cleaned_data.get("action", "")
        result = batch.BatchResult(action=action, problems=[first_error(form)])
        return _render_batch(request, unit, campaign, form, result, form.cleaned_data.get("ids", []))
    action, ids, note = form.cleaned_data["action"], form.cleaned_data["ids"], form.cleaned_data["note"]
    if form.cleaned_data["apply"] == "1":
        try:
            result = batch.apply(request.user, action, ids, note=note)
        except batch.BatchRefused as refused:
            messages.error(request, "本批操作未执行,没有任何申报被修改。")
            result = refused.result
        else:
            messages.success(request, f"已批量{result.label} {len(result.items)} 项申报。")
            return redirect("secretariat:inbox")
    else:
        result = batch.preview(request.user, action, ids, note=note)
    return _render_batch(request, unit, campaign, form, result, [item.nomination.pk for item in result.items])


def _render_batch(request, unit, campaign, form, result, ids):
    return render(
        request,
        "nominations/secretariat/batch_preview.html",
        {
            "unit": unit,
            "campaign": campaign,
            "result": result,
            "form": form,
            "ids": ids,
            "note": form.cleaned_data.get("note", "") if form.is_valid() else "",
            "spec": workflow.TRANSITIONS.get(result.action),
            "meters": meter_rows(request.user, unit, campaign) if result.action == "recommend" else [],
        },
    )


# ---------------------------------------------------------------- confirmation


@login_required
@require_POST
def confirm(request):
    unit, campaign = _context(request)
    try:
        confirmation.confirm(request.user, unit, campaign)
    except confirmation.ConfirmationError as error:
        messages.error(request, f"不能确认:{error}")
    else:
        messages.success(request, "已向平台确认本单位的推荐结果。如需修改,请联系平台秘书处重新开放。")
    return redirect("secretariat:dashboard")


# ---------------------------------------------------------------- mail log


@login_required
def mail_log(request):
    unit, _campaign = _context(request)
    filterset = MailFilter(request.GET or None, policy.visible_sent_mails(request.user))
    page = Paginator(filterset.qs.select_related("nomination", "member_unit"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/secretariat/mail_log.html",
        {"unit": unit, "filter": filterset, "page": page, "query": query.urlencode(), "base": "secretariat"},
    )


# ---------------------------------------------------------------- member units


@login_required
def members(request):
    unit, _campaign = _context(request)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = membership.invite_member_unit(request.user, unit, form.as_row())
        except membership.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已邀请会员单位“{member.name}”,设置密码的链接已发送到 {member.contact_email}。")
            return redirect("secretariat:members")
    member_units = (
        policy.visible_member_units(request.user)
        .annotate(entries=count_per(policy.visible_nominations(request.user), "member_unit"))
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "nominations/secretariat/members.html",
        {"unit": unit, "form": form, "member_units": member_units, "upload": ImportUploadForm()},
    )


@login_required
@require_POST
def member_deactivate(request, pk):
    _unit, _campaign = _context(request)
    member = get_object_or_404(policy.visible_member_units(request.user), pk=pk)
    try:
        membership.deactivate_member_unit(request.user, member)
    except membership.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已停用会员单位“{member.name}”及其账号。")
    return redirect("secretariat:members")


@login_required
def member_import(request):
    unit, _campaign = _context(request)
    preview, status = None, 200
    applying = ImportApplyForm(request.POST) if request.method == "POST" and "payload" in request.POST else None
    if applying is not None and not applying.is_valid():
        messages.error(request, first_error(applying))
        upload, status = ImportUploadForm(), 400
    elif applying is not None:
        try:
            created = membership.apply_member_import(request.user, unit, applying.cleaned_data["payload"])
        except membership.ImportRefused as refused:
            messages.error(request, str(refused))
            preview = refused.preview
        except membership.MembershipError as error:
            messages.error(request, str(error))
            return redirect("secretariat:member_import")
        else:
            messages.success(request, f"已导入 {len(created)} 家会员单位,并向各联系邮箱发送了设置密码的链接。")
            return redirect("secretariat:members")
        upload = ImportUploadForm()
    else:
        upload = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            preview = membership.preview_member_import(unit, upload.cleaned_data["file"])
    return render(
        request,
        "nominations/secretariat/import.html",
        {
            "unit": unit,
            "upload": upload,
            "preview": preview,
            "title": "从 Excel 导入会员单位",
            "columns": membership.MEMBER_COLUMNS,
            "back_url": "secretariat:members",
            "action_url": "secretariat:member_import",
        },
        status=status,
    )
