"""The demo clock's row: the class lives with the clock, in ``kczg_site.models``."""

from kczg_site.models import DemoClock

__all__ = ["DemoClock"]
