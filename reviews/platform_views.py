"""The platform secretariat's review pages: dispatch, progress and extensions, final review, publication."""

from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kczg_site import clock
from kczg_site.context_processors import active_campaign
from nominations.batch import parse_id
from nominations.models import RankingList
from nominations.policy import may, visible_nominations
from nominations.workflow import WorkflowError
from reviews import dispatch as dispatching
from reviews import excel, final, scoring
from reviews.models import Assignment, Dispatch, ReviewBody

MAX_TARGET = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _platform(request, action="run_final_review"):
    decision = may(request.user, action)
    if not decision:
        raise PermissionDenied(decision.reason)
    campaign = active_campaign(request)
    if campaign is None:
        raise PermissionDenied("当前没有进行中的征集年度。")
    return campaign


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _bodies(campaign):
    # Two grouped counts instead of one annotate over both joins: joining dispatches and assignments
    # at once multiplies the rows (entries × assignments per body) and took seconds at 25,000 entries.
    bodies = list(ReviewBody.objects.filter(campaign=campaign).select_related("submission").order_by("order"))
    entries = dict(Dispatch.objects.filter(body__in=bodies).values_list("body_id").annotate(n=Count("pk")).order_by())
    assignments = dict(
        Assignment.objects.filter(body__in=bodies, active=True)
        .values_list("body_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for body in bodies:
        body.n_entries = entries.get(body.pk, 0)
        body.n_assignments = assignments.get(body.pk, 0)
    return bodies


@login_required
def dispatch_page(request):
    campaign = _platform(request, "run_dispatch")
    if request.method == "POST":
        overrides = {key.removeprefix("body_"): value for key, value in request.POST.items() if key.startswith("body_")}
        try:
            rows = dispatching.dispatch(campaign, request.user, overrides)
        except dispatching.DispatchError as error:
            for problem in error.problems[:20]:
                messages.error(request, problem)
            if len(error.problems) > 20:
                messages.error(request, f"另有 {len(error.problems) - 20} 项问题未列出。")
            messages.error(request, "分发未执行,所有申报保持原状态。")
        else:
            messages.success(request, f"已将 {len(rows)} 项申报分发至初评机构。")
        return redirect("reviews:platform_dispatch")
    rows = dispatching.plan(campaign)
    now = clock.now()
    context = {
        "campaign": campaign,
        "rows": rows,
        "bodies": _bodies(campaign),
        "opens": campaign.platform_deadline,
        "is_open": now >= campaign.platform_deadline,
        "dispatched": visible_nominations(request.user)
        .filter(campaign=campaign, dispatch__isnull=False, state="in_review")
        .select_related("ranking_list", "domain", "recommending_unit", "dispatch__body")
        .annotate(n_assigned=Count("assignments", filter=Q(assignments__active=True)))
        .order_by("ranking_list__order", "domain__order", "pk"),
        "all_bodies": ReviewBody.objects.filter(campaign=campaign).prefetch_related("coverages"),
    }
    return render(request, "reviews/platform/dispatch.html", context)


@login_required
@require_POST
def move_entry(request, pk):
    campaign = _platform(request, "run_dispatch")
    nomination = get_object_or_404(visible_nominations(request.user).select_related("dispatch"), pk=pk)
    body_pk = parse_id(request.POST.get("body", ""))
    body = ReviewBody.objects.filter(pk=body_pk, campaign=campaign).first() if body_pk else None
    if body is None:
        messages.error(request, "请选择要调整到的初评机构。")
        return redirect("reviews:platform_dispatch")
    try:
        dispatching.move(nomination, body, request.user, request.POST.get("reason", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已将“{nomination}”调整至{body}。")
    return redirect("reviews:platform_dispatch")


@login_required
def progress_page(request):
    campaign = _platform(request)
    bodies = _bodies(campaign)
    for body in bodies:
        body.deadline = scoring.scoring_deadline(body)
    context = {"campaign": campaign, "bodies": bodies}
    return render(request, "reviews/platform/progress.html", context)


@login_required
@require_POST
def grant_extension(request, pk):
    campaign = _platform(request, "grant_review_extension")
    body = get_object_or_404(ReviewBody.objects.select_related("campaign"), pk=pk, campaign=campaign)
    try:
        until = datetime.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, "请填写延期至的日期和时间。")
        return redirect("reviews:platform_progress")
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    try:
        scoring.grant_extension(body, until, request.user, request.POST.get("reason", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已为{body}批准初评延期。")
    return redirect("reviews:platform_progress")


@login_required
def final_page(request):
    campaign = _platform(request)
    normalize = request.GET.get("norm") == "z"
    groups, targets = final.ranked_groups(campaign, normalize=normalize)
    lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
    for ranking_list in lists:
        ranking_list.target_count = targets.get(ranking_list.pk)
        ranking_list.listed_count = sum(
            1
            for group in groups
            if group.ranking_list.pk == ranking_list.pk
            for entry in group.entries
            if entry.nomination.state in ("listed", "published")
        )
    context = {
        "campaign": campaign,
        "groups": groups,
        "lists": lists,
        "normalize": normalize,
        "choices": final.CHOICES,
        "publish_decision": final.check_publish(campaign),
        "publication": getattr(campaign, "publication", None),
    }
    return render(request, "reviews/platform/final.html", context)


@login_required
@require_POST
def decide(request):
    campaign = _platform(request)
    ids = [pk for pk in map(parse_id, request.POST.getlist("entry")) if pk is not None]
    entries = {
        e.pk: e
        for e in visible_nominations(request.user)
        .filter(campaign=campaign, pk__in=ids)
        .select_related("campaign", "dispatch")
    }
    decisions = []
    for pk in ids:
        entry = entries.get(pk)
        choice = request.POST.get(f"choice_{pk}", "")
        if entry is None or not choice:
            continue
        if final.current_choice(entry) == choice and not request.POST.get(f"reason_{pk}", "").strip():
            continue
        decisions.append((entry, choice, request.POST.get(f"reason_{pk}", "")))
    try:
        changed = final.decide(request.user, decisions)
    except final.FinalReviewError as error:
        for problem in error.problems[:20]:
            messages.error(request, problem)
        messages.error(request, "终评结果未保存,所有申报保持原状态。")
    else:
        messages.success(request, f"终评结果已保存({changed} 项申报状态有变化)。")
    return redirect("reviews:platform_final")


@login_required
@require_POST
def set_target(request, pk):
    campaign = _platform(request)
    ranking_list = get_object_or_404(RankingList, pk=pk, campaign=campaign)
    try:
        count = int(request.POST.get("count", ""))
        if not 0 <= count <= MAX_TARGET:  # the upper bound keeps the number inside the column
            raise ValueError
    except ValueError:
        messages.error(request, f"入榜数量应为 0 至 {MAX_TARGET} 之间的整数。")
    else:
        final.set_target(ranking_list, count, request.user)
        messages.success(request, f"{ranking_list}拟入榜数量已设为 {count}。")
    return redirect("reviews:platform_final")


@login_required
@require_POST
def publish(request):
    campaign = _platform(request)
    try:
        final.publish(campaign, request.user)
    except final.FinalReviewError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("reviews:platform_final")
    messages.success(request, f"{campaign.year}年榜单已发布。")
    return redirect("publication:lists", year=campaign.year)


@login_required
def ranking_excel(request):
    campaign = _platform(request)
    normalize = request.GET.get("norm") == "z"
    groups, _ = final.ranked_groups(campaign, normalize=normalize)
    return _xlsx(excel.ranking_workbook(campaign, groups, normalize=normalize), f"{campaign.year}年终评排名.xlsx")
