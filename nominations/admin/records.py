"""The admin of the records written by the platform itself (mails, export jobs and every model without an
admin of its own): looked at, never added, changed or deleted here."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from nominations import policy
from nominations.admin.mixins import PolicyRowsMixin, ReadOnlyAdmin
from nominations.models import ExportJob, Nomination, SentMail


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "kind", "audience", "status", "subject", "to", "recommending_unit", "member_unit")
    list_filter = ("kind", "audience", "status")
    search_fields = ("subject", "to", "body")
    ordering = ("-sent_at", "-pk")
    list_select_related = ("recommending_unit", "member_unit")
    date_hierarchy = "sent_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list, the detail pages and the search read only what the policy lets this user read.
        return policy.visible_sent_mails(request.user).order_by(*self.get_ordering(request))


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "requested_by", "kind", "state", "description", "created_at", "finished_at")
    list_filter = ("kind", "state")
    search_fields = ("description", "requested_by__username", "file_name")
    ordering = ("-created_at", "-pk")
    list_select_related = ("requested_by",)
    # The file is served only to the requester, through the export view; the filters as stored (JSON
    # keys) are in the description in words.
    exclude = ("file", "filters")


class EntryRecordAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    """A read-only record about one entry: only those about the reader's visible entries."""

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return self.model._default_manager.filter(nomination__in=policy.visible_nominations(user))


def _is_about_an_entry(model: type[Model]) -> bool:
    return any(field.name == "nomination" and field.related_model is Nomination for field in model._meta.fields)


def register_remaining(app_label: str) -> None:
    """Register every model of ``app_label`` that has no admin yet, read-only (history tables excepted);
    records about an entry are filtered by the entry's visibility."""
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.model_name.startswith("historical") or admin.site.is_registered(model):
            continue
        admin.site.register(model, EntryRecordAdmin if _is_about_an_entry(model) else ReadOnlyAdmin)
