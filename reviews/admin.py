"""The Django admin of the review side, in Chinese.

Review bodies, their coverage, criteria and list targets are configuration: next year is data entry
here. Dispatches, assignments, scores, submissions and decisions are made by the review workflow and
are only looked at here: scores are the reader's ``visible_scores`` (a draft review is its expert's
alone), the records about an entry follow the entry's visibility.
"""

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest

from nominations.admin import PolicyRowsMixin, ReadOnlyAdmin, register_remaining
from reviews.models import (
    ListTarget,
    Organisation,
    OrganisationAlias,
    PanelVote,
    PublicNotice,
    ReviewBody,
    ReviewCoverage,
    ReviewCriterion,
    Score,
)
from reviews.models.notice import NOTICE_FIELDS
from reviews.policy import visible_scores


class ReviewCoverageInline(admin.TabularInline):
    model = ReviewCoverage
    extra = 0
    fields = ("ranking_list", "domain")


@admin.register(ReviewBody)
class ReviewBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "campaign", "order", "coverage_labels", "contact_name", "contact_phones")
    list_filter = ("campaign",)
    search_fields = ("name", "contact_name", "contact_phones")
    ordering = ("-campaign__year", "order")
    list_select_related = ("campaign",)
    inlines = [ReviewCoverageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("coverages__ranking_list", "coverages__domain")

    @admin.display(description="初评范围")
    def coverage_labels(self, obj: ReviewBody) -> str:
        return "、".join(str(coverage) for coverage in obj.coverages.all())


@admin.register(ReviewCoverage)
class ReviewCoverageAdmin(admin.ModelAdmin):
    list_display = ("body", "ranking_list", "domain")
    list_filter = ("body__campaign", "ranking_list__code", "body")
    search_fields = ("body__name", "ranking_list__name", "domain__name")
    ordering = ("body__order", "ranking_list__order", "domain__order")
    list_select_related = ("body", "ranking_list", "domain")


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "ranking_list", "code", "weight", "min_score", "max_score", "score_step", "order")
    list_filter = ("ranking_list__campaign", "ranking_list__code")
    search_fields = ("name", "code", "description")
    ordering = ("-ranking_list__campaign__year", "ranking_list__order", "order")
    list_select_related = ("ranking_list",)


@admin.register(ListTarget)
class ListTargetAdmin(admin.ModelAdmin):
    list_display = ("ranking_list", "count")
    list_filter = ("ranking_list__campaign",)
    ordering = ("-ranking_list__campaign__year", "ranking_list__order")
    list_select_related = ("ranking_list",)


@admin.register(Score)
class ScoreAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("__str__", "status", "total", "updated_at", "submitted_at")
    list_filter = ("status", "assignment__body")
    search_fields = ("assignment__nomination__title", "assignment__expert__username")
    ordering = ("-updated_at", "-pk")
    list_select_related = ("assignment__nomination", "assignment__expert")

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return visible_scores(user)


# The panel meeting (会评) and the lists' scoring rules: their own module, before the remaining ones.
from reviews import panel_admin  # noqa: E402, F401


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    """The 公示: its rules come from the campaign data, its period from the platform's opening."""

    list_display = ("campaign", "days", "start", "end", "required")
    exclude = ("fields",)
    readonly_fields = ("shown_fields",)

    @admin.display(description="公示内容")
    def shown_fields(self, obj: PublicNotice) -> str:
        labels = dict(NOTICE_FIELDS)
        lists = obj.campaign.lists.order_by("order")
        return "；".join(f"{rl.name}：{'、'.join(labels[f] for f in obj.fields_of(rl))}" for rl in lists)


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1
    fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The units of the 回避 rules: a parent (中国科学院 for its institutes) and aliases (简称、曾用名)."""

    list_display = ("name", "parent")
    search_fields = ("name", "aliases__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [OrganisationAliasInline]


# Dispatches, assignments, conflicts, submissions, extensions, publication, final decisions; the pool's
# profiles, services, pledges and draws (records).
register_remaining("reviews")
# Never the secret ballot's votes (reviews.panel_admin).
admin.site.unregister(PanelVote)
