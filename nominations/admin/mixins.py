"""The policy in the admin: rows limited to the reader's visible ones, changes for superusers only, and
read-only admins for records the platform writes itself."""

from collections.abc import Sequence
from typing import Any, NoReturn

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.db.models.options import Options
from django.http import Http404, HttpRequest

from nominations import policy


class PolicyRowsMixin:
    """The rows of this admin (or inline) are ``visible_rows(user)``, the policy's; others answer 404."""

    def visible_rows(self, user: AbstractBaseUser) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=self.visible_rows(request.user).values("pk"))

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Options, object_id: str) -> NoReturn:
        # Django redirects to the index ("perhaps it was deleted?"); the pages answer 404.
        raise Http404(policy.NOT_FOUND.reason)


class SuperuserChangesMixin:
    """Only superusers add, change or delete these rows (accounts, roles, units, groups)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser


def auto_list_display(model: type[Model], limit: int = 7) -> list[str]:
    """``__str__`` and the first few short fields, for admins of records that are only looked at."""
    skip = {"TextField", "JSONField", "FileField"}
    names = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.get_internal_type() not in skip
    ]
    return ["__str__", *names[:limit]]


class NoChangesMixin:
    """For an admin or inline whose rows are only looked at: never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(NoChangesMixin, admin.ModelAdmin):
    """A log, or a record made by a workflow function: visible here, never added, changed or deleted."""

    def get_list_display(self, request: HttpRequest) -> Sequence[str]:
        if tuple(self.list_display) != ("__str__",):
            return self.list_display
        return auto_list_display(self.model)
