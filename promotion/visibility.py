"""The querysets every promotion page starts from: which profiles the public and the partners see."""

from django.db.models import Exists, OuterRef, QuerySet

from nominations.models import State
from promotion.models import LEVEL_ORDER, Consent, ConsentLevel, ListedProfile


def _live(levels) -> Exists:
    return Exists(Consent.objects.filter(profile=OuterRef("pk"), revoked_at__isnull=True, level__in=levels))


def public_profiles() -> QuerySet[ListedProfile]:
    """Published entries whose listed party gave a live consent (any level)."""
    return ListedProfile.objects.filter(_live(list(ConsentLevel.values)), nomination__state=State.PUBLISHED)


def partner_profiles() -> QuerySet[ListedProfile]:
    """Published entries whose live consent lets approved partners see the extended profile."""
    levels = [level for level, order in LEVEL_ORDER.items() if order >= LEVEL_ORDER[ConsentLevel.PARTNERS]]
    return ListedProfile.objects.filter(_live(levels), nomination__state=State.PUBLISHED)
