"""The Word application form (附件2), built from the list's form definition with python-docx.

Layout of one form (A4, page numbers in the footer):

* the title ``2023年"科创中国"系列榜单申报样表`` and the list (and domain) name;
* 一、基本信息: a label/value table of every short field of the definition, grouped by its sections,
  after the entry's own rows (榜单, 申报单位, 推荐单位);
* one numbered section per long text, headed by its label and its limit, e.g. ``二、技术简介(限800字)``;
* repeating groups (技术经理人先锋榜: 代表性技术转移案例) as sub-sections, one per item;
* 附件清单, the applicant's declaration, and the recommending unit's opinion block
  (推荐意见, 推荐单位(盖章), 日期).

Every run carries its fonts (``w:rFonts`` with ``w:eastAsia``: 宋体 for the body, 黑体 for the
title and headings), and so do the styles and the document defaults, so that Word and LibreOffice
both render the Chinese text in the intended typefaces.

The modules, by what they do:

* ``content`` — what one form shows (:class:`FormContent`), from an entry and its definition;
* ``ooxml`` — the shared Office Open XML helpers: fonts, sizes, page geometry, runs, paragraphs,
  tables, and their serialisation into fragments;
* ``skeleton`` — the styled empty document, built once with python-docx;
* ``form`` — :class:`FormTemplate`, which renders one entry's form from the skeleton's fragments;
* ``archive`` — many forms as one ZIP, and the safe file names.

Speed: :class:`FormTemplate` builds the styled skeleton once per batch with python-docx (styles, page
set-up, footer with the PAGE field, prototype paragraphs, table rows and cells) and keeps the other
package parts as bytes. :meth:`FormTemplate.render` then joins the prototypes' fragments around one
entry's text, serialises only ``word/document.xml`` and zips it with the stored parts. See
``bench/word_forms.py``.
"""

from nominations.documents.word.archive import safe_name, write_forms_zip, zip_member_name
from nominations.documents.word.content import (
    FormContent,
    LongText,
    RepeatGroup,
    RepeatItem,
    Row,
    chinese_number,
    content_for,
    form_title,
    limit_label,
)
from nominations.documents.word.form import FormTemplate, render_form, template

__all__ = [
    "FormContent",
    "FormTemplate",
    "LongText",
    "RepeatGroup",
    "RepeatItem",
    "Row",
    "chinese_number",
    "content_for",
    "form_title",
    "limit_label",
    "render_form",
    "safe_name",
    "template",
    "write_forms_zip",
    "zip_member_name",
]
