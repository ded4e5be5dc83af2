"""The admin of accounts: users with their profile (role and unit), and groups; superusers change them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import AbstractBaseUser, Group

from nominations.admin.mixins import SuperuserChangesMixin
from nominations.admin.widgets import SafeAutocompleteMixin
from nominations.models import Profile


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
    def organisation(self, obj: Profile) -> str:
        return obj.organisation_label


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin form for setting a user's password, its help text all in Chinese: Django appends
    an English warning to the translated text ("If disabled, the current password … will be lost")."""

    usable_password_help_text = (
        "用户能否使用密码登录。停用后，该用户仍可能通过其他认证方式（如单点登录或 LDAP）登录。"  # noqa: S105 (help text)
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "停用后，该用户当前的密码将失效。</li></ul>"
    )


@admin.register(User)
class UserAdmin(SuperuserChangesMixin, BaseUserAdmin):
    inlines = [ProfileInline]
    change_password_form = PasswordChangeForm
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
    def _profile(obj: AbstractBaseUser) -> Profile | None:
        try:
            return obj.profile
        except Profile.DoesNotExist:
            return None

    @admin.display(description="角色", ordering="profile__role")
    def role_label(self, obj: AbstractBaseUser) -> str:
        profile = self._profile(obj)
        return profile.get_role_display() if profile else "—"

    @admin.display(description="姓名", ordering="profile__display_name")
    def display_name(self, obj: AbstractBaseUser) -> str:
        profile = self._profile(obj)
        return profile.display_name if profile else ""

    @admin.display(description="单位")
    def organisation(self, obj: AbstractBaseUser) -> str:
        profile = self._profile(obj)
        return profile.organisation_label if profile else ""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserChangesMixin, BaseGroupAdmin):
    """Groups and their permissions: superusers only (``Permission`` itself has no admin)."""
