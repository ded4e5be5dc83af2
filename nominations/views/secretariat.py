"""The recommending unit's secretariat: dashboard, inbox, entry page, batch actions, confirmation,
member units and the unit's mail log. Thin: the gate is ``views.gates``, the pages are assembled by
``nominations.queries.secretariat`` and every rule lives in the services it calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nominations import batch, confirmation, formal, membership, opinions, policy, workflow
from nominations.forms.actions import BatchForm, TransitionForm
from nominations.forms.confirmation import ConfirmRecommendationsForm
from nominations.forms.fields import first_error
from nominations.forms.opinion import OpinionForm
from nominations.forms.staff import MemberInviteForm
from nominations.models import Campaign, Nomination, RecommendingUnit
from nominations.queries import common
from nominations.queries import confirmation as confirmation_pages
from nominations.queries import formal as formal_pages
from nominations.queries import secretariat as pages
from nominations.queries.opinions import opinion_card
from nominations.rules.decision import Refused
from nominations.views import imports
from nominations.views.formal_post import post_review
from nominations.views.gates import secretariat_scope, visible_entry

# ---------------------------------------------------------------- dashboard and inbox


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    unit, campaign = secretariat_scope(request)
    return render(request, "nominations/secretariat/dashboard.html", pages.dashboard(request.user, unit, campaign))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unit, campaign = secretariat_scope(request)
    filterset, page = pages.inbox(request.user, campaign, request.GET, request.GET.get("page"))
    context = {
        "unit": unit,
        "campaign": campaign,
        "filter": filterset,
        "page": page,
        "batch_form": BatchForm(),
        "confirmed": confirmation.is_confirmed(unit, campaign),
    }
    return render(request, "nominations/secretariat/inbox.html", context)


# ---------------------------------------------------------------- one entry


@login_required
def nomination(request: HttpRequest, pk: int) -> HttpResponse:
    unit, campaign = secretariat_scope(request)
    return _render_nomination(request, unit, campaign, visible_entry(request, pk))


def _render_nomination(
    request: HttpRequest,
    unit: RecommendingUnit,
    campaign: Campaign,
    nomination: Nomination,
    bound: TransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The entry page; ``bound``: the posted action's form, shown again with its errors and text."""
    context = pages.entry_page(request.user, unit, campaign, nomination, bound)
    return render(request, "nominations/secretariat/nomination.html", context, status=status)


@login_required
@require_POST
def nomination_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on one entry. Bad input: the page again with the message next to the field (400);
    a refused action: the page again with the reason (403); the typed note is kept in both."""
    unit, campaign = secretariat_scope(request)
    nomination = visible_entry(request, pk)
    form = TransitionForm(request.POST)
    if form.action_unknown:
        raise Http404("不支持的操作。")
    spec = form.spec
    if not form.is_valid():
        messages.error(request, f"不能{spec.label}：{first_error(form)}")
        return _render_nomination(request, unit, campaign, nomination, bound=form, status=400)
    note = form.cleaned_data["note"]
    override_reason = form.cleaned_data["override_reason"] if nomination.earlier_listed_id else ""
    try:
        # The workflow checks the earlier-listed rule and records the override reason (once).
        workflow.transition(nomination, spec.action, request.user, note=note, override_reason=override_reason)
    except Refused as refusal:
        messages.error(request, f"不能{spec.label}：{refusal}")
        return _render_nomination(request, unit, campaign, nomination, bound=form, status=403)
    messages.success(request, f"已{spec.label}：{nomination}。")
    return redirect("secretariat:nomination", pk=nomination.pk)


@login_required
@require_POST
def formal_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The formal review (形式审查) of one entry: all passed (a 已提交 entry is accepted), or the failed
    items returned with a fix-by time. Bad input: the page again with the messages next to the fields
    (400); a refused review: the page again with the reason (403). Nothing is changed in both."""
    unit, campaign = secretariat_scope(request)
    nomination = visible_entry(request, pk)
    posted = post_review(request, nomination, formal.review, who="", on_fail="已退回修改")
    if posted.recorded:
        return redirect("secretariat:nomination", pk=nomination.pk)
    context = pages.entry_page(request.user, unit, campaign, nomination)
    context["formal_review"] = formal_pages.card(request.user, nomination, posted.form)
    return render(request, "nominations/secretariat/nomination.html", context, status=posted.status)


@login_required
@require_POST
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the 推荐意见. Bad input: the page again with the message next to the field and the text
    kept (400); refused: the page again with the reason (403)."""
    unit, campaign = secretariat_scope(request)
    nomination = visible_entry(request, pk)
    form = OpinionForm(request.POST, nomination=nomination)
    status = 400
    if form.is_valid():
        try:
            opinions.write_opinion(nomination, request.user, form.cleaned_data["opinion"])
        except Refused as refusal:
            messages.error(request, f"不能保存推荐意见：{refusal}")
            status = 403
        else:
            messages.success(request, f"已保存推荐意见：{nomination}。")
            return redirect("secretariat:nomination", pk=nomination.pk)
    else:
        messages.error(request, f"不能保存推荐意见：{first_error(form)}")
    context = pages.entry_page(request.user, unit, campaign, nomination)
    context["opinion"] = opinion_card(request.user, nomination, form)
    return render(request, "nominations/secretariat/nomination.html", context, status=status)


# ---------------------------------------------------------------- batch actions


@login_required
@require_POST
def batch_action(request: HttpRequest) -> HttpResponse:
    unit, campaign = secretariat_scope(request)
    form = BatchForm(request.POST)
    if not form.is_valid():
        # The preview page again, with the message next to the field and what was typed.
        if form.applying:
            messages.error(request, "本批操作未执行，没有任何申报被修改。")
        action = form.cleaned_data.get("action", "")
        result = batch.BatchResult(action=action, problems=[first_error(form)])
        return _render_batch(request, unit, campaign, form, result, form.cleaned_data.get("ids", []))
    action, ids, note = form.cleaned_data["action"], form.cleaned_data["ids"], form.cleaned_data["note"]
    if form.cleaned_data["apply"] == "1":
        try:
            result = batch.apply(request.user, action, ids, note=note)
        except Refused as refusal:
            messages.error(request, "本批操作未执行，没有任何申报被修改。")
            # A BatchRefused carries the BatchResult: every item with its decision.
            result = refusal.detail or batch.BatchResult(action=action, problems=refusal.problems)
        else:
            messages.success(request, f"已批量{result.label} {len(result.items)} 项申报。")
            return redirect("secretariat:inbox")
    else:
        result = batch.preview(request.user, action, ids, note=note)
    return _render_batch(request, unit, campaign, form, result, [item.nomination.pk for item in result.items])


def _render_batch(
    request: HttpRequest,
    unit: RecommendingUnit,
    campaign: Campaign,
    form: BatchForm,
    result: batch.BatchResult,
    ids: list[int],
) -> HttpResponse:
    context = {
        "unit": unit,
        "campaign": campaign,
        "result": result,
        "form": form,
        "ids": ids,
        "note": form.cleaned_data.get("note", "") if form.is_valid() else "",
        "spec": workflow.TRANSITIONS.get(result.action),
        "meters": pages.meter_rows(request.user, unit, campaign) if result.action == "recommend" else [],
    }
    return render(request, "nominations/secretariat/batch_preview.html", context)


# ---------------------------------------------------------------- confirmation and mail log


@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """GET (or POST without ``confirm=1``): the preview — per list, recommended / quota / unhandled,
    and what confirming will do. POST with ``confirm=1``: confirm (the unhandled become 未获推荐)."""
    unit, campaign = secretariat_scope(request)
    form = ConfirmRecommendationsForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST" and form.confirming:
        try:
            confirmation.confirm(request.user, unit, campaign)
        except Refused as refusal:
            messages.error(request, f"不能确认：{refusal}")
            status = 403
        else:
            messages.success(request, "已向平台确认本单位的推荐结果。如需修改，请联系平台秘书处重新开放。")
            return redirect("secretariat:dashboard")
    context = {**confirmation_pages.preview(request.user, unit, campaign), "form": form}
    return render(request, "nominations/secretariat/confirm.html", context, status=status)


@login_required
def mail_log(request: HttpRequest) -> HttpResponse:
    unit, _campaign = secretariat_scope(request)
    filterset, page = common.mail_log(request.user, request.GET, request.GET.get("page"), pages.INBOX_PAGE_SIZE)
    context = {"unit": unit, "filter": filterset, "page": page, "base": "secretariat"}
    return render(request, "nominations/secretariat/mail_log.html", context)


# ---------------------------------------------------------------- member units


@login_required
def members(request: HttpRequest) -> HttpResponse:
    unit, _campaign = secretariat_scope(request)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = membership.invite_member_unit(request.user, unit, form.as_row())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已邀请会员单位“{member.name}”，设置密码的链接已发送到 {member.contact_email}。")
            return redirect("secretariat:members")
    context = {"unit": unit, "form": form, "member_units": pages.member_units(request.user)}
    return render(request, "nominations/secretariat/members.html", context)


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    secretariat_scope(request)
    member = get_object_or_404(policy.visible_member_units(request.user), pk=pk)
    try:
        membership.deactivate_member_unit(request.user, member)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"已停用会员单位“{member.name}”及其账号。")
    return redirect("secretariat:members")


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    unit, _campaign = secretariat_scope(request)
    return imports.import_page(request, imports.MEMBER_IMPORT, unit, unit=unit)
