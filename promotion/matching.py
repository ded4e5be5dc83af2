"""Suggested matches by transparent rules, both ways, each with its reasons (pure over the rows).

A match needs the same domain (or an offer open to every domain) and at least one further rule:
region, stage, need vs product, amount vs ticket band. Every rule that holds is a reason shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from promotion.models import Consent, ListedProfile, Offer


@dataclass(frozen=True)
class Match:
    profile: ListedProfile
    offer: Offer
    reasons: tuple[str, ...]

    @property
    def reason_text(self) -> str:
        return "、".join(self.reasons)


def reasons_for(profile: ListedProfile, consent: Consent, offer: Offer) -> tuple[str, ...]:
    entry = profile.nomination
    domain_code = entry.domain.code if entry.domain_id else entry.ranking_list.code
    reasons = []
    if offer.domains and domain_code not in offer.domains:
        return ()
    reasons.append("领域相同" if offer.domains else "不限领域")
    if not offer.regions or profile.region in offer.regions:
        reasons.append("地区覆盖" if offer.regions else "不限地区")
    if consent.stage and (not offer.stages or consent.stage in offer.stages):
        reasons.append("融资阶段匹配")
    if consent.financing_need and consent.financing_need == offer.product_kind:
        reasons.append("需求与产品一致")
    if consent.amount_band and consent.amount_band == offer.ticket_band:
        reasons.append("金额在单笔区间内")
    return tuple(reasons) if len(reasons) >= 3 else ()


def matches(profiles, offers) -> list[Match]:
    found = []
    for profile in profiles:
        consent = profile.live_consent()
        if consent is None:
            continue
        for offer in offers:
            reasons = reasons_for(profile, consent, offer)
            if reasons:
                found.append(Match(profile, offer, reasons))
    return sorted(found, key=lambda m: (-len(m.reasons), m.profile.pk, m.offer.pk))
