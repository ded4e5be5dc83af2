"""The published lists: public, and only once the platform secretariat has published them (else 404)."""

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from nominations.models import Campaign
from reviews import excel, final


def _campaign(year: int) -> Campaign:
    campaign = final.published_campaign(year)
    if campaign is None:
        raise Http404("该年度榜单尚未发布。")
    return campaign


def published_lists(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign(year)
    groups = final.published_groups(campaign)
    total = sum(len(entries) for _, domains in groups for _, entries in domains)
    return render(request, "publication/lists.html", {"campaign": campaign, "groups": groups, "total": total})


def published_excel(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign(year)
    content = excel.published_workbook(campaign, final.published_groups(campaign))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年科创中国系列榜单.xlsx')}"
    return response
