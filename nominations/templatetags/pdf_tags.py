"""The PDF link of an entry's form: ``{% load pdf_tags %}{% pdf_link nomination %}``.

A link to ``exports:nomination_pdf`` while this server can make PDFs (``pdf.pdf_available``); else a
disabled button with the reason in ``title`` and as text (visually hidden, for screen readers and phones).
``css`` sets the button's classes (default ``btn btn-outline-secondary btn-sm``).

Once the unit has confirmed, the entry's official version (``nominations.official``): the same link,
followed by 正式版, the verification code and the note that the Word form is not the official
one; while the PDF is being made (or failed, to be retried) the button is disabled with that state.
"""

from typing import Any

from django import template

from nominations import official
from nominations.documents import pdf
from nominations.rules.decision import ALLOW, Decision

register = template.Library()

LABEL = "下载申报书（PDF）"


@register.inclusion_tag("nominations/includes/pdf_link.html")
def pdf_link(nomination: Any, css: str = "btn btn-outline-secondary btn-sm") -> dict[str, Any]:
    version = official.current_version(nomination)
    if version is None:
        return {"nomination": nomination, "decision": pdf.pdf_available(), "label": LABEL, "css": css}
    reason = official.unavailable_reason(version)
    return {
        "nomination": nomination,
        "decision": Decision.deny(reason) if reason else ALLOW,
        "label": LABEL,
        "css": css,
        "version": version,
        "word_note": official.WORD_NOTE,
    }
