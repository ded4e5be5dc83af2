"""Log-in security hooks for django-axes: the client address and the Chinese lockout page.

Both are named in settings (``AXES_CLIENT_IP_CALLABLE``, ``AXES_LOCKOUT_CALLABLE``).
"""

import ipaddress
import math

from django.conf import settings
from django.contrib.auth import password_validation
from django.shortcuts import render

LOCKOUT_TEMPLATE = "registration/locked_out.html"


def _valid_ip(value):
    """The address as a normalised string, or ``None`` when it is not an IPv4/IPv6 address."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request):
    """The address a log-in attempt comes from.

    Without a proxy (``KCZG_TRUSTED_PROXY_COUNT=0``, the default) this is ``REMOTE_ADDR``:
    X-Forwarded-For is then ignored, since anyone can send it. Behind N trusted reverse proxies, each
    of which appends the address it saw to X-Forwarded-For, the client is the N-th entry from the
    right; entries further left were written by the client and are not trusted. A header shorter than
    N (a request that bypassed a proxy) falls back to ``REMOTE_ADDR``.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR")) or request.META.get("REMOTE_ADDR")
    count = getattr(settings, "KCZG_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def cooloff_minutes():
    """The lockout period in whole minutes (rounded up), or ``None`` for a lock without expiry."""
    cooloff = settings.AXES_COOLOFF_TIME
    if not cooloff:
        return None
    return max(1, math.ceil(cooloff.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese page shown when a username + address combination is locked out (HTTP 429)."""
    minutes = cooloff_minutes()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    response = render(request, LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its messages in Chinese.

    Django 5.2 changed this message's source text and its zh-hans catalogue has no translation of
    the new one yet, so users would otherwise see it in English.
    """

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
