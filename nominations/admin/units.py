"""The admin of the units: recommending units with their members and participations, and pioneers."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from kczg_site.formats import format_datetime
from nominations.admin.widgets import SafeAutocompleteMixin
from nominations.models import MemberUnit, Participation, Pioneer, RecommendingUnit


class MemberUnitInline(admin.TabularInline):
    model = MemberUnit
    extra = 0
    fields = ("name", "credit_code", "contact_name", "contact_phone", "contact_email", "is_active")
    show_change_link = True


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ("campaign", "member_deadline", "confirmed_at", "confirmed_by")
    readonly_fields = ("confirmed_at", "confirmed_by")


@admin.register(RecommendingUnit)
class RecommendingUnitAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "short_name",
        "channel_names",
        "member_count",
        "contact_name",
        "contact_phones",
        "is_active",
    )
    list_filter = ("is_active", "channels")
    search_fields = ("name", "short_name", "contact_name", "contact_email")
    ordering = ("name",)
    filter_horizontal = ("channels",)
    inlines = [ParticipationInline, MemberUnitInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("members", distinct=True))
            .prefetch_related("channels")
        )

    @admin.display(description="推荐渠道")
    def channel_names(self, obj: RecommendingUnit) -> str:
        return "、".join(channel.name for channel in obj.channels.all())

    @admin.display(description="会员单位数", ordering="_members")
    def member_count(self, obj: RecommendingUnit) -> int:
        return obj._members


@admin.register(MemberUnit)
class MemberUnitAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("name", "recommending_unit", "credit_code", "contact_name", "contact_phone", "is_active")
    list_filter = ("is_active", "recommending_unit")
    search_fields = ("name", "credit_code", "contact_name", "contact_email", "recommending_unit__name")
    ordering = ("recommending_unit__name", "name")
    list_select_related = ("recommending_unit",)
    autocomplete_fields = ("recommending_unit",)


@admin.register(Pioneer)
class PioneerAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "listed_year", "campaign", "is_active")
    list_filter = ("campaign", "listed_year", "is_active")
    search_fields = ("name", "organization")
    ordering = ("-campaign__year", "name")
    list_select_related = ("campaign",)


@admin.register(Participation)
class ParticipationAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("unit", "campaign", "member_deadline_label", "confirmed_at", "confirmed_by")
    list_filter = ("campaign",)
    search_fields = ("unit__name",)
    ordering = ("-campaign__year", "unit__name")
    list_select_related = ("unit", "campaign", "confirmed_by")
    autocomplete_fields = ("unit",)
    readonly_fields = ("confirmed_at", "confirmed_by")

    @admin.display(description="会员提交截止", ordering="member_deadline")
    def member_deadline_label(self, obj: Participation) -> str:
        if obj.member_deadline is None:
            return f"{format_datetime(obj.campaign.member_deadline)}（年度默认）"
        return format_datetime(obj.member_deadline)
