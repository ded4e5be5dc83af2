"""The Django admin of 发布推介: looked at, never a side door.

* Every model is read-only here, for superusers too: consents, requests, profile views, outcomes,
  deliveries and staff changes are the audit trail of the services (``promotion.services``,
  ``promotion.staff``); a partner is approved, suspended or removed on the platform's page
  (``services.decide_partner``), not here.
* Rows about a listed item follow the item's entry: the reader's ``visible_nominations``.
* The listed party's contact (联系人、联系电话、电子邮箱 of a consent) is shown only when the policy's
  ``see_consent_contact`` allows it (the system administrator); the platform secretariat sees whether a
  contact was given, never the contact, as on its pages. It is never searchable.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from nominations import policy
from nominations.admin import NoChangesMixin, PolicyRowsMixin, ReadOnlyAdmin, register_remaining
from promotion.models import (
    Consent,
    InterestRequest,
    ListedProfile,
    Offer,
    Outcome,
    Package,
    PackageDelivery,
    Partner,
    PartnerStaff,
    ProfileView,
    PromotionSettings,
)

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def _about_visible_entries(model: type[Model], path: str, user: AbstractBaseUser) -> QuerySet:
    return model._default_manager.filter(**{f"{path}__in": policy.visible_nominations(user)})


class PartnerStaffInline(NoChangesMixin, admin.TabularInline):
    model = PartnerStaff
    extra = 0
    can_delete = False
    fields = ("name", "position", "phone", "email", "user", "is_admin_contact", "added_at", "removed_at")
    readonly_fields = fields


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ("name", "institution_type", "credit_code", "licence_number", "state", "applied_at", "decided_at")
    list_filter = ("state", "institution_type")
    search_fields = ("name", "credit_code", "licence_number")
    ordering = ("name", "pk")
    exclude = ("staff",)  # the named staff below, with their positions
    inlines = [PartnerStaffInline]


@admin.register(PartnerStaff)
class PartnerStaffAdmin(ReadOnlyAdmin):
    list_display = ("name", "partner", "position", "email", "is_admin_contact", "added_at", "removed_at")
    list_filter = ("is_admin_contact",)
    search_fields = ("name", "partner__name", "email")
    list_select_related = ("partner",)


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("product", "partner", "product_kind", "ticket_band", "created_at")
    list_filter = ("product_kind", "ticket_band")
    search_fields = ("product", "partner__name")
    list_select_related = ("partner",)


@admin.register(ListedProfile)
class ListedProfileAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("__str__", "region", "created_at")
    search_fields = ("nomination__title", "region")
    list_select_related = ("nomination",)
    # The snapshot read as on the profile (标签：值), not as the stored JSON.
    exclude = ("published_fields",)
    readonly_fields = ("published_rows",)

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return _about_visible_entries(ListedProfile, "nomination", user)

    @admin.display(description="公开字段（快照）")
    def published_rows(self, obj: ListedProfile) -> str:
        return "；".join(f"{row.get('label', '')}：{row.get('value', '')}" for row in obj.published_fields or [])


@admin.register(Consent)
class ConsentAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("profile", "level", "financing_need", "amount_band", "stage", "contact_given", "granted_at")
    list_filter = ("level", "financing_need", "stage")
    search_fields = ("profile__nomination__title",)  # never the contact
    list_select_related = ("profile__nomination", "granted_by")
    ordering = ("-granted_at", "-pk")

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return _about_visible_entries(Consent, "profile__nomination", user)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Sequence[str]:
        return () if policy.may(request.user, "see_consent_contact") else CONTACT_FIELDS

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Sequence[str]:
        hidden = set(self.get_exclude(request, obj))
        return [name for name in super().get_fields(request, obj) if name not in hidden]

    @admin.display(description="已填写联系方式", boolean=True)
    def contact_given(self, obj: Consent) -> bool:
        return obj.has_contact


@admin.register(InterestRequest)
class InterestRequestAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("__str__", "state", "requested_by", "created_at", "expires_at", "answered_at")
    list_filter = ("state",)
    search_fields = ("partner__name", "profile__nomination__title")
    list_select_related = ("partner", "profile__nomination", "requested_by")

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return _about_visible_entries(InterestRequest, "profile__nomination", user)


@admin.register(ProfileView)
class ProfileViewAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("viewed_at", "partner", "profile", "user", "saw_contact", "downloaded")
    list_filter = ("saw_contact", "downloaded")
    search_fields = ("partner__name", "profile__nomination__title")
    list_select_related = ("partner", "profile__nomination", "user")
    date_hierarchy = "viewed_at"

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return _about_visible_entries(ProfileView, "profile__nomination", user)


@admin.register(Outcome)
class OutcomeAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    list_display = ("__str__", "request", "amount_wan", "reported_by", "reported_at", "confirmed_at")
    list_filter = ("kind",)
    list_select_related = ("request__partner", "request__profile__nomination", "reported_by")

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        return _about_visible_entries(Outcome, "request__profile__nomination", user)


class PackageDeliveryInline(NoChangesMixin, admin.TabularInline):
    model = PackageDelivery
    extra = 0
    can_delete = False
    fields = ("partner", "sent_at", "opened_at")
    readonly_fields = fields


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = ("title", "created_by", "created_at")
    search_fields = ("title",)
    list_select_related = ("created_by",)
    # The profiles in number only (their pages are the platform's 定向推介 page and the profiles').
    exclude = ("profiles",)
    readonly_fields = ("profile_count",)
    inlines = [PackageDeliveryInline]

    @admin.display(description="项目数")
    def profile_count(self, obj: Package) -> int:
        return obj.profiles.count()


@admin.register(PackageDelivery)
class PackageDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "package", "partner", "sent_at", "opened_at")
    list_select_related = ("package", "partner")


@admin.register(PromotionSettings)
class PromotionSettingsAdmin(ReadOnlyAdmin):
    """Loaded from the campaign file's ``promotion`` section (``services.load_promotion``)."""

    list_display = ("campaign", "answer_days", "weekly_cap", "moderated_first")


register_remaining("promotion")
