"""The platform secretariat's statistics page (统计): charts (ECharts, served from static files) with their
data tables; the page data is ``reviews.queries.stats``."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reviews.platform_views import _campaign
from reviews.queries import stats as queries
from reviews.refusal import gated


@login_required
@gated("run_final_review")
def stats_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/platform/stats.html", queries.stats_page(request.user, _campaign(request)))
