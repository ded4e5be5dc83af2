"""The member pages' view of the formal review (形式审查): the failed review of a returned entry."""

from django import template

from nominations import formal
from nominations.models import FormalReview, Nomination

register = template.Library()


@register.simple_tag
def formal_failed_review(nomination: Nomination) -> FormalReview | None:
    """The latest failed review while the entry is returned with a fix-by time (one query, else none)."""
    return formal.last_failed(nomination)


@register.simple_tag
def formal_platform_failed(nomination: Nomination) -> FormalReview | None:
    """The platform's latest review of a recommended entry if it failed (what its unit fixes), else none."""
    return formal.platform_failed(nomination)
