"""Load a campaign year from a JSON file in ``fixtures/`` (idempotent: loading twice changes nothing).

The file holds what a notice states: the timeline, the lists and domains with their caps, the
channels, the review bodies with their contacts and coverage, and earlier listed items. Next year's
campaign is a new file (or data entry in the admin), not a code change.
"""

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.db import transaction

from nominations import campaign_cache
from nominations.formal import load_formal_checks
from nominations.models import Campaign, Channel, Domain, EarlierListedItem, RankingList, UnconfirmedUnits
from nominations.rules import moments
from nominations.rules.duplicates import normalize_name
from nominations.stamps import load_stamp_requirements

# The campaign's dated fields: the moments table (rules/moments.py).
DATE_FIELDS = moments.FIELDS


# Sections of the file that another app loads (the reviews app: "review_bodies"), registered at
# ready(): key -> f(campaign, rows, *, lists={code: RankingList}, domains={(list code, code): Domain}).
SECTION_LOADERS: dict[str, Callable[..., None]] = {}


def register_section_loader(key: str, loader: Callable[..., None]) -> None:
    """Let another app load the ``key`` rows of a campaign file (after the lists and channels)."""
    SECTION_LOADERS[key] = loader


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"Campaign dates must carry their UTC offset: {value}")
    return moment


@transaction.atomic
def load_campaign(path: str | Path) -> Campaign:
    """Create or update the campaign described by the JSON file at ``path``; return it."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    fields = dict(data["campaign"])
    year = fields.pop("year")
    for name in DATE_FIELDS:
        fields[name] = _aware(fields[name])
    # What becomes of a unit that never confirmed (the product's choice, not the notice's): one of the choices.
    default = fields.setdefault("unconfirmed_units", UnconfirmedUnits.DECIDE)
    if default not in UnconfirmedUnits.values:
        raise ValueError(f"unconfirmed_units must be one of {', '.join(UnconfirmedUnits.values)}: {default!r}")
    campaign, _ = Campaign.objects.update_or_create(year=year, defaults=fields)
    Campaign.objects.exclude(pk=campaign.pk).filter(year__lt=year).update(is_active=False)
    campaign_cache.invalidate()  # update() sends no signal

    lists = {}
    domains = {}
    for entry in data["lists"]:
        entry = dict(entry)
        domain_rows = entry.pop("domains", [])
        code = entry.pop("code")
        ranking_list, _ = RankingList.objects.update_or_create(campaign=campaign, code=code, defaults=entry)
        lists[code] = ranking_list
        for row in domain_rows:
            row = dict(row)
            domain, _ = Domain.objects.update_or_create(ranking_list=ranking_list, code=row.pop("code"), defaults=row)
            domains[(code, domain.code)] = domain

    for entry in data["channels"]:
        entry = dict(entry)
        list_codes = entry.pop("lists")
        channel, _ = Channel.objects.update_or_create(campaign=campaign, code=entry.pop("code"), defaults=entry)
        channel.lists.set([lists[c] for c in list_codes])

    load_formal_checks(campaign, data.get("formal_checks", []), lists=lists)
    load_stamp_requirements(campaign, data.get("stamp_requirements", []))

    for key, loader in SECTION_LOADERS.items():
        loader(campaign, data[key], lists=lists, domains=domains)

    for entry in data.get("earlier_listed", []):
        entry = dict(entry)
        EarlierListedItem.objects.update_or_create(
            year=entry.pop("year"),
            list_code=entry.pop("list_code"),
            normalized_name=normalize_name(entry["name"]),
            defaults=entry,
        )
    return campaign
