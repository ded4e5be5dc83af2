"""The permission group of the platform secretariat's staff in the Django admin.

One function, :func:`ensure_platform_group`, sets the group up: after every ``migrate`` (the
``post_migrate`` handler connected in ``NominationsConfig.ready``), so production has it without the
demo, and from ``load_demo``.

The group carries what the platform's work in the admin needs and nothing more: the campaign's data
entry (campaigns, lists, domains, channels, units, pioneers, review bodies and their coverage,
criteria, list targets, earlier-listed items, extensions, the demo clock) and reading the records
the admin shows (entries, attachments, audit records, reviews, users): the admin narrows those lists
to what the policy lets the reader see. No change of entries, attachments, users, profiles (roles and
units), groups or permissions: those belong to superusers, and entries change through their pages.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import translation

if TYPE_CHECKING:
    from django.contrib.auth.models import Group

PLATFORM_GROUP = "平台秘书处"

# Data entry: add, change and view. Deleting only where no entry can point at the row (an entry
# protects its campaign, list, domain, units and pioneer: those are deactivated instead).
EDITABLE = {
    "nominations": (
        "campaign",
        "rankinglist",
        "domain",
        "channel",
        "recommendingunit",
        "memberunit",
        "pioneer",
        "participation",
        "extension",
        "earlierlisteditem",
        "democlock",
        "formalcheckitem",
        "stamprequirement",
    ),
    "reviews": ("reviewbody", "reviewcoverage", "reviewcriterion", "listtarget", "listscoringrule"),
}
DELETABLE = {
    "nominations": (
        "channel",
        "participation",
        "extension",
        "earlierlisteditem",
        "formalcheckitem",
        "stamprequirement",
    ),
    "reviews": ("reviewcoverage", "reviewcriterion", "listtarget"),
}
# Read only; the admin narrows the rows to what the policy lets the reader see.
READABLE = {
    "auth": ("user",),
    "nominations": ("nomination", "attachment", "auditevent", "sentmail", "exportjob", "profile"),
    "reviews": (
        "dispatch",
        "assignment",
        "conflictdeclaration",
        "score",
        "bodysubmission",
        "reviewextension",
        "publication",
        "finaldecision",
        "panelmeeting",
        "panelattendance",
        "panelcandidate",
        "panelballotreceipt",
    ),
    # 发布推介: every record read-only (partners are decided on the platform's page, not in the admin).
    "promotion": (
        "partner",
        "partnerstaff",
        "offer",
        "listedprofile",
        "consent",
        "interestrequest",
        "profileview",
        "outcome",
        "package",
        "packagedelivery",
        "promotionsettings",
    ),
}


def platform_permissions() -> set[tuple[str, str]]:
    """``{(app_label, codename)}`` of the platform group."""
    wanted = set()
    for app_label, models in EDITABLE.items():
        wanted |= {(app_label, f"{action}_{model}") for model in models for action in ("add", "change", "view")}
    for app_label, models in DELETABLE.items():
        wanted |= {(app_label, f"delete_{model}") for model in models}
    for app_label, models in READABLE.items():
        wanted |= {(app_label, f"view_{model}") for model in models}
    return wanted


@transaction.atomic
def ensure_platform_group() -> "Group":
    """Create the platform group or set its permissions to exactly :func:`platform_permissions`."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=PLATFORM_GROUP)
    match = Q(pk__in=[])
    for app_label, codename in platform_permissions():
        match |= Q(content_type__app_label=app_label, codename=codename)
    wanted = set(Permission.objects.filter(match).values_list("pk", flat=True))
    if set(group.permissions.values_list("pk", flat=True)) != wanted:
        group.permissions.set(wanted)
    return group


PERMISSION_VERBS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def chinese_permission_name(codename: str, model_verbose_name: str) -> str:
    """``可以查看 附件`` for ``view_attachment``: Django stores its default permissions as "Can view …"."""
    verb = PERMISSION_VERBS.get(codename.split("_", 1)[0])
    return f"可以{verb}{model_verbose_name}" if verb else ""


@transaction.atomic
def name_permissions_in_chinese() -> int:
    """Rename the default permissions (the admin's user and group pages list them) in Chinese."""
    from django.contrib.auth.models import Permission

    renamed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for permission in Permission.objects.select_related("content_type"):
            model = permission.content_type.model_class()
            name = chinese_permission_name(permission.codename, str(model._meta.verbose_name)) if model else ""
            if name and permission.name != name[:255]:
                permission.name = name[:255]
                permission.save(update_fields=["name"])
                renamed += 1
    return renamed


def setup_after_migrate(sender, **kwargs) -> None:
    """``post_migrate`` handler: acts after the reviews app's signal (the last of the project's apps),
    when Django has created the permissions of every app."""
    if sender.label == "reviews":
        ensure_platform_group()
        name_permissions_in_chinese()
