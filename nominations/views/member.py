"""The author side: member units (namespace ``member``) and pioneers (namespace ``pioneer``) fill in,
save, submit and follow their own entries. Thin: the pages are assembled by
``nominations.queries.member``; the rules are in ``nominations.intake``, ``nominations.workflow`` and
``nominations.policy``.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kczg_site import clock
from nominations import intake, page_modes, policy, workflow
from nominations.context_processors import active_campaign
from nominations.forms import build_form
from nominations.forms.actions import EditControlForm, WithdrawForm
from nominations.forms.builder import NominationForm
from nominations.forms.creation import NewEntryForm, new_token
from nominations.forms.fields import first_error
from nominations.models import Nomination, Role
from nominations.queries import member as pages
from nominations.rules import earlier_listed
from nominations.rules.decision import ALLOW, Decision, Refused, require
from nominations.views.gates import visible_entry

ROLE_OF_NAMESPACE = {"member": Role.MEMBER, "pioneer": Role.PIONEER}
EDIT_TEMPLATE = "nominations/member/edit.html"
KEPT = "本次填写的内容未保存，已保留在下方。"

# The attachment views (``views.attachments``) show the same limits.
_upload_limits = pages.upload_limits


def author_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and the role must fit the namespace (member pages for members, …)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if policy.role_of(request.user) != ROLE_OF_NAMESPACE.get(_ns(request)):
            raise Http404("没有找到该页面。")
        return view(request, *args, **kwargs)

    return wrapper


def _ns(request: HttpRequest) -> str:
    return request.resolver_match.namespace


# ---------------------------------------------------------------- dashboards and creating


@author_view
def dashboard(request: HttpRequest) -> HttpResponse:
    campaign = active_campaign(request)
    context = {"campaign": campaign, "namespace": _ns(request)}
    if campaign is None:
        return render(request, "nominations/member/dashboard.html", context)
    if _ns(request) == "pioneer":
        context.update(pages.pioneer_dashboard(request.user, campaign))
        template = "nominations/pioneer/dashboard.html"
    else:
        context.update(pages.member_dashboard(request.user, campaign))
        template = "nominations/member/dashboard.html"
    # 填写 or 查看 per entry, and the banner once creating is closed: the same rules as the pages behind.
    if context["deadline"] is not None:
        kind = "platform" if _ns(request) == "pioneer" else "member"
        page_modes.remember_deadline(context["entries"], context["deadline"], kind)
    page_modes.mark_editable(context["entries"], request.user)
    context["create_mode"] = page_modes.create_mode(request.user, campaign, _ns(request))
    return render(request, template, context)


@author_view
def new_entry(request: HttpRequest) -> HttpResponse:
    campaign = active_campaign(request)
    if campaign is None:
        raise Http404("当前没有开放的征集年度。")
    mode = page_modes.create_mode(request.user, campaign, _ns(request))
    if mode.read_only:
        # After the deadline (or without a unit): the reason and the way on, instead of a form that would fail.
        context = {"campaign": campaign, "mode": mode, "namespace": _ns(request)}
        return render(request, "nominations/member/new.html", context, status=403 if request.method == "POST" else 200)
    lists = pages.creatable_lists(campaign, pioneer=_ns(request) == "pioneer")
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
            except Refused as refusal:
                error = str(refusal)
            else:
                messages.success(request, f"已创建{nomination.list_label}申报草稿，请填写申报内容。")
                return redirect(f"{_ns(request)}:edit", pk=nomination.pk)
    context = {
        "campaign": campaign,
        "lists": lists,
        "error": error,
        "chosen_list": form["ranking_list"].value() or "",
        "chosen_domain": form["domain"].value() or "",
        "token": new_token(),
        "deadline": intake.creation_deadline(request.user, campaign),
        "namespace": _ns(request),
    }
    return render(request, "nominations/member/new.html", context, status=400 if error else 200)


# ---------------------------------------------------------------- the entry page


@author_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_entry(request, pk))


def _render_detail(
    request: HttpRequest, nomination: Nomination, withdraw_form: WithdrawForm | None = None, status: int = 200
) -> HttpResponse:
    context = pages.detail_page(request.user, nomination, _ns(request), withdraw_form or WithdrawForm())
    return render(request, "nominations/member/detail.html", context, status=status)


def _render_edit(
    request: HttpRequest, nomination: Nomination, form: NominationForm, status: int = 200, **extra: Any
) -> HttpResponse:
    """The edit page in the mode the clock and the state put it in (``page_modes.edit_mode``): the form,
    or the entry read-only with the banner (and, after a refused save, what was typed, to copy)."""
    context = pages.edit_page(request.user, nomination, form, _ns(request))
    context["mode"] = page_modes.edit_mode(nomination, request.user, _ns(request))
    context.update(extra)
    return render(request, EDIT_TEMPLATE, context, status=status)


@author_view
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = visible_entry(request, pk)
    if request.method != "POST":
        return _render_edit(request, nomination, build_form(nomination))

    control = EditControlForm(request.POST)
    version = control.posted_version()
    form = build_form(nomination, data=request.POST, complete=False)

    def refuse(message: str, status: int, **extra: Any) -> HttpResponse:
        # Nothing is saved; the form is shown again with everything the user typed.
        form.is_valid()
        return _render_edit(request, nomination, form, status, refusal=message, version=version, kept=True, **extra)

    def show_errors(bound: NominationForm, title: str, **extra: Any) -> HttpResponse:
        # ``title`` takes the number of problems; the form lists each next to its field.
        summary = bound.error_summary()
        title = title.format(count=len(summary))
        return _render_edit(request, nomination, bound, 400, summary=summary, summary_title=title, **extra)

    decision = workflow.check_edit(nomination, request.user)
    if not decision:
        return refuse(f"{decision.reason}本次填写的内容未保存，已保留在下方。", 403)
    if "action" in control.errors:
        return refuse(f"{first_error(control)}{KEPT}", 400)
    if not form.is_valid():
        return show_errors(form, "有 {count} 处内容格式不正确，草稿未保存。请按提示修改后再保存。", version=version)
    try:
        result = intake.save_draft(nomination, request.user, form.cleaned_payload(), version)
    except Refused as refusal:
        conflict = isinstance(refusal, intake.EditConflict)
        return refuse(str(refusal), 409 if conflict else 403, conflict=conflict)
    nomination = result.nomination
    warning = earlier_listed.member_warning(result.earlier_listed)

    if not control.wants_submit():
        messages.success(request, f"草稿已保存（{clock.localnow():%H:%M}）。提交前可随时修改。")
        if warning:
            messages.warning(request, warning)
        return redirect(f"{_ns(request)}:edit", pk=nomination.pk)

    full = build_form(nomination, data=request.POST, complete=True)
    if not full.is_valid():
        return show_errors(full, "草稿已保存，但申报内容还不完整：共 {count} 处需要填写或修改，请补充后再提交。")
    try:
        intake.submit(nomination, request.user)
    except Refused as refusal:
        nomination.refresh_from_db()
        refused = f"未能提交：{refusal} 草稿已保存。"
        return _render_edit(request, nomination, build_form(nomination), 403, refusal=refused)
    # ``intake.submit`` (``workflow.transition``) left the instance as the row is now: no second read.
    if nomination.pioneer_id and not nomination.member_unit_id:
        messages.success(request, "已推举，平台秘书处可以看到该候选人。")
    else:
        unit = nomination.recommending_unit
        messages.success(request, f"已提交至{unit}秘书处，状态为“{nomination.get_state_display()}”。")
    if warning:
        messages.warning(request, warning)
    return redirect(f"{_ns(request)}:detail", pk=nomination.pk)


@author_view
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the well-formed values while the user types; a small status fragment in return."""
    nomination = visible_entry(request, pk)
    version = EditControlForm(request.POST).posted_version()
    context = {"nomination": nomination, "now": clock.localnow(), "version": version, "namespace": _ns(request)}
    decision = workflow.check_edit(nomination, request.user)
    if not decision:
        context.update(saved=False, error=f"未能自动保存：{decision.reason}")
        return render(request, "nominations/includes/autosave_status.html", context)
    form = build_form(nomination, data=request.POST, complete=False)
    form.is_valid()
    payload, bad = form.valid_subset()
    try:
        result = intake.save_draft(nomination, request.user, payload, version)
    except Refused as refusal:
        conflict = isinstance(refusal, intake.EditConflict)
        error = intake.CONFLICT_MESSAGE if conflict else f"未能自动保存：{refusal}"
        context.update(saved=False, conflict=conflict, error=error)
        return render(request, "nominations/includes/autosave_status.html", context)
    context.update(
        saved=True,
        complete=not bad,
        bad_labels="、".join(form.definition._label_of(key) for key in bad),
        version=result.nomination.version,
        earlier_warning=earlier_listed.member_warning(result.earlier_listed),
    )
    return render(request, "nominations/includes/autosave_status.html", context)


@author_view
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, resubmit, withdraw or 推举 from the entry page (after a confirmation in the browser).

    Bad input (the withdrawal's note): the page again with the message next to the field (400); a
    refused action: the page again with the reason (403), the typed note kept.
    """
    nomination = visible_entry(request, pk)
    if action not in pages.AUTHOR_ACTIONS:
        raise Http404("不支持的操作。")
    form = WithdrawForm(request.POST) if action == "withdraw" else None
    if form is not None and not form.is_valid():
        messages.error(request, f"操作未完成：{first_error(form)}")
        return _render_detail(request, nomination, withdraw_form=form, status=400)
    try:
        if action == "withdraw":
            workflow.transition(nomination, "withdraw", request.user, note=form.cleaned_data["note"])
        else:
            fits = intake.submit_action(nomination) == action
            state = nomination.get_state_display()
            require(ALLOW if fits else Decision.deny(f"当前状态为“{state}”，不能进行此操作。"), workflow.WorkflowError)
            intake.submit(nomination, request.user)
    except Refused as refusal:
        messages.error(request, f"操作未完成：{refusal}")
        return _render_detail(request, nomination, withdraw_form=form, status=403)
    label = workflow.TRANSITIONS[action].label
    messages.success(request, f"已{label}。当前状态：{nomination.get_state_display()}。")
    if nomination.earlier_listed_id and action != "withdraw":
        messages.warning(request, earlier_listed.member_warning(nomination.earlier_listed))
    return redirect(f"{_ns(request)}:detail", pk=nomination.pk)
