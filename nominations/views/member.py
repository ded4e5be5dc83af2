"""The author side: member units (namespace ``member``) and pioneers (namespace ``pioneer``) fill in,
save, submit and follow their own entries. Thin: the rules are in ``nominations.intake``,
``nominations.workflow`` and ``nominations.policy``.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kczg_site import clock
from nominations import intake, policy, workflow
from nominations.forms import build_form, definition_for
from nominations.forms.actions import EditControlForm, WithdrawForm
from nominations.forms.creation import NewEntryForm, new_token
from nominations.forms.fields import first_error
from nominations.models import Campaign, RankingList, Role
from nominations.models.nomination import ENTRY_RELATIONS
from nominations.rules import deadlines, earlier_listed, quotas, uploads
from nominations.rules.decision import Decision

AUTHOR_ACTIONS = ("submit", "resubmit", "withdraw", "pioneer_recommend")
ROLE_OF_NAMESPACE = {"member": Role.MEMBER, "pioneer": Role.PIONEER}


def author_view(view):
    """Log-in required, and the role must fit the namespace (member pages for members, …)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        namespace = request.resolver_match.namespace
        if policy.role_of(request.user) != ROLE_OF_NAMESPACE.get(namespace):
            raise Http404("没有找到该页面。")
        return view(request, *args, **kwargs)

    return wrapper


def _active_campaign():
    return Campaign.objects.active()


def get_entry(request, pk):
    """The entry if the policy lets this user see it, else 404 (never "forbidden": no existence leak)."""
    nomination = policy.visible_nominations(request.user).select_related(*ENTRY_RELATIONS).filter(pk=pk).first()
    if nomination is None:
        raise Http404("没有找到该申报,或您无权查看。")
    return nomination


def _ns(request):
    return request.resolver_match.namespace


def time_left(deadline, now=None):
    """``还剩 4 天 6 小时`` / ``已截止``."""
    now = now or clock.now()
    remaining = deadline.effective - now
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        return "已截止"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"还剩 {days} 天 {hours} 小时"
    if hours:
        return f"还剩 {hours} 小时 {minutes} 分钟"
    return f"还剩 {max(minutes, 1)} 分钟"


# ---------------------------------------------------------------- dashboards


@author_view
def dashboard(request):
    campaign = _active_campaign()
    profile = policy.profile_of(request.user)
    context = {"campaign": campaign, "namespace": _ns(request)}
    if campaign is None:
        return render(request, "nominations/member/dashboard.html", context)
    entries = list(
        policy.visible_nominations(request.user)
        .filter(campaign=campaign)
        .select_related("ranking_list", "domain", "earlier_listed")
        .order_by("ranking_list__order", "domain__order", "-updated_at")
    )
    if _ns(request) == "pioneer":
        route_list = quotas.pioneer_lists(campaign).first()
        deadline = deadlines.platform_deadline(campaign)
        quota = quotas.pioneer_quota(profile.pioneer, route_list) if route_list and profile.pioneer_id else None
        context.update(
            entries=entries, deadline=deadline, time_left=time_left(deadline), quota=quota, pioneer=profile.pioneer
        )
        return render(request, "nominations/pioneer/dashboard.html", context)
    member_unit = profile.member_unit
    deadline = deadlines.member_deadline(campaign, member_unit) if member_unit else None
    context.update(
        entries=entries,
        member_unit=member_unit,
        caps=quotas.member_cap_table(member_unit, campaign) if member_unit else [],
        deadline=deadline,
        time_left=time_left(deadline) if deadline else "",
        deadline_open=deadline.is_open() if deadline else False,
    )
    return render(request, "nominations/member/dashboard.html", context)


# ---------------------------------------------------------------- creating


@author_view
def new_entry(request):
    campaign = _active_campaign()
    if campaign is None:
        raise Http404("当前没有开放的征集年度。")
    lists = RankingList.objects.filter(campaign=campaign).prefetch_related("domains")
    if _ns(request) == "pioneer":
        lists = quotas.pioneer_lists(campaign).prefetch_related("domains")
    lists = list(lists)
    error = ""
    form = NewEntryForm(request.POST if request.method == "POST" else None, lists=lists)
    if request.method == "POST":
        if not form.is_valid():
            error = form.error_message()
        else:
            data = form.cleaned_data
            try:
                nomination = intake.create_nomination(
                    request.user, data["ranking_list"], data["domain"], token=data["token"]
                )
            except intake.IntakeError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已创建{nomination.list_label}申报草稿，请填写申报内容。")
                return redirect(f"{_ns(request)}:edit", pk=nomination.pk)
    deadline = intake.creation_deadline(request.user, campaign)
    return render(
        request,
        "nominations/member/new.html",
        {
            "campaign": campaign,
            "lists": lists,
            "error": error,
            "chosen_list": form["ranking_list"].value() or "",
            "chosen_domain": form["domain"].value() or "",
            "token": new_token(),
            "deadline": deadline,
            "namespace": _ns(request),
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- the entry page


def _history(nomination):
    return intake.history_of(nomination)


def _return_note(nomination, events):
    if nomination.state != "returned":
        return ""
    notes = [event.note for event in events if event.verb == "return"]
    return notes[-1] if notes else ""


def _actions(request, nomination):
    """The author's workflow actions that fit the state, each with the decision (reason if refused)."""
    rows = []
    for transition in workflow.available_actions(nomination, request.user):
        if transition.action not in AUTHOR_ACTIONS:
            continue
        decision = workflow.check(nomination, transition.action, request.user)
        rows.append({"transition": transition, "decision": decision})
    return rows


@author_view
def detail(request, pk):
    return _render_detail(request, get_entry(request, pk))


def _render_detail(request, nomination, withdraw_form=None, status=200):
    definition = definition_for(nomination)
    events = _history(nomination)
    return render(
        request,
        "nominations/member/detail.html",
        {
            "withdraw_form": withdraw_form or WithdrawForm(),
            "nomination": nomination,
            "definition": definition,
            "events": events,
            "return_note": _return_note(nomination, events),
            "actions": _actions(request, nomination),
            "can_edit": workflow.check_edit(nomination, request.user),
            "earlier_warning": earlier_listed.member_warning(nomination.earlier_listed),
            "namespace": _ns(request),
        },
        status=status,
    )


def _edit_context(request, nomination, form, **extra):
    definition = form.definition
    attachments = list(nomination.attachments.all())
    events = _history(nomination)
    context = {
        "nomination": nomination,
        "definition": definition,
        "form": form,
        "sections": form.sections(),
        "attachments": attachments,
        "attachments_total": sum(a.size for a in attachments),
        "upload_limits": _upload_limits(),
        "events": events,
        "return_note": _return_note(nomination, events),
        "earlier_warning": earlier_listed.member_warning(nomination.earlier_listed),
        "edit_decision": workflow.check_edit(nomination, request.user),
        "version": nomination.version,
        "namespace": _ns(request),
        "submit_label": "推举"
        if intake.submit_action(nomination) == "pioneer_recommend"
        else ("重新提交" if nomination.state == "returned" else "提交"),
    }
    context.update(extra)
    return context


def _upload_limits():
    return {
        "per_file": uploads.format_size(settings.ATTACHMENT_MAX_BYTES),
        "total": uploads.format_size(settings.ATTACHMENT_MAX_TOTAL_BYTES),
        "kinds": uploads.ALLOWED_LABEL,
        "accept": uploads.ACCEPT_ATTRIBUTE,
    }


@author_view
def edit(request, pk):
    nomination = get_entry(request, pk)
    if request.method != "POST":
        decision = workflow.check_edit(nomination, request.user)
        if not decision and nomination.state not in workflow.EDITABLE_STATES:
            messages.info(request, decision.reason)
            return redirect(f"{_ns(request)}:detail", pk=nomination.pk)
        form = build_form(nomination)
        return render(request, "nominations/member/edit.html", _edit_context(request, nomination, form))

    control = EditControlForm(request.POST)
    version = control.posted_version()
    form = build_form(nomination, data=request.POST, complete=False)

    def refuse(message, status, **extra):
        # Nothing is saved; the form is shown again with everything the user typed.
        form.is_valid()
        context = _edit_context(request, nomination, form, refusal=message, **extra)
        context["version"] = version
        return render(request, "nominations/member/edit.html", context, status=status)

    def show_errors(bound, title, **extra):
        # ``title`` takes the number of problems; the form lists each next to its field.
        summary = bound.error_summary()
        context = _edit_context(
            request, nomination, bound, summary=summary, summary_title=title.format(count=len(summary)), **extra
        )
        return render(request, "nominations/member/edit.html", context, status=400)

    decision = workflow.check_edit(nomination, request.user)
    if not decision:
        return refuse(f"{decision.reason}本次填写的内容未保存,已保留在下方。", 403)
    if "action" in control.errors:
        return refuse(f"{first_error(control)}本次填写的内容未保存，已保留在下方。", 400)
    if not form.is_valid():
        return show_errors(form, "有 {count} 处内容格式不正确,草稿未保存。请按提示修改后再保存。", version=version)
    try:
        result = intake.save_draft(nomination, request.user, form.cleaned_payload(), version)
    except intake.EditConflict as exc:
        return refuse(str(exc), 409, conflict=True)
    except intake.IntakeError as exc:
        return refuse(str(exc), 403)
    nomination = result.nomination
    warning = earlier_listed.member_warning(result.earlier_listed)

    if not control.wants_submit():
        messages.success(request, f"草稿已保存({clock.localnow():%H:%M})。提交前可随时修改。")
        if warning:
            messages.warning(request, warning)
        return redirect(f"{_ns(request)}:edit", pk=nomination.pk)

    full = build_form(nomination, data=request.POST, complete=True)
    if not full.is_valid():
        return show_errors(full, "草稿已保存,但申报内容还不完整:共 {count} 处需要填写或修改,请补充后再提交。")
    try:
        intake.submit(nomination, request.user)
    except workflow.WorkflowError as exc:
        nomination.refresh_from_db()
        form = build_form(nomination)
        context = _edit_context(request, nomination, form, refusal=f"未能提交:{exc} 草稿已保存。")
        return render(request, "nominations/member/edit.html", context, status=403)
    nomination.refresh_from_db()
    if nomination.pioneer_id and not nomination.member_unit_id:
        messages.success(request, "已推举,平台秘书处可以看到该候选人。")
    else:
        unit = nomination.recommending_unit
        messages.success(request, f"已提交至{unit}秘书处,状态为“{nomination.get_state_display()}”。")
    if warning:
        messages.warning(request, warning)
    return redirect(f"{_ns(request)}:detail", pk=nomination.pk)


@author_view
@require_POST
def autosave(request, pk):
    """htmx: save the well-formed values while the user types; a small status fragment in return."""
    nomination = get_entry(request, pk)
    version = EditControlForm(request.POST).posted_version()
    context = {"nomination": nomination, "now": clock.localnow(), "version": version, "namespace": _ns(request)}
    decision = workflow.check_edit(nomination, request.user)
    if not decision:
        context.update(saved=False, error=f"未能自动保存:{decision.reason}")
        return render(request, "nominations/includes/autosave_status.html", context)
    form = build_form(nomination, data=request.POST, complete=False)
    form.is_valid()
    payload, bad = form.valid_subset()
    try:
        result = intake.save_draft(nomination, request.user, payload, version)
    except intake.EditConflict:
        context.update(saved=False, conflict=True, error=intake.CONFLICT_MESSAGE)
        return render(request, "nominations/includes/autosave_status.html", context)
    except intake.IntakeError as exc:
        context.update(saved=False, error=f"未能自动保存:{exc}")
        return render(request, "nominations/includes/autosave_status.html", context)
    definition = form.definition
    context.update(
        saved=True,
        complete=not bad,
        bad_labels="、".join(definition._label_of(key) for key in bad),
        version=result.nomination.version,
        earlier_warning=earlier_listed.member_warning(result.earlier_listed),
    )
    return render(request, "nominations/includes/autosave_status.html", context)


@author_view
@require_POST
def act(request, pk, action):
    """Submit, resubmit, withdraw or 推举 from the entry page (after a confirmation in the browser).

    Bad input (the withdrawal's note): the page again with the message next to the field (400); a
    refused action: the page again with the reason (403), the typed note kept.
    """
    nomination = get_entry(request, pk)
    if action not in AUTHOR_ACTIONS:
        raise Http404("不支持的操作。")
    form = WithdrawForm(request.POST) if action == "withdraw" else None
    if form is not None and not form.is_valid():
        messages.error(request, f"操作未完成：{first_error(form)}")
        return _render_detail(request, nomination, withdraw_form=form, status=400)
    try:
        if action == "withdraw":
            workflow.transition(nomination, "withdraw", request.user, note=form.cleaned_data["note"])
        else:
            if intake.submit_action(nomination) != action:
                raise workflow.WorkflowError(
                    Decision.deny(f"当前状态为“{nomination.get_state_display()}”,不能进行此操作。")
                )
            intake.submit(nomination, request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, f"操作未完成:{exc}")
        return _render_detail(request, nomination, withdraw_form=form, status=403)
    label = workflow.TRANSITIONS[action].label
    messages.success(request, f"已{label}。当前状态:{nomination.get_state_display()}。")
    if nomination.earlier_listed_id and action != "withdraw":
        messages.warning(request, earlier_listed.member_warning(nomination.earlier_listed))
    return redirect(reverse(f"{_ns(request)}:detail", kwargs={"pk": nomination.pk}))
