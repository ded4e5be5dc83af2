"""Per-process copies of the campaign data that changes only in the admin, invalidated in every process.

At the deadline every request of a member asks the same campaign data: the active campaign, the list's
domains (the form's options; with the lists, what every quota table starts from), the member deadline
(the campaign's, the recommending unit's own, the extensions) and whether its recommending unit has
confirmed. They change in the admin, the platform's extension page and a unit's confirmation, a few
times a year. Each process keeps what it has read in a dictionary stamped with the version of the campaign data
(:class:`~nominations.models.CampaignDataVersion`, one row); every save or delete of a
:data:`WATCHED` model (``post_save``/``post_delete``, admin, import and shell alike) increments the
version in the same transaction and empties this process's copy. Another process sees the new version
at its next check and reads the data again:

* in a request, the version is read once: with the logged-in user (``kczg_site.auth.read_with_user``:
  a subquery of the query every such request makes anyway), or at the first use when no user was
  loaded before it (one small query instead of the queries it replaces); and again inside each
  ``workflow.transition`` after its locks (:func:`read_again`), so a state change is checked against
  every change committed before it, as when the rows were read there;
* outside a request (commands, tests, the shell), at every use.

Only data is cached, never a decision: a deadline is still checked against ``clock.now()`` (the demo
clock included) at each use, and permissions, quotas, caps and the unit's confirmation are asked of the
database as before. Values handed out are immutable (tuples, datetimes) or fresh model instances.
``QuerySet.update()`` and ``bulk_create`` send no signal: code using them on a watched model calls
:func:`invalidate` (``campaign_data.load_campaign`` does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import F, Subquery
from django.db.models.signals import post_delete, post_save

from kczg_site import auth
from nominations.models import Campaign, CampaignDataVersion, Domain, Extension, Participation, RankingList

# Saving or deleting one of these changes what the cache holds.
WATCHED = (Campaign, RankingList, Domain, Participation, Extension)

_lock = threading.Lock()
_state: dict[str, Any] = {"version": None, "data": {}}
_request = threading.local()  # .active: inside a request; .checked: the version was read in it;
# .seen: the version read with the request's user, not yet used
VERSION_WITH_USER = "campaign_data_version_seen"


def _read_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {CampaignDataVersion._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def _check() -> dict:
    """The data of the current version (emptied when the database holds a newer one)."""
    if not (getattr(_request, "active", False) and getattr(_request, "checked", False)):
        seen = getattr(_request, "seen", None) if getattr(_request, "active", False) else None
        _request.seen = None
        version = _read_version() if seen is None else seen
        with _lock:
            if version != _state["version"]:
                _state["version"], _state["data"] = version, {}
        _request.checked = getattr(_request, "active", False)
    return _state["data"]


def get(key: tuple, compute: Callable[[], Any]) -> Any:
    """The cached value of ``key``, computed (and kept until the next change) if absent."""
    data = _check()
    if key in data:
        return data[key]
    value = compute()
    with _lock:
        if _state["data"] is data:
            data[key] = value
    return value


def invalidate(**_kwargs: Any) -> None:
    """A watched model changed: increment the version (every process reloads) and empty this copy."""
    updated = CampaignDataVersion.objects.filter(pk=1).update(value=F("value") + 1)
    if not updated:
        CampaignDataVersion.objects.get_or_create(pk=1, defaults={"value": 1})
    with _lock:
        # Read again at the next use: if this transaction rolls back, the version in the database does too.
        _state["version"], _state["data"] = None, {}
    _request.checked, _request.seen = False, None


def read_again() -> None:
    """Read the version again at the next use, also within a request: ``workflow.transition`` asks it
    under its locks, so that its deadline and confirmation checks see every change committed before."""
    _request.checked, _request.seen = False, None


def _seen_with_user(value: int | None) -> None:
    """The version read with the request's user (``kczg_site.auth``): used by the request's first check,
    if it comes after (a user loaded outside a request, or after that check, changes nothing)."""
    if getattr(_request, "active", False) and not getattr(_request, "checked", False):
        _request.seen = 0 if value is None else value


def _request_started(**_kwargs: Any) -> None:
    _request.active, _request.checked, _request.seen = True, False, None


def _request_finished(**_kwargs: Any) -> None:
    _request.active, _request.checked, _request.seen = False, False, None


def connect() -> None:
    """Connect the signals (``NominationsConfig.ready``)."""
    for model in WATCHED:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"campaign_cache_save_{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"campaign_cache_delete_{model.__name__}")
    request_started.connect(_request_started, dispatch_uid="campaign_cache_request_started")
    version = CampaignDataVersion.objects.filter(pk=1).values("value")
    auth.read_with_user(VERSION_WITH_USER, Subquery(version[:1]), _seen_with_user)
    request_finished.connect(_request_finished, dispatch_uid="campaign_cache_request_finished")


# ---------------------------------------------------------------- what is cached


def active_campaign() -> Campaign | None:
    """The active campaign (``Campaign.objects.active()``), a fresh instance on each call."""

    def compute() -> tuple | None:
        found = Campaign.objects.active()
        if found is None:
            return None
        names = tuple(f.attname for f in Campaign._meta.concrete_fields)
        return names, tuple(getattr(found, name) for name in names)

    row = get(("active_campaign",), compute)
    return None if row is None else Campaign.from_db(connection.alias, *row)


def domain_options(ranking_list_id: int) -> tuple[tuple[str, str], ...]:
    """``(code, name)`` of the list's domains, in their order."""
    return get(
        ("domains", ranking_list_id),
        lambda: tuple(Domain.objects.filter(ranking_list_id=ranking_list_id).values_list("code", "name")),
    )


def unit_member_deadline(campaign_id: int, unit_id: int) -> Any:
    """The recommending unit's own member deadline (``Participation.member_deadline``), or ``None``."""
    return get(
        ("unit_member_deadline", campaign_id, unit_id),
        lambda: (
            Participation.objects.filter(campaign_id=campaign_id, unit_id=unit_id)
            .exclude(member_deadline=None)
            .values_list("member_deadline", flat=True)
            .first()
        ),
    )


def extensions(campaign_id: int, kind: str) -> tuple[tuple[int | None, int | None, Any], ...]:
    """``(recommending_unit_id, member_unit_id, until)`` of every extension of ``kind`` in the campaign."""
    return get(
        ("extensions", campaign_id, kind),
        lambda: tuple(
            Extension.objects.filter(campaign_id=campaign_id, kind=kind).values_list(
                "recommending_unit_id", "member_unit_id", "until"
            )
        ),
    )


def confirmed_units(campaign_id: int) -> frozenset[int]:
    """The recommending units that have confirmed their recommendations in the campaign (``Participation``
    with ``confirmed_at``): most units have not until the platform deadline, and asking costs a query."""
    return get(
        ("confirmed_units", campaign_id),
        lambda: frozenset(
            Participation.objects.filter(campaign_id=campaign_id)
            .exclude(confirmed_at=None)
            .values_list("unit_id", flat=True)
        ),
    )


def latest_extension(campaign_id: int, kind: str, recommending_unit_id: int | None, member_unit_id: int | None) -> Any:
    """The latest ``until`` among the extensions of ``kind`` for the member unit or its recommending unit."""
    found = [
        until
        for unit, member, until in extensions(campaign_id, kind)
        if (member_unit_id is not None and member == member_unit_id)
        or (recommending_unit_id is not None and unit == recommending_unit_id)
    ]
    return max(found, default=None)


def lists_with_domains(campaign_id: int) -> list[RankingList]:
    """The campaign's lists in their order (``order``, then key), each with its domains in theirs as if
    prefetched (``lst.domains.all()`` asks no query; each domain's ``ranking_list`` is its list): fresh
    instances on each call. The quotas' tables read them at every recommend and on every secretariat page."""
    list_names = tuple(f.attname for f in RankingList._meta.concrete_fields)
    domain_names = tuple(f.attname for f in Domain._meta.concrete_fields)

    def compute() -> tuple:
        found = RankingList.objects.filter(campaign_id=campaign_id).prefetch_related("domains").order_by("order", "pk")
        return tuple(
            (
                tuple(getattr(lst, name) for name in list_names),
                tuple(tuple(getattr(domain, name) for name in domain_names) for domain in lst.domains.all()),
            )
            for lst in found
        )

    lists = []
    for values, domain_rows in get(("lists_with_domains", campaign_id), compute):
        lst = RankingList.from_db(connection.alias, list_names, values)
        domains = [Domain.from_db(connection.alias, domain_names, row) for row in domain_rows]
        for domain in domains:
            domain._state.fields_cache["ranking_list"] = lst
        prefetched = lst.domains.all()
        prefetched._result_cache, prefetched._prefetch_done = domains, True
        lst._prefetched_objects_cache = {"domains": prefetched}
        lists.append(lst)
    return lists
