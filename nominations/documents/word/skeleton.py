"""The styled skeleton of the Word form, built once with python-docx: A4 page with the page numbers in
the footer, the few styles a form uses with their fonts (and the document defaults'), the properties.

The skeleton is an empty body with its section; :class:`~nominations.documents.word.form.FormTemplate`
fills ``word/document.xml`` per entry and keeps the other package parts as the bytes returned here.
"""

import copy
import io
import zipfile

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from nominations.documents.word import ooxml
from nominations.documents.word.ooxml import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    HEADING_SIZE,
    MARGINS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PLATFORM_NAME,
    SUBHEADING_SIZE,
    TITLE_SIZE,
    Element,
)

DOCUMENT_TITLE = "“科创中国”系列榜单申报样表"


def skeleton() -> tuple[Element, list[tuple[str, bytes]]]:
    """The root of the empty styled ``word/document.xml`` and every part of the package, as bytes."""
    doc = Document()
    prune_unused(doc)
    set_styles(doc)
    set_page(doc)
    props = doc.core_properties
    props.author = PLATFORM_NAME
    props.last_modified_by = PLATFORM_NAME
    props.title = DOCUMENT_TITLE
    props.comments = ""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    root = copy.deepcopy(doc.element)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = [(info.filename, package.read(info)) for info in package.infolist()]
    return root, parts


def prune_unused(doc: DocxDocument) -> None:
    """Drop what a form never uses: the 800 KB of table styles, effects, thumbnail, custom XML."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)
    keep = {
        "Normal",
        "DefaultParagraphFont",
        "TableNormal",
        "NoList",
        "TableGrid",
        "Title",
        "Heading1",
        "Heading2",
        "Footer",
    }
    styles = doc.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
        else:
            for link in style.findall(qn("w:link")):
                style.remove(link)


def set_styles(doc: DocxDocument) -> None:
    """Fonts, sizes and spacing of the document defaults and of the styles a form uses."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    ooxml.set_fonts(rpr_default, BODY_FONT, size=BODY_SIZE)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "360")
    spacing.set(qn("w:lineRule"), "auto")
    fonts = {
        "Normal": (BODY_FONT, BODY_SIZE, False),
        "Footer": (BODY_FONT, 18, False),
        "Title": (HEADING_FONT, TITLE_SIZE, False),
        "Heading1": (HEADING_FONT, HEADING_SIZE, False),
        "Heading2": (HEADING_FONT, SUBHEADING_SIZE, False),
    }
    for style in doc.styles:
        if style.style_id not in fonts:
            continue
        font, size, bold = fonts[style.style_id]
        element = style.element
        ooxml.set_fonts(element.get_or_add_rPr(), font, size=size, bold=bold)
        ppr = element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
        if style.style_id == "Title":
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            style.paragraph_format.space_after = Pt(6)
        if style.style_id.startswith("Heading"):
            style.paragraph_format.space_before = Pt(12)
            style.paragraph_format.space_after = Pt(6)


def set_page(doc: DocxDocument) -> None:
    """A4 with the margins of Chinese official forms, and 第 N 页 / 共 M 页 centred in the footer."""
    section = doc.sections[0]
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Mm(15)
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = paragraph._p
    p.append(ooxml.run("第 ", BODY_FONT, 18))
    for run in ooxml.field_runs("PAGE", BODY_FONT, 18):
        p.append(run)
    p.append(ooxml.run(" 页 / 共 ", BODY_FONT, 18))
    for run in ooxml.field_runs("NUMPAGES", BODY_FONT, 18):
        p.append(run)
    p.append(ooxml.run(" 页", BODY_FONT, 18))
