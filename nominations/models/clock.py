from datetime import timedelta

from django.db import models


class DemoClock(models.Model):
    """The offset of the demo clock from the server clock (one row; only with ``DEMO_CLOCK`` on)."""

    offset = models.DurationField("偏移量", default=timedelta)

    class Meta:
        verbose_name = "演示时钟"
        verbose_name_plural = "演示时钟"

    def __str__(self):
        from kczg_site.clock import localnow

        return f"演示时钟:{localnow():%Y-%m-%d %H:%M}"
