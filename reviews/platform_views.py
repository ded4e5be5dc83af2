"""The platform secretariat's review pages: dispatch, progress and extensions, final review, publication."""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kczg_site import clock
from kczg_site.paging import page_of
from nominations import exports
from nominations.context_processors import active_campaign
from nominations.models import ExportKind, RankingList
from nominations.policy import may, visible_nominations
from nominations.rules.decision import Refused
from reviews import dispatch as dispatching
from reviews import final, paging, scoring
from reviews.forms import DecideForm, DispatchForm, ExtensionForm, MoveForm, RankingExportForm, TargetForm
from reviews.models import Assignment, Dispatch, ReviewBody
from reviews.refusal import refused


def _platform(request, action="run_final_review"):
    decision = may(request.user, action)
    if not decision:
        raise PermissionDenied(decision.reason)
    campaign = active_campaign(request)
    if campaign is None:
        raise PermissionDenied("当前没有进行中的征集年度。")
    return campaign


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


def _group_labels(campaign):
    """``{group key: "榜单 · 领域"}`` for every list/domain of the campaign, in list and domain order."""
    labels = {}
    for ranking_list in RankingList.objects.filter(campaign=campaign).prefetch_related("domains").order_by("order"):
        domains = sorted(ranking_list.domains.all(), key=lambda d: (d.order, d.pk))
        if not domains:
            labels[paging.group_key(ranking_list.pk, None)] = ranking_list.name
        for domain in domains:
            labels[paging.group_key(ranking_list.pk, domain.pk)] = f"{ranking_list.name} · {domain.name}"
    return labels


def _dispatch_tables(request, campaign):
    """The dispatch page's summary per list/domain and its two paged tables (bounded queries).

    The plan is computed over every pending entry of the shown list/domain (the even split of 绿色低碳
    depends on the entries before), from ids only; the full rows are loaded for the shown page.
    """
    selected = paging.parse_group(request.GET.get("group"))
    pending = list(dispatching.pending_entries(campaign).values_list("pk", "ranking_list_id", "domain_id", named=True))
    in_review = dispatching_in_review(request.user, campaign)
    dispatched_counts = {
        paging.group_key(list_id, domain_id): n
        for list_id, domain_id, n in in_review.order_by()
        .values_list("ranking_list_id", "domain_id")
        .annotate(n=Count("pk"))
    }
    pending_counts = Counter(paging.group_key(e.ranking_list_id, e.domain_id) for e in pending)
    summaries = [
        {"key": key, "label": label, "pending": pending_counts.get(key, 0), "dispatched": dispatched_counts.get(key, 0)}
        for key, label in _group_labels(campaign).items()
        if pending_counts.get(key) or dispatched_counts.get(key)
    ]
    if selected is not None:
        pending = [e for e in pending if paging.group_key(e.ranking_list_id, e.domain_id) == selected]
        list_id, domain_id = paging.split_group(selected)
        in_review = in_review.filter(ranking_list_id=list_id, domain_id=domain_id)
    rows_page = page_of(dispatching.plan(campaign, entries=pending), request.GET.get("page"))
    full = dispatching.pending_entries(campaign).defer("data").in_bulk([row.nomination.pk for row in rows_page])
    for row in rows_page:
        row.nomination = full[row.nomination.pk]
    dispatched_page = page_of(
        in_review.select_related("ranking_list", "domain", "recommending_unit", "dispatch__body").defer("data"),
        request.GET.get("dpage"),
    )
    assigned = dict(
        Assignment.objects.filter(nomination__in=[n.pk for n in dispatched_page], active=True)
        .values_list("nomination_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    coverage = dispatching.coverage_map(campaign)
    for nomination in dispatched_page:
        nomination.n_assigned = assigned.get(nomination.pk, 0)
        nomination.move_form = MoveForm(campaign, auto_id=f"id_move_{nomination.pk}_%s")
        nomination.move_choices = [
            body
            for body in coverage.get((nomination.ranking_list_id, nomination.domain_id), [])
            if body.pk != nomination.dispatch.body_id
        ]
    return {
        "summaries": summaries,
        "selected": selected,
        "selected_label": next((s["label"] for s in summaries if s["key"] == selected), None),
        "pending_total": sum(pending_counts.values()),
        "dispatched_total": sum(dispatched_counts.values()),
        "rows": rows_page,
        "dispatched": dispatched_page,
    }


def dispatching_in_review(user, campaign):
    """The dispatched entries still in 初评中 that ``user`` may see, in list, domain and id order."""
    return (
        visible_nominations(user)
        .filter(campaign=campaign, dispatch__isnull=False, state="in_review")
        .order_by("ranking_list__order", "domain__order", "pk")
    )


@login_required
def dispatch_page(request):
    campaign = _platform(request, "run_dispatch")
    if request.method == "POST":
        form = DispatchForm(request.POST)
        if not form.is_valid():
            back = reverse("reviews:platform_dispatch")
            return refused(request, form, title="分发初评", back=back, resubmit=False)
        try:
            rows = dispatching.dispatch(campaign, request.user, form.overrides())
        except dispatching.DispatchError as error:
            for problem in error.problems[:20]:
                messages.error(request, problem)
            if len(error.problems) > 20:
                messages.error(request, f"另有 {len(error.problems) - 20} 项问题未列出。")
            messages.error(request, "分发未执行,所有申报保持原状态。")
        else:
            messages.success(request, f"已将 {len(rows)} 项申报分发至初评机构。")
        return redirect("reviews:platform_dispatch")
    context = {"campaign": campaign, "bodies": _bodies(campaign), "opens": campaign.platform_deadline}
    context["is_open"] = clock.now() >= campaign.platform_deadline
    context.update(_dispatch_tables(request, campaign))
    return render(request, "reviews/platform/dispatch.html", context)


@login_required
@require_POST
def move_entry(request, pk):
    campaign = _platform(request, "run_dispatch")
    nomination = get_object_or_404(visible_nominations(request.user).select_related("dispatch"), pk=pk)
    form = MoveForm(campaign, request.POST)
    if not form.is_valid():
        return refused(request, form, title="调整初评机构", back=reverse("reviews:platform_dispatch"))
    body = form.cleaned_data["body"]
    try:
        dispatching.move(nomination, body, request.user, form.cleaned_data["reason"])
    except Refused as error:
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
        body.extension_form = ExtensionForm(auto_id=f"id_extension_{body.pk}_%s")
    context = {"campaign": campaign, "bodies": bodies}
    return render(request, "reviews/platform/progress.html", context)


@login_required
@require_POST
def grant_extension(request, pk):
    campaign = _platform(request, "grant_review_extension")
    body = get_object_or_404(ReviewBody.objects.select_related("campaign"), pk=pk, campaign=campaign)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="批准初评延期", back=reverse("reviews:platform_progress"))
    try:
        scoring.grant_extension(body, form.cleaned_data["until"], request.user, form.cleaned_data["reason"])
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已为{body}批准初评延期。")
    return redirect("reviews:platform_progress")


@login_required
def final_page(request):
    campaign = _platform(request)
    normalize = request.GET.get("norm") == "z"
    # Ranks and proposals over every entry of each list/domain (ids only), then one page of full rows.
    groups, targets = final.ranked_groups(
        campaign, normalize=normalize, entries=final.light_review_entries(campaign), with_counts=False
    )
    listed = Counter(
        group.ranking_list.pk
        for group in groups
        for entry in group.entries
        if entry.nomination.state in ("listed", "published")
    )
    lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
    for ranking_list in lists:
        ranking_list.target_count = targets.get(ranking_list.pk)
        ranking_list.listed_count = listed[ranking_list.pk]
    selected = paging.parse_group(request.GET.get("group"))
    summaries = [
        {
            "group": group,
            "total": len(group.entries),
            "ranked": sum(1 for e in group.entries if e.rank is not None),
            "listed": sum(1 for e in group.entries if e.nomination.state in ("listed", "published")),
            "undecided": sum(1 for e in group.entries if e.nomination.state in final.UNDECIDED_STATES),
        }
        for group in groups
    ]
    shown = [(group, entry) for group in groups if selected in (None, group.key) for entry in group.entries]
    page = page_of(shown, request.GET.get("page"))
    full = final.review_entries(campaign).defer("data").in_bulk([entry.nomination.pk for _, entry in page])
    for _, entry in page:
        entry.nomination = full[entry.nomination.pk]
    final_form = DecideForm(
        entries=[entry.nomination.pk for _, entry in page],
        initial={
            f"reason_{entry.nomination.pk}": getattr(getattr(entry.nomination, "final_decision", None), "reason", "")
            for _, entry in page
        },
    )
    context = {
        "final_form": final_form,
        "campaign": campaign,
        "groups": groups,
        "summaries": summaries,
        "summary_total": {key: sum(s[key] for s in summaries) for key in ("total", "ranked", "listed", "undecided")},
        "selected": selected,
        "page": page,
        "page_groups": paging.regroup(page),
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
    except final.FinalReviewError as error:
        for problem in error.problems[:20]:
            messages.error(request, problem)
        messages.error(request, "终评结果未保存,所有申报保持原状态。")
    else:
        messages.success(request, f"终评结果已保存({changed} 项申报状态有变化)。")
    return redirect(_final_url(form.cleaned_data))


def _final_url(data):
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
def set_target(request, pk):
    campaign = _platform(request)
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
@require_POST
def ranking_excel(request):
    """Start the ranking's export job (``reviews.exports``); the file is picked up on the export list."""
    campaign = _platform(request)
    form = RankingExportForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="导出终评排名", back=reverse("reviews:platform_final"), resubmit=False)
    normalize = form.cleaned_data["norm"] == "z"
    job = exports.create_review_job(request.user, ExportKind.RANKING, campaign, normalize=normalize)
    messages.success(request, f"已开始导出终评排名:{job.description}。可以离开本页,稍后在“导出”下载。")
    return redirect("exports:list")
