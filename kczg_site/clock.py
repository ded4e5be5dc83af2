"""The one clock. Every rule that needs "now" calls :func:`now`.

In production this is the server's clock (``django.utils.timezone.now``), which tests freeze with
time-machine. With ``DEMO_CLOCK`` on (the embedded default) it is a simulated clock that starts at
``DEMO_CLOCK_START`` (2023-11-15 10:00 Beijing time) and then runs at real speed; the admin can move
it to walk a user through the 2023 campaign. The simulated time is the real time plus an offset kept
in the database (:class:`kczg_site.models.DemoClock`).
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

_CACHE_SECONDS = 2.0
_cache: dict = {"offset": None, "read_at": 0.0}


def demo_clock_enabled() -> bool:
    return bool(getattr(settings, "DEMO_CLOCK", False))


def demo_start() -> datetime:
    return datetime.fromisoformat(settings.DEMO_CLOCK_START)


def now() -> datetime:
    """The current time for every rule: an aware datetime."""
    real = timezone.now()
    if not demo_clock_enabled():
        return real
    return real + _demo_offset(real)


def localnow() -> datetime:
    """:func:`now` in the site's time zone (Asia/Shanghai)."""
    return timezone.localtime(now())


def set_demo_time(moment: datetime) -> None:
    """Move the demo clock so that :func:`now` reads ``moment`` from this instant on."""
    from kczg_site.models import DemoClock  # not at the top: models need the app registry

    if not demo_clock_enabled():
        raise RuntimeError("The demo clock is off in these settings.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    DemoClock.objects.update_or_create(pk=1, defaults={"offset": moment - timezone.now()})
    forget()


def forget() -> None:
    """Drop the cached offset (after the demo clock moved)."""
    _cache["offset"] = None
    _cache["read_at"] = 0.0


def _demo_offset(real: datetime) -> timedelta:
    stamp = time.monotonic()
    if _cache["offset"] is not None and stamp - _cache["read_at"] < _CACHE_SECONDS:
        return _cache["offset"]
    offset = _read_offset(real)
    _cache["offset"] = offset
    _cache["read_at"] = stamp
    return offset


def _read_offset(real: datetime) -> timedelta:
    from kczg_site.models import DemoClock  # not at the top: models need the app registry

    try:
        clock = DemoClock.objects.filter(pk=1).first()
        if clock is None:
            clock = DemoClock.objects.create(pk=1, offset=demo_start() - real)
        return clock.offset
    except DatabaseError:
        # Before the first migration: start where the demo starts.
        return demo_start() - real


def offset_for_display() -> timedelta | None:
    """The demo offset rounded to whole seconds, for the banner (None without a demo clock)."""
    if not demo_clock_enabled():
        return None
    return timedelta(seconds=round(_demo_offset(timezone.now()).total_seconds()))
