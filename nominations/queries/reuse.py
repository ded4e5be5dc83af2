"""The reuse flag (疑似重复使用材料) of the staff's pages: which other nominations share a file or a number
with one nomination (its page), or whether they do at all (the rows of a list). What counts as the same
material is ``nominations.rules.reuse``; the other nominations a reader may open are the policy's.

* :func:`flags` — for one nomination's page: each other nomination with the items it shares, linked
  when the reader may see it, else named by its number only (never its title or unit). Four queries.
* :func:`mark_rows` — for the rows of a list page: ``row.reuse_flagged``. Two queries for any number
  of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from nominations import policy
from nominations.models import Attachment, Campaign, Nomination, State
from nominations.rules import reuse


@dataclass
class SharedWith:
    """Another nomination and what it shares with the one on the page."""

    other: Nomination
    earlier: bool = False  # a listed nomination of an earlier campaign
    visible: bool = False
    items: list[str] = field(default_factory=list)

    @property
    def hidden_label(self) -> str:
        """The other nomination for a reader who may not see it: its number only."""
        year = self.other.campaign.year if self.earlier else None
        return reuse.hidden_nomination(self.other.code, pioneer=self.other.pioneer_id is not None, earlier_year=year)


def scope(campaigns: Iterable[Campaign]) -> Q:
    """The nominations material is compared with: those of the campaign the staff may see at all, and the
    listed nominations of earlier campaigns."""
    condition = Q(pk__in=[])
    for campaign in {c.pk: c for c in campaigns}.values():
        condition |= Q(campaign=campaign) & policy.sent_to_staff()
        condition |= Q(campaign__year__lt=campaign.year, state__in=State.listed())
    return condition


def _others(campaigns: Iterable[Campaign]) -> QuerySet[Nomination]:
    return Nomination.objects.filter(scope(campaigns))


def _containing(keys: Iterable[str]) -> Q:
    """Nominations whose stored content contains one of ``keys`` (a loose first pass: see ``search_keys``)."""
    return reduce(or_, (Q(data__icontains=key) for key in sorted(keys)), Q(pk__in=[]))


def flags(user: AbstractBaseUser, nomination: Nomination) -> list[SharedWith]:
    """The other nominations sharing a file (same content) or a patent or certificate number with
    ``nomination``, each with the shared items' labels, in the order of their numbers."""
    shared: dict[int, SharedWith] = {}

    def add(other: Nomination, label: str) -> None:
        entry = shared.setdefault(other.pk, SharedWith(other, earlier=other.campaign_id != nomination.campaign_id))
        if label not in entry.items:
            entry.items.append(label)

    names: dict[str, str] = {}
    for digest, name in nomination.attachments.exclude(sha256="").values_list("sha256", "original_name"):
        names.setdefault(digest, name)
    if names:
        same_files = (
            Attachment.objects.filter(sha256__in=names, nomination__in=_others([nomination.campaign]).values("pk"))
            .exclude(nomination=nomination)
            .select_related("nomination__campaign")
        )
        for attachment in same_files:
            add(attachment.nomination, reuse.item_label(reuse.FILE, names[attachment.sha256]))

    numbers = reuse.numbers_of(nomination.data)
    if numbers:
        candidates = (
            _others([nomination.campaign])
            .filter(_containing(reuse.search_keys(numbers)))
            .exclude(pk=nomination.pk)
            .select_related("campaign")
        )
        for other in candidates:
            for number in sorted(set(numbers) & set(reuse.numbers_of(other.data))):
                add(other, reuse.item_label(number.kind, number.value))

    if shared:
        visible = set(policy.visible_nominations(user).filter(pk__in=shared).values_list("pk", flat=True))
        for pk, entry in shared.items():
            entry.visible = pk in visible
    return [shared[pk] for pk in sorted(shared)]


def mark_rows(rows: Sequence[Nomination]) -> None:
    """Set ``row.reuse_flagged`` on each row (rows with their ``campaign`` and ``data`` loaded): whether
    another nomination shares a file or a number with it. Two queries, however many rows."""
    flagged: set[int] = set()
    ids = [row.pk for row in rows]
    # Rows counted without attachments (the inbox's ``attachment_count``) share no file.
    with_files = [row.pk for row in rows if getattr(row, "attachment_count", 1)]
    if with_files:
        own_files = Attachment.objects.filter(nomination__in=with_files).exclude(sha256="").values("sha256")
        holders: dict[str, set[int]] = defaultdict(set)
        for nomination_id, digest in Attachment.objects.filter(
            Q(nomination__in=with_files) | Q(nomination__in=_others(row.campaign for row in rows).values("pk")),
            sha256__in=own_files,
        ).values_list("nomination_id", "sha256"):
            holders[digest].add(nomination_id)
        flagged |= {pk for pks in holders.values() if len(pks) > 1 for pk in pks if pk in with_files}

    numbers = {row.pk: set(reuse.numbers_of(row.data)) for row in rows}
    keys = reuse.search_keys(set().union(*numbers.values()))
    if keys:
        holders_of: dict[reuse.Number, set[int]] = defaultdict(set)
        candidates = _others(row.campaign for row in rows).filter(_containing(keys)).exclude(pk__in=ids)
        for pk, data in [*candidates.values_list("pk", "data"), *((row.pk, row.data) for row in rows)]:
            for number in reuse.numbers_of(data):
                holders_of[number].add(pk)
        for pk, own in numbers.items():
            if any(holders_of[number] - {pk} for number in own):
                flagged.add(pk)
    for row in rows:
        row.reuse_flagged = row.pk in flagged
