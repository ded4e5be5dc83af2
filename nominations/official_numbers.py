"""The numbers of an official version (正式版): its serial number in the campaign and its verification code.

* The serial number (``KCZG-ZS-2023-000123``, printed by ``nominations.models.official.serial_label``)
  is taken from a locked counter row of the campaign (:func:`take_serials`), so that two units
  confirming at the same moment never get the same one; a unique constraint (campaign, serial) backs
  it up.
* The verification code is random: 12 characters of an alphabet without look-alikes
  (:data:`ALPHABET`), printed ``ABCD-EFGH-JKMN``; :func:`normalize_code` reads one typed back.
"""

from __future__ import annotations

import re
import secrets

from django.db.models import F

from nominations.models import Campaign, OfficialSerial, OfficialVersion

# No 0/O, 1/I/L: a code read off paper and typed in is never ambiguous. 31 ** 12 ≈ 7.9e17 (59 bits).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    """A fresh verification code (not yet used by any version)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not OfficialVersion.objects.filter(code=code).exists():
            return code


_SEPARATORS = re.compile(r"[\s\-－—–_·.。]+")


def normalize_code(text: str) -> str | None:
    """The stored form of a typed code (dashes and spaces dropped, upper case), or ``None`` when it
    cannot be one (wrong length, a character outside the alphabet)."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def take_serials(campaign: Campaign, count: int) -> list[int]:
    """``count`` consecutive serial numbers of ``campaign``; call inside a transaction.

    The campaign's counter row is locked (``select_for_update``) while the numbers are taken, so two
    units confirming at once get distinct numbers; a unique constraint (campaign, serial) backs it up.
    """
    if count <= 0:
        return []
    OfficialSerial.objects.get_or_create(campaign=campaign)
    counter = OfficialSerial.objects.select_for_update().get(campaign=campaign)
    first = counter.last + 1
    OfficialSerial.objects.filter(pk=counter.pk).update(last=F("last") + count)
    return list(range(first, first + count))
