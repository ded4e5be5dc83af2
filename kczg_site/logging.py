"""Structured logs for production: one JSON object per line on stdout.

Used by ``LOGGING`` in settings when ``KCZG_ENV=production``; a log collector (journald, Docker,
Loki, ...) can parse each line without a regular expression.
"""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged as a field.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as a single-line JSON object (UTF-8, Chinese kept readable)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRIBUTES or key.startswith("_") or key in entry:
                continue
            entry[key] = _plain(value)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _plain(value):
    """A JSON-friendly stand-in for values Django passes in ``extra`` (requests, sockets)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "method") and hasattr(value, "get_full_path"):
        # django.request and django.security loggers pass the HttpRequest itself.
        return f"{value.method} {value.get_full_path()}"
    return str(value)
