"""The coordinator's pages: the body's progress and ranking, assigning experts, inviting, sending results.

Thin: the policy (``reviews.policy``, action ``view_body_reviews``) is the gate, the page data is
``reviews.queries.coordinator``, the rules are in assignment and scoring; a rule's refusal is caught
once (``except Refused``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kczg_site import clock
from nominations.context_processors import remember_campaign
from nominations.models import Nomination
from nominations.policy import visible_nominations
from nominations.rules.decision import Refused
from reviews import assignment, modes, paging, scoring
from reviews.forms import (
    AssignForm,
    AutoAssignForm,
    ConfirmForm,
    InviteForm,
    RemoveAssignmentForm,
    SubmitResultsForm,
)
from reviews.models import Assignment, ReviewBody
from reviews.queries import coordinator as queries
from reviews.queries.reviewers import review_context, reviewer_body
from reviews.refusal import gated, refused, report

PAGE = "view_body_reviews"


def _body(request: HttpRequest) -> ReviewBody:
    """The coordinator's body (the gate made sure there is one), its campaign handed to the page."""
    body = reviewer_body(request.user)
    remember_campaign(request, body.campaign)
    return body


def _entry(request: HttpRequest, pk: int) -> Nomination:
    nomination = queries.body_entry(request.user, pk)
    if nomination is None:
        raise Http404("没有找到该记录，或您无权查看。")
    return nomination


@login_required
@gated(PAGE)
def coordinator_dashboard(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    page = queries.dashboard(
        body,
        group=paging.parse_group(request.GET.get("group")),
        page=request.GET.get("page"),
        rpage=request.GET.get("rpage"),
        normalize=request.GET.get("norm") == "z",
    )
    reviewer = review_context(body.campaign, body, clock.now())
    context = {
        **reviewer,
        **page,
        "auto_form": AutoAssignForm(initial={"k": min(assignment.DEFAULT_K, max(len(page["experts"]), 1))}),
        "invite_form": InviteForm(),
        "submit_form": SubmitResultsForm(),
        "mode": modes.coordinator_mode(reviewer["deadline"], reviewer["submission"]),
    }
    return render(request, "reviews/coordinator_dashboard.html", context)


@login_required
@require_POST
@gated(PAGE)
def auto_assign(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    form = AutoAssignForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="自动分配", back=reverse("reviews:coordinator_dashboard"))
    try:
        result = assignment.auto_assign(body, form.cleaned_data["k"], request.user)
    except Refused as refusal:
        report(request, refusal)
        return redirect("reviews:coordinator_dashboard")
    text = f"自动分配完成：新增 {len(result.created)} 条评审分配。"
    if result.shortfall:
        text += f"有 {len(result.shortfall)} 项申报因可分配专家不足（含回避）未达到每项 {form.cleaned_data['k']} 人。"
    messages.success(request, text)
    return redirect("reviews:coordinator_dashboard")


@login_required
@gated(PAGE)
def coordinator_nomination(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body(request)
    nomination = _entry(request, pk)
    page = queries.entry_page(body, nomination)
    for item in page["assignments"]:
        item.remove_form = RemoveAssignmentForm(auto_id=f"id_remove_{item.pk}_%s")
    context = {**review_context(body.campaign, body, clock.now()), **page, "assign_form": AssignForm()}
    return render(request, "reviews/coordinator_nomination.html", context)


@login_required
@require_POST
@gated(PAGE)
def assign_expert(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _entry(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        back = reverse("reviews:coordinator_nomination", args=[nomination.pk])
        return refused(request, form, title="分配专家", back=back)
    expert = form.cleaned_data["expert"]
    try:
        assignment.assign(nomination, expert, request.user, form.cleaned_data["override_reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已分配专家：{expert.profile.display_name or expert.username}。")
    return redirect("reviews:coordinator_nomination", pk=nomination.pk)


@login_required
@require_POST
@gated(PAGE)
def remove_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body(request)
    item = get_object_or_404(
        Assignment.objects.select_related("nomination", "body"),
        pk=pk,
        body=body,
        nomination__in=visible_nominations(request.user),
    )
    form = RemoveAssignmentForm(request.POST)
    if not form.is_valid():
        back = reverse("reviews:coordinator_nomination", args=[item.nomination_id])
        return refused(request, form, title="撤销评审分配", back=back)
    try:
        assignment.unassign(item, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, "已撤销该评审分配，可重新分配其他专家。")
    return redirect("reviews:coordinator_nomination", pk=item.nomination_id)


@login_required
@require_POST
@gated(PAGE)
def invite(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="邀请专家", back=reverse("reviews:coordinator_dashboard"))
    try:
        user = assignment.invite_expert(
            body,
            request.user,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            organization=form.cleaned_data["organization"],
        )
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已向 {user.email} 发送邀请邮件。")
    return redirect("reviews:coordinator_dashboard")


@login_required
@require_http_methods(["GET", "POST"])
@gated(PAGE)
def submit_results(request: HttpRequest) -> HttpResponse:
    """报送初评结果: the preview first (GET, or a POST without ``confirm``: per list/domain the entries and
    their reviews, what is missing), then ``confirm=1`` sends the results and locks the body's scoring."""
    body = _body(request)
    form = SubmitResultsForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        return refused(request, form, title="报送初评结果", back=reverse("reviews:coordinator_dashboard"))
    note = form.cleaned_data["note"] if form.is_bound else ""
    if request.method == "GET" or not ConfirmForm(request.POST).confirmed:
        context = {**review_context(body.campaign, body, clock.now()), **queries.results_preview(body)}
        context["submit_form"] = SubmitResultsForm(initial={"note": note})
        return render(request, "reviews/coordinator_results_preview.html", context)
    try:
        scoring.submit_results(body, request.user, note)
    except Refused as refusal:
        report(request, refusal)
        return redirect("reviews:submit_results")
    messages.success(request, "初评结果已报送平台秘书处，本机构的评分已锁定。")
    return redirect("reviews:coordinator_dashboard")
