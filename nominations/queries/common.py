"""Figures and lists shared by several staff pages."""

from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kczg_site.paging import page_of
from nominations import policy
from nominations.filters import MailFilter


def count_per(visible: QuerySet, field: str) -> Coalesce:
    """An annotation: how many of the reader's ``visible`` entries point (by ``field``) at each row.

    For lists of units or pioneers with a figure each: the figure counts only what the policy lets
    the reader see, in the list's one query."""
    counted = visible.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def mail_log(
    user: AbstractBaseUser, data: Mapping | None, page: str | int | None, per_page: int | None = None
) -> tuple[MailFilter, Page]:
    """The mails ``user`` may read, filtered by ``data`` (the query string): the filter and one page."""
    filterset = MailFilter(data or None, policy.visible_sent_mails(user))
    mails = filterset.qs.select_related("nomination", "member_unit", "recommending_unit")
    return filterset, page_of(mails, page, per_page)
