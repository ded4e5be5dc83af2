"""The admin of the audit records: append-only, the reader's ``visible_audit_events``."""

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest

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


class VerbFilter(admin.SimpleListFilter):
    """The verbs present in the log, by their Chinese labels."""

    title = "操作"
    parameter_name = "verb"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        verbs = model_admin.get_queryset(request).order_by().values_list("verb", flat=True).distinct()
        return sorted(((verb, verb_label(verb)) for verb in verbs), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(verb=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(PolicyRowsMixin, NoChangesMixin, admin.ModelAdmin):
    """Append-only: the reader's ``visible_audit_events``, never added, changed or deleted here."""

    list_display = ("at", "actor", "verb_name", "nomination", "recommending_unit", "from_label", "to_label", "note")
    list_filter = (VerbFilter, "to_state", "recommending_unit")
    # A record reads as on the audit log page: the verb under its label (not the code "upload").
    fields = ("at", "actor", "verb_name", "nomination", "recommending_unit", "from_label", "to_label", "note")
    readonly_fields = fields
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
