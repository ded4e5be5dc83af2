from django.utils.functional import SimpleLazyObject

from kczg_site import clock


def site(request):
    """The active campaign, the clock and the next deadline, evaluated only when a template asks."""
    from nominations.models import Campaign
    from nominations.rules.deadlines import next_deadline

    def campaign():
        return Campaign.objects.filter(is_active=True).order_by("-year").first()

    active = SimpleLazyObject(campaign)

    def upcoming():
        if not active:
            return None
        found = next_deadline(active)
        return {"label": found[0], "at": found[1]} if found else None

    return {
        "active_campaign": active,
        "demo_clock": clock.demo_clock_enabled(),
        "clock_now": SimpleLazyObject(clock.localnow),
        "next_deadline": SimpleLazyObject(upcoming),
    }
