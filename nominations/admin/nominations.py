"""The admin of the entries and their attachments (read-only, the reader's visible rows), and of the
earlier-listed items the entries are checked against."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Manager, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from simple_history.admin import SimpleHistoryAdmin

from nominations import policy
from nominations.admin.audit import AuditEventInline
from nominations.admin.mixins import NoChangesMixin, PolicyRowsMixin
from nominations.forms import definition_for
from nominations.models import Attachment, EarlierListedItem, Nomination
from nominations.queries import reuse


class AttachmentInline(PolicyRowsMixin, NoChangesMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("original_name", "content_type", "size", "description", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    show_change_link = True

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_attachments(user)


@admin.register(Nomination)
class NominationAdmin(PolicyRowsMixin, NoChangesMixin, SimpleHistoryAdmin):
    """Read-only: entries are created by member units and pioneers in their own pages, the content
    changes there (checked by the list's form definition), the state through the workflow only. The
    rows are the reader's ``visible_nominations``."""

    object_history_form_template = "admin/nominations/history_form.html"
    change_form_template = "admin/nominations/nomination_change_form.html"  # with the reuse flag

    list_display = (
        "__str__",
        "ranking_list",
        "domain",
        "member_unit",
        "recommending_unit",
        "pioneer",
        "state",
        "is_flagged",
        "updated_at",
    )
    list_filter = ("campaign", "ranking_list__code", "domain", "state", "recommending_unit")
    search_fields = ("title", "credit_code", "member_unit__name", "recommending_unit__name", "pioneer__name")
    ordering = ("-updated_at",)
    list_select_related = ("ranking_list", "domain", "member_unit", "recommending_unit", "pioneer")
    date_hierarchy = "updated_at"
    inlines = [AttachmentInline, AuditEventInline]
    fieldsets = (
        (None, {"fields": ("title", "credit_code", "content")}),
        (
            "归属",
            {"fields": ("campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer")},
        ),
        ("状态（只能通过流程操作改变）", {"fields": ("state", "submitted_at", "recommended_at", "version")}),
        ("历年入榜核查", {"fields": ("earlier_listed", "override_reason")}),
        ("记录", {"fields": ("created_by", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "title",
        "credit_code",
        "content",
        "campaign",
        "ranking_list",
        "domain",
        "member_unit",
        "recommending_unit",
        "pioneer",
        "state",
        "submitted_at",
        "recommended_at",
        "version",
        "earlier_listed",
        "override_reason",
        "created_by",
        "created_at",
        "updated_at",
    )

    @admin.display(description="申报内容")
    def content(self, obj: Nomination) -> str:
        """The entry's fields under their labels, as the secretariat reads them (not the stored JSON)."""
        context = {"nomination": obj, "definition": definition_for(obj)}
        return render_to_string("admin/nominations/nomination_content.html", context)

    @admin.display(description="疑似历年入榜", boolean=True, ordering="earlier_listed")
    def is_flagged(self, obj: Nomination) -> bool:
        return obj.is_flagged

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_nominations(user)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The platform's view of one entry: the reuse flag (疑似重复使用材料) above the fields.
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), "reuse_flags": reuse.flags(request.user, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Nomination | None = None) -> bool:
        # Reverting to an earlier version would change the state behind the workflow's back.
        return True

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(policy.NOT_FOUND.reason)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # simple_history falls back to the last historical version of a row outside the queryset.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(
        self, request: HttpRequest, history_manager: Manager, pk_name: str, object_id: str
    ) -> QuerySet:
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return policy.visible_entry_versions(request.user, versions)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        versions = policy.visible_entry_versions(request.user, Nomination.history.filter(id=unquote(object_id)))
        if not versions.filter(history_id=version_id).exists():
            raise Http404(policy.NOT_FOUND.reason)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Attachment)
class AttachmentAdmin(PolicyRowsMixin, NoChangesMixin, admin.ModelAdmin):
    """Read-only: uploads are checked by content in the member pages; the admin does not bypass that."""

    list_display = ("original_name", "nomination", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("content_type", "nomination__ranking_list__code")
    search_fields = ("original_name", "description", "nomination__title")
    ordering = ("-uploaded_at",)
    list_select_related = ("nomination", "uploaded_by")
    fields = ("nomination", "original_name", "content_type", "size", "description", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_attachments(user)


@admin.register(EarlierListedItem)
class EarlierListedItemAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "list_code", "domain_name", "unit", "credit_code")
    list_filter = ("year", "list_code")
    search_fields = ("name", "normalized_name", "unit", "credit_code")
    ordering = ("-year", "list_code", "name")
    fields = ("year", "list_code", "domain_name", "name", "unit", "credit_code", "normalized_name")
    readonly_fields = ("normalized_name",)
