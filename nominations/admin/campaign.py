"""The admin of a campaign's configuration: the campaign with its dates, its lists, domains and channels,
and the checklist of its formal review (形式审查)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from kczg_site.formats import format_datetime
from nominations import policy
from nominations.models import Campaign, Channel, Domain, FormalCheckItem, RankingList, StampRequirement


class RankingListInline(admin.TabularInline):
    model = RankingList
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "channel_quota",
        "member_cap",
        "capped_per_domain",
        "nominee_is_person",
        "unit_label",
    )
    ordering = ("order",)
    show_change_link = True


class ChannelInline(admin.TabularInline):
    model = Channel
    extra = 0
    fields = ("order", "code", "name", "is_pioneer_route", "pioneer_quota")
    ordering = ("order",)
    show_change_link = True


class ChecklistPolicyMixin:
    """形式审查 items and 签字盖章 requirements: changed by the platform (the policy's
    ``edit_formal_checklist``, on top of the platform group's model permissions)."""

    def _may(self, request: HttpRequest) -> bool:
        return bool(policy.may(request.user, "edit_formal_checklist"))

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._may(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request) and super().has_delete_permission(request, obj)


class StampRequirementInline(ChecklistPolicyMixin, admin.TabularInline):
    model = StampRequirement
    extra = 0
    fields = ("order", "scope", "label", "required", "description")
    ordering = ("order", "pk")


class FormalCheckItemInline(ChecklistPolicyMixin, admin.TabularInline):
    model = FormalCheckItem
    extra = 0
    fields = ("order", "label", "ranking_list", "description")
    ordering = ("order", "pk")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ranking_list":
            campaign_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = RankingList.objects.filter(campaign_id=campaign_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "member_deadline_label", "platform_deadline_label", "is_active")
    list_display_links = ("year", "title")
    list_filter = ("is_active",)
    search_fields = ("title", "notice_ref", "organizer")
    ordering = ("-year",)
    inlines = [RankingListInline, ChannelInline, FormalCheckItemInline, StampRequirementInline]
    fieldsets = (
        (None, {"fields": ("year", "title", "notice_ref", "platform_url", "is_active")}),
        (
            "组织征集的学会",
            {"fields": ("organizer", "organizer_contact", "organizer_phones", "organizer_email")},
        ),
        (
            "时间安排（北京时间；“某日 24 时”请填写次日 00:00）",
            {
                "fields": (
                    "collection_start",
                    "member_deadline",
                    "platform_deadline",
                    ("initial_review_start", "initial_review_deadline"),
                    ("final_review_start", "final_review_end"),
                    ("publication_start", "publication_end"),
                    ("promotion_start", "promotion_end"),
                )
            },
        ),
        ("未在截止时间前确认推荐结果的推荐单位", {"fields": ("unconfirmed_units",)}),
        ("形式审查", {"fields": ("formal_fix_days",)}),
    )

    @admin.display(description="会员提交截止", ordering="member_deadline")
    def member_deadline_label(self, obj: Campaign) -> str:
        return format_datetime(obj.member_deadline)

    @admin.display(description="平台申报截止", ordering="platform_deadline")
    def platform_deadline_label(self, obj: Campaign) -> str:
        return format_datetime(obj.platform_deadline)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "code", "name", "kind")
    ordering = ("order",)


@admin.register(RankingList)
class RankingListAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "campaign",
        "code",
        "order",
        "channel_quota",
        "member_cap",
        "capped_per_domain",
        "nominee_is_person",
        "domain_count",
    )
    list_filter = ("campaign", "code", "capped_per_domain", "nominee_is_person")
    search_fields = ("name", "code", "description")
    ordering = ("-campaign__year", "order")
    list_select_related = ("campaign",)
    inlines = [DomainInline]
    fields = (
        "campaign",
        ("code", "name", "order"),
        ("channel_quota", "member_cap", "unit_label"),
        ("capped_per_domain", "nominee_is_person"),
        "description",
        "conditions",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_domains=Count("domains"))

    @admin.display(description="领域数", ordering="_domains")
    def domain_count(self, obj: RankingList) -> int:
        return obj._domains


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "ranking_list", "campaign_year", "code", "kind", "order")
    list_filter = ("ranking_list__campaign", "kind")
    search_fields = ("name", "code")
    ordering = ("-ranking_list__campaign__year", "ranking_list__order", "order")
    list_select_related = ("ranking_list__campaign",)

    @admin.display(description="年度", ordering="ranking_list__campaign__year")
    def campaign_year(self, obj: Domain) -> int:
        return obj.ranking_list.campaign.year


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "campaign", "code", "order", "list_names", "is_pioneer_route", "pioneer_quota")
    list_filter = ("campaign", "is_pioneer_route")
    search_fields = ("name", "code")
    ordering = ("-campaign__year", "order")
    list_select_related = ("campaign",)
    filter_horizontal = ("lists",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("lists")

    @admin.display(description="适用榜单")
    def list_names(self, obj: Channel) -> str:
        return "、".join(lst.name for lst in obj.lists.all())


@admin.register(FormalCheckItem)
class FormalCheckItemAdmin(ChecklistPolicyMixin, admin.ModelAdmin):
    list_display = ("label", "campaign", "list_name", "order")
    list_filter = ("campaign", "ranking_list")
    search_fields = ("label", "description")
    ordering = ("-campaign__year", "order", "pk")
    list_select_related = ("campaign", "ranking_list")
    fields = ("campaign", "ranking_list", ("label", "order"), "description")

    @admin.display(description="榜单", ordering="ranking_list__order")
    def list_name(self, obj: FormalCheckItem) -> str:
        return obj.ranking_list.name if obj.ranking_list_id else "全部榜单"
