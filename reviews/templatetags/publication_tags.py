"""``{% published_lists_notice %}``: the link to the published lists, for the home page and the dashboards.

Why a template tag and not a registry: the dashboards' views belong to ``nominations``, which must not
import ``reviews``; their templates are the seam. A tag library is found by name when the template
renders, so each dashboard needs one line (``{% include "publication/dashboard_notice.html" %}``, which
loads this library), no view or context processor changes, and no Python import from ``nominations`` to
``reviews`` (a registry would have needed the dashboards' views to ask it for the data). The data
(``reviews.publication.published_years``, one query) stays in the app that owns publication.
"""

from django import template

from reviews.publication import published_years

register = template.Library()


@register.inclusion_tag("publication/notice.html")
def published_lists_notice(style: str = "alert") -> dict:
    """One line per year with a published list: "2023年榜单已发布：先导技术榜、…" → ``/published/<year>/``.
    Renders nothing before the first publication. ``style``: ``alert`` (dashboards) or ``hero`` (home)."""
    return {"years": published_years(), "style": style}
