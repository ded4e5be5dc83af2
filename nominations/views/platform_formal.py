"""The platform's 形式审查 of confirmed units' recommendations: the queue and one entry's review. Thin:
the rules are ``nominations.formal``'s (``check_platform_review``, ``platform_review``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from nominations import formal
from nominations.queries import platform_formal as pages
from nominations.views.formal_post import post_review
from nominations.views.gates import platform_scope, visible_entry


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
    nomination = visible_entry(request, pk)
    form = None
    status = 200
    if request.method == "POST":
        posted = post_review(request, nomination, formal.platform_review, who="平台", on_fail="已通知推荐单位限期修改")
        if posted.recorded:
            return redirect("platform:formal_review", pk=nomination.pk)
        form, status = posted.form, posted.status
    context = pages.entry(request.user, nomination, form)
    return render(request, "nominations/platform/formal_review.html", context, status=status)
