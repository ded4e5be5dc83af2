"""The public call page (the home page)."""

from django.shortcuts import render

from kczg_site import clock
from nominations.call_page import call_context, load_campaign_for_home
from nominations.context_processors import remember_campaign


def home(request):
    campaign = load_campaign_for_home()
    remember_campaign(request, campaign)
    context = {"campaign": campaign}
    if campaign is not None:
        context.update(call_context(campaign, clock.now()))
    return render(request, "home.html", context)
