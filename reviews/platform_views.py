"""The platform secretariat's review pages: dispatch, progress and extensions, final review, publication.

Thin: the policy (``run_dispatch``, ``run_final_review``, ``grant_review_extension``) is the gate, the
page data is ``reviews.queries.platform``, the rules are in dispatch, scoring and final; a rule's
refusal is caught once (``except Refused``).
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nominations import exports
from nominations.context_processors import active_campaign
from nominations.models import Campaign, ExportKind, RankingList, RecommendingUnit, UnconfirmedDecision
from nominations.policy import visible_nominations
from nominations.rules.decision import Refused
from reviews import closure, final, paging, publication, scoring, unconfirmed
from reviews import dispatch as dispatching
from reviews.forms import (
    DecideForm,
    DispatchForm,
    ExtensionForm,
    MoveForm,
    RankingExportForm,
    TargetForm,
    UnconfirmedDecisionForm,
)
from reviews.forms.publication import CloseReviewForm, PublishForm
from reviews.models import ReviewBody
from reviews.queries import dispatch as dispatch_queries
from reviews.queries import platform as queries
from reviews.refusal import gated, refused, report

DISPATCH, FINAL, EXTENSION = "run_dispatch", "run_final_review", "grant_review_extension"
SHOWN_PROBLEMS = 20


def _campaign(request: HttpRequest) -> Campaign:
    campaign = active_campaign(request)
    if campaign is None:
        raise PermissionDenied("当前没有进行中的征集年度。")
    return campaign


@login_required
@gated(DISPATCH)
def dispatch_page(request: HttpRequest) -> HttpResponse:
    """The page; a POST without ``confirm`` previews the dispatch, with ``confirm=1`` (and the preview's
    ``digest``) it dispatches what was previewed."""
    campaign = _campaign(request)
    if request.method == "POST":
        form = DispatchForm(request.POST)
        if not form.is_valid():
            back = reverse("reviews:platform_dispatch")
            return refused(request, form, title="分发初评", back=back, resubmit=False)
        if not form.cleaned_data["confirm"]:
            return _dispatch_preview(request, campaign, form.overrides())
        try:
            rows = dispatching.dispatch(
                campaign, request.user, form.overrides(), open_only=True, expected=form.cleaned_data["digest"]
            )
        except Refused as refusal:
            if refusal.problems == [dispatching.CHANGED]:
                messages.error(request, dispatching.CHANGED)
                return _dispatch_preview(request, campaign, form.overrides())
            report(request, refusal, limit=SHOWN_PROBLEMS, footer="分发未执行，所有申报保持原状态。")
        else:
            messages.success(request, f"已将 {len(rows)} 项申报分发至初评机构。")
        return redirect("reviews:platform_dispatch")
    context = queries.dispatch_page(
        request.user,
        campaign,
        group=paging.parse_group(request.GET.get("group")),
        page=request.GET.get("page"),
        dpage=request.GET.get("dpage"),
    )
    for nomination in context["dispatched"]:
        nomination.move_form = MoveForm(campaign, auto_id=f"id_move_{nomination.pk}_%s")
    for row in context["unconfirmed"]:
        row.form = UnconfirmedDecisionForm(auto_id=f"id_unit_{row.unit.pk}_%s")
    return render(request, "reviews/platform/dispatch.html", context)


@login_required
@require_POST
@gated(DISPATCH)
def move_entry(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request)
    nomination = get_object_or_404(visible_nominations(request.user).select_related("dispatch"), pk=pk)
    form = MoveForm(campaign, request.POST)
    if not form.is_valid():
        return refused(request, form, title="调整初评机构", back=reverse("reviews:platform_dispatch"))
    body = form.cleaned_data["body"]
    try:
        dispatching.move(nomination, body, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已将“{nomination}”调整至{body}。")
    return redirect("reviews:platform_dispatch")


def _dispatch_preview(request: HttpRequest, campaign: Campaign, overrides: dict[int, int]) -> HttpResponse:
    return render(request, "reviews/platform/dispatch_preview.html", dispatch_queries.preview(campaign, overrides))


@login_required
@require_POST
@gated(DISPATCH)
def decide_unconfirmed(request: HttpRequest, pk: int) -> HttpResponse:
    """The platform's decision on one unit that did not confirm (``reviews.unconfirmed``)."""
    campaign = _campaign(request)
    unit = get_object_or_404(RecommendingUnit, pk=pk)
    form = UnconfirmedDecisionForm(request.POST, auto_id=f"id_unit_{pk}_%s")
    back = reverse("reviews:platform_dispatch") + "#unconfirmed"
    if not form.is_valid():
        return refused(request, form, title=f"{unit}：是否纳入初评", back=back)
    choice = form.cleaned_data["decision"]
    try:
        _participation, excluded = unconfirmed.decide(request.user, unit, campaign, choice, form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        told = f"，{len(excluded)} 项申报改为“未获推荐”并通知会员" if excluded else ""
        messages.success(request, f"已决定{unit}{UnconfirmedDecision(choice).label}{told}。")
    return redirect(back)


@login_required
@gated(FINAL)
def progress_page(request: HttpRequest) -> HttpResponse:
    context = queries.progress_page(_campaign(request))
    for body in context["bodies"]:
        body.extension_form = ExtensionForm(auto_id=f"id_extension_{body.pk}_%s")
        body.close_form = CloseReviewForm(auto_id=f"id_close_{body.pk}_%s")
    return render(request, "reviews/platform/progress.html", context)


@login_required
@require_POST
@gated(EXTENSION)
def grant_extension(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request)
    body = get_object_or_404(ReviewBody.objects.select_related("campaign"), pk=pk, campaign=campaign)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="批准初评延期", back=reverse("reviews:platform_progress"))
    try:
        scoring.grant_extension(body, form.cleaned_data["until"], request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已为{body}批准初评延期。")
    return redirect("reviews:platform_progress")


@login_required
@gated(FINAL)
def final_page(request: HttpRequest) -> HttpResponse:
    context = queries.final_page(
        _campaign(request),
        group=paging.parse_group(request.GET.get("group")),
        page=request.GET.get("page"),
        normalize=request.GET.get("norm") == "z",
    )
    shown = [entry.nomination for _, entry in context["page"]]
    context["final_form"] = DecideForm(
        entries=[n.pk for n in shown],
        initial={f"reason_{n.pk}": getattr(getattr(n, "final_decision", None), "reason", "") for n in shown},
    )
    return render(request, "reviews/platform/final.html", context)


@login_required
@require_POST
@gated(FINAL)
def decide(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="保存终评结果", back=reverse("reviews:platform_final"))
    posted = form.decisions()
    entries = {
        e.pk: e
        for e in visible_nominations(request.user)
        .filter(campaign=campaign, pk__in=[pk for pk, _choice, _reason in posted])
        .select_related("campaign", "dispatch")
    }
    decisions = []
    for pk, choice, reason in posted:
        entry = entries.get(pk)
        if entry is None or not choice:
            continue
        if final.current_choice(entry) == choice and not reason:
            continue
        decisions.append((entry, choice, reason))
    try:
        changed = final.decide(request.user, decisions)
    except Refused as refusal:
        report(request, refusal, limit=SHOWN_PROBLEMS, footer="终评结果未保存，所有申报保持原状态。")
    else:
        messages.success(request, f"终评结果已保存（{changed} 项申报状态有变化）。")
    return redirect(_final_url(form.cleaned_data))


def _final_url(data: dict[str, Any]) -> str:
    """The final page with the list/domain, page and ranking mode the decisions were posted from."""
    query = {}
    if data.get("group"):
        query["group"] = data["group"]
    if data.get("page"):
        query["page"] = data["page"]
    if data.get("norm") == "z":
        query["norm"] = "z"
    return reverse("reviews:platform_final") + (f"?{urlencode(query)}" if query else "")


@login_required
@require_POST
@gated(FINAL)
def set_target(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request)
    ranking_list = get_object_or_404(RankingList, pk=pk, campaign=campaign)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title=f"设置{ranking_list}拟入榜数量", back=reverse("reviews:platform_final"))
    count = form.cleaned_data["count"]
    final.set_target(ranking_list, count, request.user)
    messages.success(request, f"{ranking_list}拟入榜数量已设为 {count}。")
    return redirect("reviews:platform_final")


@login_required
@require_POST
@gated(FINAL)
def ranking_excel(request: HttpRequest) -> HttpResponse:
    """Start the ranking's export job (``reviews.exports``); the file is picked up on the export list."""
    campaign = _campaign(request)
    form = RankingExportForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="导出终评排名", back=reverse("reviews:platform_final"), resubmit=False)
    normalize = form.cleaned_data["norm"] == "z"
    job = exports.create_review_job(request.user, ExportKind.RANKING, campaign, normalize=normalize)
    messages.success(request, f"已开始导出终评排名：{job.description}。可以离开本页，稍后在“导出”下载。")
    return redirect("exports:list")


# ---------------------------------------------------------------- publication per list, closure of a body


@login_required
@require_POST
@gated(FINAL)
def publish(request: HttpRequest) -> HttpResponse:
    """Publish one list: without ``confirm`` the preview (what will be published, the notices), with
    ``confirm=1`` the publication (``reviews.publication.publish``)."""
    campaign = _campaign(request)
    form = PublishForm(campaign, request.POST)
    if not form.is_valid():
        return refused(request, form, title="发布榜单", back=reverse("reviews:platform_final"), resubmit=False)
    ranking_list = form.cleaned_data["ranking_list"]
    if not form.cleaned_data["confirm"]:
        context = queries.publish_preview(campaign, ranking_list)
        return render(request, "reviews/platform/publish_preview.html", context)
    try:
        publication.publish(campaign, request.user, ranking_list)
    except Refused as refusal:
        report(request, refusal)
        return redirect("reviews:platform_final")
    messages.success(
        request, f"{campaign.year}年{ranking_list.name}已发布，结果通知将发送至各会员单位和推荐单位秘书处。"
    )
    return redirect("publication:lists", year=campaign.year)


@login_required
@require_POST
@gated(FINAL)
def close_review(request: HttpRequest, pk: int) -> HttpResponse:
    """关闭初评 of a body that never reported (``reviews.closure``), with the recorded reason."""
    campaign = _campaign(request)
    body = get_object_or_404(ReviewBody.objects.select_related("campaign"), pk=pk, campaign=campaign)
    form = CloseReviewForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title=f"关闭{body}初评", back=reverse("reviews:platform_progress"))
    try:
        closure.close_review(body, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已关闭{body}的初评，该机构视为已报送，已提交的评分计入终评。")
    return redirect("reviews:platform_progress")
