"""The PDF link of an entry's form: ``{% load pdf_tags %}{% pdf_link nomination %}``.

A link to ``exports:nomination_pdf`` while this server can make PDFs (``pdf.pdf_available``); else a
disabled button with the reason in ``title`` and as text (visually hidden, for screen readers and phones).
``css`` sets the button's classes (default ``btn btn-outline-secondary btn-sm``).
"""

from typing import Any

from django import template

from nominations.documents import pdf

register = template.Library()

LABEL = "下载申报书（PDF）"


@register.inclusion_tag("nominations/includes/pdf_link.html")
def pdf_link(nomination: Any, css: str = "btn btn-outline-secondary btn-sm") -> dict[str, Any]:
    return {"nomination": nomination, "decision": pdf.pdf_available(), "label": LABEL, "css": css}
