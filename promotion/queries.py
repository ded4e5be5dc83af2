"""Page assembly of 发布推介 (what each page shows), without the request."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.urls import reverse

from nominations.models import Campaign, Domain, Nomination, RankingList, State
from promotion import matching, services, visibility
from promotion.models import (
    InterestRequest,
    ListedProfile,
    Offer,
    Partner,
    PartnerStaff,
    PartnerState,
    RequestState,
)
from promotion.policy import owns_profile, partner_of

PROFILE_RELATED = (
    "nomination__campaign",
    "nomination__ranking_list",
    "nomination__domain",
    "nomination__recommending_unit",
)
OPEN = (RequestState.MODERATION, RequestState.PENDING, RequestState.ACCEPTED)


def public_profile_links(nomination_ids: list[int]) -> dict[int, str]:
    """``{nomination id: profile url}`` of the entries whose listed party consented to a public page (one
    query; for the published lists, ``reviews.publication.register_profile_links``)."""
    rows = visibility.public_profiles().filter(nomination_id__in=nomination_ids).values_list("nomination_id", "pk")
    return {nomination_id: reverse("promotion:profile", args=[pk]) for nomination_id, pk in rows}


def search(filters: dict) -> dict:
    rows = visibility.public_profiles().select_related(*PROFILE_RELATED)
    if filters.get("year"):
        rows = rows.filter(nomination__campaign__year=filters["year"])
    if filters.get("list"):
        rows = rows.filter(nomination__ranking_list__code=filters["list"])
    if filters.get("domain"):
        rows = rows.filter(nomination__domain__code=filters["domain"])
    if filters.get("region"):
        rows = rows.filter(region=filters["region"])
    if filters.get("q"):
        rows = rows.filter(Q(nomination__title__icontains=filters["q"]) | Q(summary__icontains=filters["q"]))
    published = Campaign.objects.filter(nominations__state=State.PUBLISHED).distinct()
    return {
        "profiles": list(rows.order_by("-nomination__campaign__year", "nomination__ranking_list__order", "pk")[:200]),
        "years": sorted({c.year for c in published}, reverse=True),
        "lists": list(RankingList.objects.filter(campaign__in=published).values_list("code", "name").distinct()),
        "domains": list(
            Domain.objects.filter(ranking_list__campaign__in=published).values_list("code", "name").distinct()
        ),
        "regions": sorted(set(visibility.public_profiles().values_list("region", flat=True))),
    }


def profile_page(user, profile: ListedProfile) -> dict:
    """The public part for everyone; the extended part for approved partners (consent ≥ partners);
    the contact only for the partner whose request was accepted."""
    from nominations.policy import may

    partner = partner_of(user)
    consent = profile.live_consent()
    extended = partner is not None and visibility.partner_profiles().filter(pk=profile.pk).exists()
    contact = profile.live_contact() if bool(may(user, "view_contact", profile)) else None
    own_request = partner.requests.filter(profile=profile).first() if partner else None
    return {
        "profile": profile,
        "entry": profile.nomination,
        "consent": consent if (extended or owns_profile(user, profile)) else None,
        "contact": contact,
        "partner": partner,
        "own_request": own_request,
        "may_request": extended and (own_request is None or own_request.state not in OPEN),
    }


def member_page(user) -> dict:
    """The listed party's published entries with their consent, requests and matching offers."""
    from nominations.policy import visible_nominations

    services.expire_overdue()
    entries = (
        visible_nominations(user).filter(state=State.PUBLISHED).select_related("campaign", "ranking_list", "domain")
    )
    rows = []
    offers = list(Offer.objects.filter(partner__state=PartnerState.APPROVED).select_related("partner"))
    for entry in entries:
        profile = ListedProfile.objects.filter(nomination=entry).first()
        if profile is None or not owns_profile(user, profile):
            rows.append({"entry": entry, "profile": profile, "consent": None, "requests": [], "matches": []})
            continue
        consent = profile.live_consent()
        requests = list(
            profile.requests.exclude(state=RequestState.MODERATION)
            .select_related("partner")
            .prefetch_related("outcomes")
            .order_by("-created_at")
        )
        found = matching.matches([profile], offers) if consent else []
        rows.append({"entry": entry, "profile": profile, "consent": consent, "requests": requests, "matches": found})
    return {"rows": rows}


def partner_page(user) -> dict:
    services.expire_overdue()
    partner = partner_of(user)
    offers = list(partner.offers.all())
    profiles = list(visibility.partner_profiles().select_related(*PROFILE_RELATED))
    from nominations.policy import may
    from promotion.staff import live_staff

    return {
        "partner": partner,
        "staff": list(live_staff(partner)),
        "may_manage_staff": bool(may(user, "manage_partner_staff", partner)),
        "offers": offers,
        "matches": matching.matches(profiles, offers),
        "requests": list(partner.requests.select_related("profile__nomination").prefetch_related("outcomes")),
        "deliveries": list(partner.deliveries.select_related("package").order_by("-sent_at")),
    }


def platform_page() -> dict:
    return {
        "partners": list(
            Partner.objects.prefetch_related(
                Prefetch("named_staff", PartnerStaff.objects.filter(removed_at__isnull=True), to_attr="live_staff")
            )
        ),
        "moderation": list(
            InterestRequest.objects.filter(state=RequestState.MODERATION).select_related(
                "partner", "profile__nomination"
            )
        ),
    }


def own_published(user, pk: int) -> Nomination | None:
    from nominations.policy import visible_nominations

    return (
        visible_nominations(user)
        .filter(pk=pk, state=State.PUBLISHED)
        .select_related("campaign", "ranking_list")
        .first()
    )


def packages_page() -> dict:
    """Every package with its deliveries: opened or not, and the requests that followed per partner."""
    from promotion.models import Package

    rows = []
    for package in Package.objects.prefetch_related("deliveries__partner", "profiles").order_by("-created_at"):
        profile_ids = {p.pk for p in package.profiles.all()}
        deliveries = []
        for delivery in package.deliveries.all():
            count = InterestRequest.objects.filter(
                partner=delivery.partner, profile_id__in=profile_ids, created_at__gte=delivery.sent_at
            ).count()
            deliveries.append({"delivery": delivery, "requests": count})
        rows.append({"package": package, "deliveries": deliveries})
    return {"packages": rows}


def package_profiles(year: int, list_code: str, domain_code: str):
    rows = visibility.partner_profiles().filter(
        nomination__campaign__year=year, nomination__ranking_list__code=list_code
    )
    return rows.filter(nomination__domain__code=domain_code) if domain_code else rows


def stats_page() -> dict:
    """Requests, accepted requests and confirmed outcome amounts per list, domain, partner type and month
    (four grouped queries); each chart with its table."""
    from collections import defaultdict

    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncMonth

    from promotion.models import InstitutionType, Outcome

    accepted = Q(state=RequestState.ACCEPTED)
    groups = {
        "per_list": ("profile__nomination__ranking_list__name", "榜单"),
        "per_domain": ("profile__nomination__domain__name", "领域"),
        "per_type": ("partner__institution_type", "机构类型"),
        "per_month": ("month", "月份"),
    }
    types = dict(InstitutionType.choices)
    requests = InterestRequest.objects.exclude(state=RequestState.MODERATION).annotate(month=TruncMonth("created_at"))
    amounts = defaultdict(float)
    for row in (
        Outcome.objects.filter(confirmed_at__isnull=False)
        .values("request__partner__institution_type")
        .annotate(total=Sum("amount_wan"))
    ):
        amounts[types.get(row["request__partner__institution_type"], "—")] = float(row["total"] or 0)
    sections, charts = [], {}
    for key, (field, heading) in groups.items():
        rows = []
        for row in requests.values(field).annotate(n=Count("pk"), ok=Count("pk", filter=accepted)).order_by(field):
            label = row[field]
            if key == "per_type":
                label = types.get(label, "—")
            elif key == "per_month":
                label = f"{label.year}年{label.month}月" if label else "—"
            rows.append((label or "—", row["n"], row["ok"]))
        sections.append({"key": key, "heading": f"对接请求：按{heading}", "label": heading, "rows": rows})
        charts[key] = {
            "labels": [r[0] for r in rows],
            "series": [
                {"name": "对接请求", "values": [r[1] for r in rows]},
                {"name": "已接受", "values": [r[2] for r in rows]},
            ],
        }
    charts["amounts"] = {"labels": list(amounts), "values": list(amounts.values())}
    return {"sections": sections, "charts": charts, "amounts": sorted(amounts.items())}
