"""The Django admin of the intake side, in Chinese.

Next year's campaign is data entry here: a campaign with its dates, its lists (and domains), its
channels, units and review bodies. The admin obeys the policy like every page:

* entries, attachments and audit records are the reader's ``visible_*`` rows (lists, change and
  history pages, searches, autocompletes, inlines); a row outside them answers 404;
* entries and attachments are read-only: they change through their pages and
  ``nominations.workflow``; audit records are append-only;
* users, roles and units of accounts, groups and permissions are changed by superusers only.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.admin_widgets import SafeAutocompleteMixin
from nominations.audit import record_event, verb_label
from nominations.demo import demo_moments, move_demo_clock
from nominations.forms.fields import PlainTextField
from nominations.models import (
    Attachment,
    AuditEvent,
    Campaign,
    Channel,
    DemoClock,
    Domain,
    EarlierListedItem,
    Extension,
    ExtensionKind,
    MemberUnit,
    Nomination,
    Participation,
    Pioneer,
    Profile,
    RankingList,
    RecommendingUnit,
)
from nominations.models.exports import ExportJob
from nominations.models.mail import SentMail

# ---------------------------------------------------------------- the policy in the admin


class PolicyRowsMixin:
    """The rows of this admin (or inline) are ``visible_rows(user)``, the policy's; others answer 404."""

    def visible_rows(self, user) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=self.visible_rows(request.user).values("pk"))

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id: str):
        # Django redirects to the index ("perhaps it was deleted?"); the pages answer 404.
        raise Http404(policy.NOT_FOUND.reason)


class SuperuserChangesMixin:
    """Only superusers add, change or delete these rows (accounts, roles, units, groups)."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


# ---------------------------------------------------------------- campaign, lists, domains, channels


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


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "member_deadline_label", "platform_deadline_label", "is_active")
    list_display_links = ("year", "title")
    list_filter = ("is_active",)
    search_fields = ("title", "notice_ref", "organizer")
    ordering = ("-year",)
    inlines = [RankingListInline, ChannelInline]
    fieldsets = (
        (None, {"fields": ("year", "title", "notice_ref", "platform_url", "is_active")}),
        (
            "组织征集的学会",
            {"fields": ("organizer", "organizer_contact", "organizer_phones", "organizer_email")},
        ),
        (
            "时间安排(北京时间;“某日 24 时”请填写次日 00:00)",
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
    )

    @admin.display(description="会员提交截止", ordering="member_deadline")
    def member_deadline_label(self, obj):
        return format_datetime(obj.member_deadline)

    @admin.display(description="平台申报截止", ordering="platform_deadline")
    def platform_deadline_label(self, obj):
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_domains=Count("domains"))

    @admin.display(description="领域数", ordering="_domains")
    def domain_count(self, obj):
        return obj._domains


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "ranking_list", "campaign_year", "code", "kind", "order")
    list_filter = ("ranking_list__campaign", "kind")
    search_fields = ("name", "code")
    ordering = ("-ranking_list__campaign__year", "ranking_list__order", "order")
    list_select_related = ("ranking_list__campaign",)

    @admin.display(description="年度", ordering="ranking_list__campaign__year")
    def campaign_year(self, obj):
        return obj.ranking_list.campaign.year


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "campaign", "code", "order", "list_names", "is_pioneer_route", "pioneer_quota")
    list_filter = ("campaign", "is_pioneer_route")
    search_fields = ("name", "code")
    ordering = ("-campaign__year", "order")
    list_select_related = ("campaign",)
    filter_horizontal = ("lists",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lists")

    @admin.display(description="适用榜单")
    def list_names(self, obj):
        return "、".join(lst.name for lst in obj.lists.all())


# ---------------------------------------------------------------- units and people


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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("members", distinct=True))
            .prefetch_related("channels")
        )

    @admin.display(description="推荐渠道")
    def channel_names(self, obj):
        return "、".join(channel.name for channel in obj.channels.all())

    @admin.display(description="会员单位数", ordering="_members")
    def member_count(self, obj):
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
    def member_deadline_label(self, obj):
        if obj.member_deadline is None:
            return f"{format_datetime(obj.campaign.member_deadline)}(年度默认)"
        return format_datetime(obj.member_deadline)


class ExtensionForm(forms.ModelForm):
    class Meta:
        model = Extension
        fields = ("campaign", "kind", "recommending_unit", "member_unit", "until", "reason")

    def clean(self):
        # The same conditions as nominations.extensions.grant_extension, as form errors.
        data = super().clean()
        campaign, kind, until = data.get("campaign"), data.get("kind"), data.get("until")
        if kind == ExtensionKind.PLATFORM and data.get("member_unit"):
            raise forms.ValidationError("平台申报截止只能对推荐单位延期。")
        if campaign and kind and until:
            base = campaign.platform_deadline if kind == ExtensionKind.PLATFORM else campaign.member_deadline
            if until <= base:
                self.add_error("until", f"延期时间应晚于原截止时间(北京时间 {format_datetime(base)})。")
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

    def save_model(self, request, obj, form, change):
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
                f"{who}的{obj.get_kind_display()}延期至北京时间 {format_datetime(obj.until)};"
                f"理由:{obj.reason}(后台{'修改' if change else '添加'})"
            ),
        )

    def delete_model(self, request, obj):
        self._record_revocation(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_revocation(request, obj)
        super().delete_queryset(request, queryset)

    def _record_revocation(self, request, obj):
        record_event("revoke_extension", request.user, recommending_unit=_unit_of(obj), note=f"撤销延期:{obj}")


def _unit_of(extension):
    if extension.recommending_unit_id:
        return extension.recommending_unit
    return extension.member_unit.recommending_unit if extension.member_unit_id else None


@admin.register(EarlierListedItem)
class EarlierListedItemAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "list_code", "domain_name", "unit", "credit_code")
    list_filter = ("year", "list_code")
    search_fields = ("name", "normalized_name", "unit", "credit_code")
    ordering = ("-year", "list_code", "name")
    fields = ("year", "list_code", "domain_name", "name", "unit", "credit_code", "normalized_name")
    readonly_fields = ("normalized_name",)


# ---------------------------------------------------------------- accounts


class ProfileInline(SafeAutocompleteMixin, SuperuserChangesMixin, admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    max_num = 1
    fields = (
        "role",
        ("display_name", "phone"),
        "member_unit",
        "recommending_unit",
        "pioneer",
        "review_body",
        "organization",
    )
    autocomplete_fields = ("member_unit", "recommending_unit", "pioneer", "review_body")


@admin.register(Profile)
class ProfileAdmin(SafeAutocompleteMixin, SuperuserChangesMixin, admin.ModelAdmin):
    list_display = ("user", "role", "display_name", "organisation", "phone")
    list_filter = ("role",)
    search_fields = (
        "user__username",
        "display_name",
        "member_unit__name",
        "recommending_unit__name",
        "review_body__name",
        "organization",
    )
    ordering = ("role", "user__username")
    list_select_related = ("user", "member_unit", "recommending_unit", "pioneer", "review_body")
    autocomplete_fields = ("user", "member_unit", "recommending_unit", "pioneer", "review_body")

    @admin.display(description="单位")
    def organisation(self, obj):
        return obj.organisation_label


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SuperuserChangesMixin, BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "role_label", "display_name", "organisation", "email", "is_staff", "is_active")
    list_filter = ("profile__role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "profile__display_name", "profile__member_unit__name")
    list_select_related = (
        "profile",
        "profile__member_unit",
        "profile__recommending_unit",
        "profile__pioneer",
        "profile__review_body",
    )

    @staticmethod
    def _profile(obj):
        try:
            return obj.profile
        except Profile.DoesNotExist:
            return None

    @admin.display(description="角色", ordering="profile__role")
    def role_label(self, obj):
        profile = self._profile(obj)
        return profile.get_role_display() if profile else "—"

    @admin.display(description="姓名", ordering="profile__display_name")
    def display_name(self, obj):
        profile = self._profile(obj)
        return profile.display_name if profile else ""

    @admin.display(description="单位")
    def organisation(self, obj):
        profile = self._profile(obj)
        return profile.organisation_label if profile else ""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserChangesMixin, BaseGroupAdmin):
    """Groups and their permissions: superusers only (``Permission`` itself has no admin)."""


# ---------------------------------------------------------------- nominations, attachments, audit


class AttachmentInline(PolicyRowsMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("original_name", "content_type", "size", "description", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    show_change_link = True

    def visible_rows(self, user):
        return policy.visible_attachments(user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditEventInline(PolicyRowsMixin, admin.TabularInline):
    model = AuditEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("-at", "-pk")

    def visible_rows(self, user):
        return policy.visible_audit_events(user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(PolicyRowsMixin, SimpleHistoryAdmin):
    """Read-only: the content changes in the author's pages (with the form's checks), the state
    through the workflow only. The rows are the reader's ``visible_nominations``."""

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
        (None, {"fields": ("title", "credit_code", "data")}),
        (
            "归属",
            {"fields": ("campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer")},
        ),
        ("状态(只能通过流程操作改变)", {"fields": ("state", "submitted_at", "recommended_at", "version")}),
        ("历年入榜核查", {"fields": ("earlier_listed", "override_reason")}),
        ("记录", {"fields": ("created_by", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "title",
        "credit_code",
        "data",
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

    @admin.display(description="疑似历年入榜", boolean=True, ordering="earlier_listed")
    def is_flagged(self, obj):
        return obj.is_flagged

    def visible_rows(self, user):
        return policy.visible_nominations(user)

    def has_add_permission(self, request):
        # Entries are created by member units and pioneers in their own pages.
        return False

    def has_change_permission(self, request, obj=None):
        # The content is checked by the list's form definition in the author's pages; not here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        # Reverting to an earlier version would change the state behind the workflow's back.
        return True

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(policy.NOT_FOUND.reason)

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the last historical version of a row outside the queryset.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return policy.visible_entry_versions(request.user, versions)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        versions = policy.visible_entry_versions(request.user, Nomination.history.filter(id=unquote(object_id)))
        if not versions.filter(history_id=version_id).exists():
            raise Http404(policy.NOT_FOUND.reason)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Attachment)
class AttachmentAdmin(PolicyRowsMixin, admin.ModelAdmin):
    list_display = ("original_name", "nomination", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("content_type", "nomination__ranking_list__code")
    search_fields = ("original_name", "description", "nomination__title")
    ordering = ("-uploaded_at",)
    list_select_related = ("nomination", "uploaded_by")
    fields = ("nomination", "original_name", "content_type", "size", "description", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def visible_rows(self, user):
        return policy.visible_attachments(user)

    def has_add_permission(self, request):
        # Uploads are checked by content in the member pages; the admin does not bypass that.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(PolicyRowsMixin, admin.ModelAdmin):
    """Append-only: the reader's ``visible_audit_events``, never added, changed or deleted here."""

    list_display = ("at", "actor", "verb_name", "nomination", "recommending_unit", "from_label", "to_label", "note")
    list_filter = ("verb", "to_state", "recommending_unit")
    search_fields = ("verb", "note", "nomination__title", "actor__username")
    ordering = ("-at", "-pk")
    list_select_related = ("actor", "nomination", "recommending_unit")
    date_hierarchy = "at"

    def visible_rows(self, user):
        return policy.visible_audit_events(user)

    @admin.display(description="操作", ordering="verb")
    def verb_name(self, obj):
        return verb_label(obj.verb)

    @admin.display(description="原状态", ordering="from_state")
    def from_label(self, obj):
        return obj.from_label

    @admin.display(description="新状态", ordering="to_state")
    def to_label(self, obj):
        return obj.to_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- records written by the platform itself


def auto_list_display(model, limit=7):
    """``__str__`` and the first few short fields, for admins of records that are only looked at."""
    skip = {"TextField", "JSONField", "FileField"}
    names = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.get_internal_type() not in skip
    ]
    return ["__str__", *names[:limit]]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log, or a record made by a workflow function: visible here, never added, changed or deleted."""

    def get_list_display(self, request):
        if tuple(self.list_display) != ("__str__",):
            return self.list_display
        return auto_list_display(self.model)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "kind", "audience", "status", "subject", "to", "recommending_unit", "member_unit")
    list_filter = ("kind", "audience", "status")
    search_fields = ("subject", "to", "body")
    ordering = ("-sent_at", "-pk")
    list_select_related = ("recommending_unit", "member_unit")
    date_hierarchy = "sent_at"

    def get_queryset(self, request):
        # The list, the detail pages and the search read only what the policy lets this user read.
        return policy.visible_sent_mails(request.user).order_by(*self.get_ordering(request))


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "requested_by", "kind", "state", "description", "created_at", "finished_at")
    list_filter = ("kind", "state")
    search_fields = ("description", "requested_by__username", "file_name")
    ordering = ("-created_at", "-pk")
    list_select_related = ("requested_by",)
    exclude = ("file",)  # served only to the requester, through the export view


class EntryRecordAdmin(PolicyRowsMixin, ReadOnlyAdmin):
    """A read-only record about one entry: only those about the reader's visible entries."""

    def visible_rows(self, user):
        return self.model._default_manager.filter(nomination__in=policy.visible_nominations(user))


def _is_about_an_entry(model) -> bool:
    return any(field.name == "nomination" and field.related_model is Nomination for field in model._meta.fields)


def register_remaining(app_label):
    """Register every model of ``app_label`` that has no admin yet, read-only (history tables excepted);
    records about an entry are filtered by the entry's visibility."""
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.model_name.startswith("historical") or admin.site.is_registered(model):
            continue
        admin.site.register(model, EntryRecordAdmin if _is_about_an_entry(model) else ReadOnlyAdmin)


# ---------------------------------------------------------------- the demo clock


class DemoClockForm(forms.Form):
    """The field sends ``moment``; a quick button sends ``preset`` (an ISO time with its offset)."""

    moment = forms.DateTimeField(
        label="模拟时间",
        help_text="北京时间,例如 2023-11-20 16:55。",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "请填写有效的日期和时间，例如 2023-11-20 16:55。"},
    )
    preset = PlainTextField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "preset" in self.errors:
            # The page shows the field's errors: a bad quick button's value is reported there.
            self.add_error("moment", self.errors.pop("preset"))
        elif data.get("preset"):
            try:
                data["moment"] = self.fields["moment"].clean(data["preset"])
            except forms.ValidationError as error:
                self.add_error("moment", error)
        elif not data.get("moment") and "moment" not in self.errors:
            self.add_error("moment", "请填写模拟时间。")
        return data


@admin.register(DemoClock)
class DemoClockAdmin(admin.ModelAdmin):
    """One page: the simulated time, a field to set it and buttons for the key moments of 2023."""

    page_template = "admin/nominations/demo_clock.html"

    def _may_move(self, request):
        return bool(policy.may(request.user, "move_demo_clock"))

    def has_module_permission(self, request):
        return self._may_move(request)

    def has_view_permission(self, request, obj=None):
        return self._may_move(request)

    def has_change_permission(self, request, obj=None):
        return self._may_move(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:nominations_democlock_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self._may_move(request):
            raise PermissionDenied
        enabled = clock.demo_clock_enabled()
        now = clock.localnow()
        form = DemoClockForm(initial={"moment": now.replace(microsecond=0)})
        if request.method == "POST":
            if not enabled:
                messages.error(request, "演示时钟未启用(DEMO_CLOCK 关闭),平台使用服务器时间,不能调整。")
                return HttpResponseRedirect(request.path)
            # A quick button sends "preset" (an ISO time with its offset); the form sends "moment".
            form = DemoClockForm(request.POST)
            if form.is_valid():
                moved = move_demo_clock(request.user, form.cleaned_data["moment"])
                messages.success(request, f"演示时钟已调整为北京时间 {timezone.localtime(moved):%Y-%m-%d %H:%M:%S}。")
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "演示时钟",
            "opts": self.model._meta,
            "enabled": enabled,
            "now": now,
            "real_now": timezone.localtime(timezone.now()),
            "form": form,
            "moments": demo_moments(),
            "demo_start": settings.DEMO_CLOCK_START,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.page_template, context)


register_remaining("nominations")
