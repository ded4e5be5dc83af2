"""The Django admin in Chinese where Django itself writes English that no catalogue translates.

Two places, each replaced once here at start-up (``nominations.apps``):

Django's admin draws a boolean as an icon whose ``alt`` text is ``str(value)``: "True", "False" or
"None", read aloud by screen readers and shown when the icon does not load. The function that draws it,
``admin_list._boolean_icon``, is looked up at call time by the change list, the read-only fields of a
change form and ``display_for_value``, so replacing it once here changes every admin page, including
those of django-axes and django.contrib.auth, which no ``ModelAdmin`` of ours can reach.

The delete confirmation lists, besides the rows a person deleted, the rows of the tables Django creates
for many-to-many fields, named after the models' code names ("Group-permission关系: Group_permissions
object (7)"). They are bookkeeping, removed with their rows; the summary here leaves them out (the rows
themselves are deleted as before). ``ModelAdmin.get_deleted_objects`` calls the module-level function of
``django.contrib.admin.options``; the wrapper filters its result.

tests/test_admin_language.py fails if a Django upgrade moves either function.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.admin import options
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

BOOLEAN_TEXT = {True: "是", False: "否", None: "未知"}
_ICON = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value: bool | None) -> SafeString:
    """The admin's yes/no/unknown icon, its ``alt`` text in Chinese."""
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{_ICON[value]}.svg"), BOOLEAN_TEXT[value])


def use_chinese_boolean_icons() -> None:
    admin_list._boolean_icon = boolean_icon


def _automatic_tables() -> tuple[set[str], tuple[str, ...]]:
    """The plural names and the ``"名称: "`` prefixes of Django's automatic many-to-many tables."""
    through = [model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created]
    plurals = {str(model._meta.verbose_name_plural) for model in through}
    prefixes = tuple(f"{capfirst(model._meta.verbose_name)}: " for model in through)
    return plurals, prefixes


def _full_width_label(item: Any) -> Any:
    """``"推荐渠道: <a …>名称</a>"`` → ``"推荐渠道：<a …>名称</a>"`` (Django joins the two with ": ")."""
    text = str(item)
    label, sep, rest = text.partition(": ")
    if not sep:
        return item
    joined = f"{label}：{rest}"
    # Only the separator Django wrote changes; what was escaped stays escaped.
    return mark_safe(joined) if isinstance(item, SafeString) else joined  # noqa: S308


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept = []
    for item in items:
        if isinstance(item, list):
            kept.append(_without(item, prefixes))
        elif not str(item).startswith(prefixes):
            kept.append(_full_width_label(item))
    return [item for item in kept if item != []]


def summary_without_automatic_tables(find: Callable[..., Any]) -> Callable[..., Any]:
    def get_deleted_objects(objs: Any, request: Any, admin_site: Any) -> tuple:
        to_delete, model_count, perms_needed, protected = find(objs, request, admin_site)
        plurals, prefixes = _automatic_tables()
        model_count = {name: count for name, count in model_count.items() if str(name) not in plurals}
        return _without(to_delete, prefixes), model_count, perms_needed, protected

    get_deleted_objects.wrapped = find
    return get_deleted_objects


def use_chinese_deletion_summary() -> None:
    if not hasattr(options.get_deleted_objects, "wrapped"):
        options.get_deleted_objects = summary_without_automatic_tables(options.get_deleted_objects)
