"""The Django admin of the intake side, in Chinese, one module per area.

Next year's campaign is data entry here: a campaign with its dates, its lists (and domains), its
channels, units and review bodies. The admin obeys the policy like every page:

* entries, attachments and audit records are the reader's ``visible_*`` rows (lists, change and
  history pages, searches, autocompletes, inlines); a row outside them answers 404;
* entries and attachments are read-only: they change through their pages and
  ``nominations.workflow``; audit records are append-only;
* users, roles and units of accounts, groups and permissions are changed by superusers only.

Importing this package registers every admin (the area modules register theirs); the models left over
are registered read-only by :func:`register_remaining`, which the reviews app calls for its own models.
"""

# The area modules register their admins when imported.
from nominations.admin import (  # noqa: F401
    accounts,
    audit,
    campaign,
    demo_clock,
    extensions,
    nominations,
    records,
    stamps,
    units,
)
from nominations.admin.mixins import (
    NoChangesMixin,
    PolicyRowsMixin,
    ReadOnlyAdmin,
    SuperuserChangesMixin,
    auto_list_display,
)
from nominations.admin.records import EntryRecordAdmin, register_remaining
from nominations.admin.widgets import SafeAutocompleteMixin

register_remaining("nominations")

__all__ = [
    "EntryRecordAdmin",
    "NoChangesMixin",
    "PolicyRowsMixin",
    "ReadOnlyAdmin",
    "SafeAutocompleteMixin",
    "SuperuserChangesMixin",
    "auto_list_display",
    "register_remaining",
]
