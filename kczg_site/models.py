"""The demo clock's offset, kept with the clock (``kczg_site.clock``) so that the clock needs no app.

The model keeps the app label ``nominations`` — its table (``nominations_democlock``), migrations,
permissions and admin page (``/admin/nominations/democlock/``) stay where they were; the class simply
lives here, below every app, and ``nominations.models`` re-exports it.
"""

from datetime import timedelta

from django.db import models

from kczg_site import clock


class DemoClock(models.Model):
    """The offset of the demo clock from the server clock (one row; only with ``DEMO_CLOCK`` on)."""

    offset = models.DurationField("偏移量", default=timedelta)

    class Meta:
        app_label = "nominations"
        verbose_name = "演示时钟"
        verbose_name_plural = "演示时钟"

    def __str__(self):
        return f"演示时钟：{clock.localnow():%Y-%m-%d %H:%M}"
