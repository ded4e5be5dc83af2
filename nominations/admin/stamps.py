"""The admin of the signed and stamped scans (签字盖章页, 推荐汇总表): looked at, never changed here (they
are uploaded from the secretariat's pages); the rows are the reader's ``visible_stamped_pages``. The
file itself is served by the one download view (``stamped_page``), not shown here."""

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from nominations import policy
from nominations.admin.mixins import PolicyRowsMixin, ReadOnlyAdmin
from nominations.models import StampedPage


@admin.register(StampedPage)
class StampedPageAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("original_name", "scope", "recommending_unit", "nomination", "size", "uploaded_at")
    list_filter = ("scope", "campaign")
    search_fields = ("original_name", "sha256", "recommending_unit__name", "nomination__title")
    ordering = ("-uploaded_at", "-pk")
    list_select_related = ("recommending_unit", "nomination")
    exclude = ("file",)

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_stamped_pages(user)
