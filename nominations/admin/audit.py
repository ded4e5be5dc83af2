"""The admin of the audit records: append-only, the reader's ``visible_audit_events``."""

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from nominations import policy
from nominations.admin.mixins import NoChangesMixin, PolicyRowsMixin
from nominations.audit import verb_label
from nominations.models import AuditEvent


class AuditEventInline(PolicyRowsMixin, NoChangesMixin, admin.TabularInline):
    model = AuditEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("-at", "-pk")

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_audit_events(user)


@admin.register(AuditEvent)
class AuditEventAdmin(PolicyRowsMixin, NoChangesMixin, admin.ModelAdmin):
    """Append-only: the reader's ``visible_audit_events``, never added, changed or deleted here."""

    list_display = ("at", "actor", "verb_name", "nomination", "recommending_unit", "from_label", "to_label", "note")
    list_filter = ("verb", "to_state", "recommending_unit")
    search_fields = ("verb", "note", "nomination__title", "actor__username")
    ordering = ("-at", "-pk")
    list_select_related = ("actor", "nomination", "recommending_unit")
    date_hierarchy = "at"

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return policy.visible_audit_events(user)

    @admin.display(description="操作", ordering="verb")
    def verb_name(self, obj: AuditEvent) -> str:
        return verb_label(obj.verb)

    @admin.display(description="原状态", ordering="from_state")
    def from_label(self, obj: AuditEvent) -> str:
        return obj.from_label

    @admin.display(description="新状态", ordering="to_state")
    def to_label(self, obj: AuditEvent) -> str:
        return obj.to_label
