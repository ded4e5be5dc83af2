"""Shortcuts for the dispatch tests: a unit's confirmation and the campaign's default for unconfirmed units."""

from datetime import datetime

from nominations.models import Participation
from tests.reviews.conftest import BEIJING

CONFIRMED_AT = datetime(2023, 11, 20, 10, 0, tzinfo=BEIJING)


def confirm(unit, campaign, at=CONFIRMED_AT):
    """``unit`` confirmed its recommendations at ``at`` (the confirmation itself is tested in tests/triage)."""
    Participation.objects.update_or_create(campaign=campaign, unit=unit, defaults={"confirmed_at": at})


def set_default(campaign, value):
    campaign.unconfirmed_units = value
    campaign.save(update_fields=["unconfirmed_units"])
