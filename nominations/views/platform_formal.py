"""The platform's 形式审查 of confirmed units' recommendations: the queue and one entry's review. Thin:
the rules are ``nominations.formal``'s (``check_platform_review``, ``platform_review``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from nominations import formal, policy
from nominations.forms.fields import first_error
from nominations.forms.formal import FormalReviewForm
from nominations.models.nomination import NOMINATION_RELATIONS
from nominations.queries import platform_formal as pages
from nominations.rules.decision import Refused
from nominations.views.gates import platform_scope


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    campaign = platform_scope(request)
    context = pages.queue(request.user, campaign, request.GET.get("page"))
    return render(request, "nominations/platform/formal_queue.html", context)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the entry and the checklist. POST: record the review. Bad input: the page again with the
    messages next to the fields (400); refused: with the reason (403). Nothing is changed in both."""
    platform_scope(request)
    nomination = get_object_or_404(
        policy.visible_nominations(request.user).select_related(*NOMINATION_RELATIONS), pk=pk
    )
    form = None
    status = 200
    if request.method == "POST":
        form = FormalReviewForm(request.POST, items=formal.items_for(nomination), campaign=nomination.campaign)
        status = 400
        if form.is_valid():
            try:
                formal.platform_review(
                    nomination,
                    request.user,
                    failed=form.failed(),
                    fix_by=form.cleaned_data["fix_by"],
                    note=form.cleaned_data["note"],
                )
            except Refused as refusal:
                messages.error(request, f"不能提交平台形式审查结果：{refusal}")
                status = 403
            else:
                if form.failed():
                    messages.success(request, f"平台形式审查未通过，已通知推荐单位限期修改：{nomination}。")
                else:
                    messages.success(request, f"平台形式审查通过：{nomination}。")
                return redirect("platform:formal_review", pk=nomination.pk)
        else:
            messages.error(request, f"平台形式审查结果未提交：{first_error(form)}")
    context = pages.entry(request.user, nomination, form)
    return render(request, "nominations/platform/formal_review.html", context, status=status)
