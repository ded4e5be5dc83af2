"""The admin of deadline extensions: the conditions are ``nominations.extensions.check_extension``'s, and
every grant and revocation is audited."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations.admin.widgets import SafeAutocompleteMixin
from nominations.audit import record_event
from nominations.extensions import check_extension
from nominations.models import Extension, RecommendingUnit


class ExtensionForm(forms.ModelForm):
    class Meta:
        model = Extension
        fields = ("campaign", "kind", "recommending_unit", "member_unit", "until", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        campaign, kind = data.get("campaign"), data.get("kind")
        if campaign is None or kind is None:
            return data  # the field's own message says what is missing
        decision = check_extension(campaign, kind=kind, until=data.get("until"), member_unit=data.get("member_unit"))
        if not decision and decision.field_name not in self.errors:
            # A field that already has its own error (an empty or malformed time) keeps just that one.
            self.add_error(decision.field_name, decision.reason)
        return data


@admin.register(Extension)
class ExtensionAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Granted by the user who saves it, at the clock's "now"; every grant and revocation is audited."""

    form = ExtensionForm
    list_display = ("__str__", "kind", "recommending_unit", "member_unit", "until", "granted_by", "granted_at")
    list_filter = ("campaign", "kind")
    search_fields = ("recommending_unit__name", "member_unit__name", "reason")
    ordering = ("-granted_at",)
    list_select_related = ("campaign", "recommending_unit", "member_unit", "granted_by")
    autocomplete_fields = ("recommending_unit", "member_unit")
    fields = ("campaign", "kind", "recommending_unit", "member_unit", "until", "reason", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")

    def save_model(self, request: HttpRequest, obj: Extension, form: forms.ModelForm, change: bool) -> None:
        obj.granted_by = request.user
        obj.granted_at = clock.now()
        super().save_model(request, obj, form, change)
        who = f"会员单位“{obj.member_unit}”" if obj.member_unit_id else f"推荐单位“{obj.recommending_unit}”"
        record_event(
            "extension",
            request.user,
            recommending_unit=_unit_of(obj),
            at=obj.granted_at,
            note=(
                f"{who}的{obj.get_kind_display()}延期至北京时间 {format_datetime(obj.until)}；"
                f"理由：{obj.reason}（后台{'修改' if change else '添加'}）"
            ),
        )

    def delete_model(self, request: HttpRequest, obj: Extension) -> None:
        self._record_revocation(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self._record_revocation(request, obj)
        super().delete_queryset(request, queryset)

    def _record_revocation(self, request: HttpRequest, obj: Extension) -> None:
        record_event("revoke_extension", request.user, recommending_unit=_unit_of(obj), note=f"撤销延期：{obj}")


def _unit_of(extension: Extension) -> RecommendingUnit | None:
    if extension.recommending_unit_id:
        return extension.recommending_unit
    return extension.member_unit.recommending_unit if extension.member_unit_id else None
