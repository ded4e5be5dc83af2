"""The published lists: public once the platform secretariat has published one list of the year (else 404).

The year page shows every list of the year: a published one with its entries and its publication time,
the others as "尚未发布"; the Excel file holds the published lists only.
"""

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from nominations.models import Campaign, RankingList
from reviews import excel, publication


def _campaign(year: int) -> Campaign:
    campaign = publication.published_campaign(year)
    if campaign is None:
        raise Http404("该年度榜单尚未发布。")
    return campaign


def published_lists(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign(year)
    groups = {ranking_list.pk: domains for ranking_list, domains in publication.published_groups(campaign)}
    lists = list(RankingList.objects.filter(campaign=campaign).select_related("publication").order_by("order", "pk"))
    sections = [(rl, getattr(rl, "publication", None), groups.get(rl.pk, [])) for rl in lists]
    every_entry = [entry for domains in groups.values() for _, entries in domains for entry in entries]
    links = publication.profile_links(every_entry)
    for entry in every_entry:
        entry.profile_url = links.get(entry.pk, "")
    context = {"campaign": campaign, "sections": sections, "total": len(every_entry)}
    return render(request, "publication/lists.html", context)


def published_excel(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign(year)
    content = excel.published_workbook(campaign, publication.published_groups(campaign))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年科创中国系列榜单.xlsx')}"
    return response
