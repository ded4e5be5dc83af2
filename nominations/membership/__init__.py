"""Managing who takes part: invitations, Excel imports and deactivation.

* A recommending unit's secretariat invites its member units (单位会员): a MemberUnit and a user with
  role member and an unusable password; the mail carries a one-time link to set a password (Django's
  password-reset confirm view with ``default_token_generator``).
* Imports read an Excel sheet, preview every row with its messages, and create all rows or none.
  Between preview and apply the rows travel signed (``django.core.signing``), never trusted blindly:
  they are validated again when applied.
* The platform secretariat does the same for recommending units (with their channels) and for 2022
  pioneers. Every invitation, import and deactivation is audited.

:mod:`.rows` checks one row, :mod:`.sheets` reads a sheet and carries the preview, :mod:`.services`
does the work after asking the policy (``manage_member_units``, ``manage_recommending_units``,
``manage_pioneers``).
"""

from nominations.membership.rows import (
    MEMBER_COLUMNS,
    PIONEER_COLUMNS,
    UNIT_COLUMNS,
    validate_member_row,
    validate_pioneer_row,
    validate_unit_row,
)
from nominations.membership.services import (
    apply_member_import,
    apply_pioneer_import,
    apply_unit_import,
    create_invited_user,
    deactivate_member_unit,
    deactivate_pioneer,
    deactivate_recommending_unit,
    invite_member_unit,
    invite_pioneer,
    invite_recommending_unit,
    preview_member_import,
    preview_pioneer_import,
    preview_unit_import,
)
from nominations.membership.sheets import ImportPreview, ImportRefused, ImportRow, MembershipError, read_sheet

__all__ = [
    "MEMBER_COLUMNS",
    "PIONEER_COLUMNS",
    "UNIT_COLUMNS",
    "ImportPreview",
    "ImportRefused",
    "ImportRow",
    "MembershipError",
    "apply_member_import",
    "apply_pioneer_import",
    "apply_unit_import",
    "create_invited_user",
    "deactivate_member_unit",
    "deactivate_pioneer",
    "deactivate_recommending_unit",
    "invite_member_unit",
    "invite_pioneer",
    "invite_recommending_unit",
    "preview_member_import",
    "preview_pioneer_import",
    "preview_unit_import",
    "read_sheet",
    "validate_member_row",
    "validate_pioneer_row",
    "validate_unit_row",
]
