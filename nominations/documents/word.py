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

Speed: :class:`FormTemplate` builds the styled skeleton once per batch with python-docx (styles, page
set-up, footer with the PAGE field, prototype paragraphs, table rows and cells) and keeps the other
package parts as bytes. :meth:`FormTemplate.render` then deep-copies the prototypes for one entry,
serialises only ``word/document.xml`` and zips it with the stored parts. See ``bench/word_forms.py``.
"""

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Mm, Pt
from lxml import etree

from nominations.documents.safety import clean_text

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
PLATFORM_NAME = "科创中国系列榜单申报平台"

# Sizes in half-points: 小二 18pt, 三号 16pt, 四号 14pt, 小四 12pt, 五号 10.5pt.
TITLE_SIZE = 36
SUBTITLE_SIZE = 32
HEADING_SIZE = 28
SUBHEADING_SIZE = 24
BODY_SIZE = 24
TABLE_SIZE = 21

# Page: A4, margins close to the ones Chinese official forms use.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGINS = {"top": Mm(30), "bottom": Mm(28), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_TWIPS = int((210 - 28 - 26) / 25.4 * 1440)
LABEL_WIDTH_TWIPS = 2400

_CN_DIGITS = "零一二三四五六七八九"
_NEWLINES = re.compile(r"\r\n|\r|\n")


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def form_title(year):
    return f'{year}年"科创中国"系列榜单申报样表'


def limit_label(max_chars):
    return f"(限{max_chars}字)" if max_chars else ""


# ---------------------------------------------------------------- content (no Word yet)


@dataclass
class Row:
    label: str
    value: str


@dataclass
class LongText:
    label: str
    max_chars: int | None
    text: str


@dataclass
class RepeatItem:
    title: str
    rows: list
    long_texts: list


@dataclass
class RepeatGroup:
    label: str
    items: list


@dataclass
class FormContent:
    """Everything one form shows, in order; built from a nomination by :func:`content_for`."""

    year: int
    list_name: str
    number: str
    basic: list  # [(section title, [Row, ...]), ...]
    blocks: list = field(default_factory=list)  # LongText and RepeatGroup, in the definition's order
    attachments: list = field(default_factory=list)  # ["name(说明)", ...]
    applicant: str = ""
    recommender_label: str = "推荐单位"
    recommender: str = ""
    nominee_is_person: bool = False

    @property
    def title(self):
        return form_title(self.year)

    @property
    def long_texts(self):
        return [block for block in self.blocks if isinstance(block, LongText)]

    @property
    def repeats(self):
        return [block for block in self.blocks if isinstance(block, RepeatGroup)]


def _text(value):
    if value is None:
        return ""
    return clean_text(str(value)).strip()


def content_for(nomination, definition):
    """The :class:`FormContent` of ``nomination`` (``campaign``, lists, units and attachments loaded)."""
    data = nomination.data or {}
    list_name = nomination.ranking_list.name
    if nomination.domain_id:
        list_name = f"{list_name} · {nomination.domain.name}"
    applicant = nomination.member_unit.name if nomination.member_unit_id else ""
    if nomination.pioneer_id:
        recommender_label, recommender = "推举人", f"{nomination.pioneer.name}(2022年技术经理人先锋人物)"
    else:
        recommender_label = "推荐单位"
        recommender = nomination.recommending_unit.name if nomination.recommending_unit_id else ""

    entry_rows = [Row("申报榜单", list_name)]
    if applicant:
        entry_rows.append(Row("申报单位", applicant))
    entry_rows.append(Row(recommender_label, recommender))
    basic = [("申报信息", entry_rows)]
    blocks = []
    for section in definition.display_rows(data, nomination):
        rows = []
        for row in section["rows"]:
            item = row["field"]
            if item.is_repeat:
                blocks.append(_repeat_group(item, row["items"] or []))
            elif item.is_long:
                blocks.append(LongText(item.label, item.max_chars, _text(data.get(item.key))))
            else:
                rows.append(Row(item.label, _text(row["value"])))
        if rows:
            basic.append((section["title"] or "基本信息", rows))
    attachments = []
    for attachment in nomination.attachments.all():
        name = _text(attachment.original_name)
        if attachment.description:
            name = f"{name}({_text(attachment.description)})"
        attachments.append(name)
    return FormContent(
        year=nomination.campaign.year,
        list_name=list_name,
        number=nomination.code,
        basic=basic,
        blocks=blocks,
        attachments=attachments,
        applicant=applicant,
        recommender_label=recommender_label,
        recommender=recommender,
        nominee_is_person=nomination.ranking_list.nominee_is_person,
    )


def _repeat_group(item, displayed_items):
    subfields = {sub.label: sub for sub in item.subfields}
    items = []
    for index, displayed in enumerate(displayed_items, start=1):
        rows, longs = [], []
        for cell in displayed:
            sub = cell.get("field") or subfields.get(cell["label"])
            if sub is not None and sub.is_long:
                longs.append(LongText(sub.label, sub.max_chars, _text(cell["value"])))
            else:
                rows.append(Row(cell["label"], _text(cell["value"])))
        items.append(RepeatItem(f"{item.item_label or item.label}{chinese_number(index)}", rows, longs))
    return RepeatGroup(item.label, items)


# ---------------------------------------------------------------- low-level XML helpers


def _set_fonts(rpr, east_asia, *, size=None, bold=False):
    """Put explicit fonts (Latin and East Asian), size and weight into a ``w:rPr``."""
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:sz"), qn("w:szCs"), qn("w:b"), qn("w:bCs"), qn("w:color")):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    rpr.insert(0, fonts)
    if bold:
        rpr.append(OxmlElement("w:b"))
        rpr.append(OxmlElement("w:bCs"))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    rpr.append(color)
    if size:
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(size))
            rpr.append(el)
    # Word insists on the schema's order of the w:rPr children (CT_RPr); keep it.
    children = sorted(rpr, key=lambda child: _RPR_ORDER.get(child.tag, len(_RPR_ORDER)))
    for child in children:
        rpr.append(child)
    return rpr


_RPR_ORDER = {
    qn(f"w:{tag}"): index
    for index, tag in enumerate(
        [
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
        ]
    )
}


def _run(text, font, size, bold=False):
    run = OxmlElement("w:r")
    run.append(_set_fonts(OxmlElement("w:rPr"), font, size=size, bold=bold))
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def _paragraph(style=None, align=None, first_line_chars=None, before=None, after=None, keep_next=False):
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    if style:
        ps = OxmlElement("w:pStyle")
        ps.set(qn("w:val"), style)
        ppr.append(ps)
    if keep_next:
        ppr.append(OxmlElement("w:keepNext"))
    if before is not None or after is not None:
        spacing = OxmlElement("w:spacing")
        if before is not None:
            spacing.set(qn("w:before"), str(before))
        if after is not None:
            spacing.set(qn("w:after"), str(after))
        ppr.append(spacing)
    if first_line_chars:
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLineChars"), str(first_line_chars))
        ppr.append(ind)
    if align:
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), align)
        ppr.append(jc)
    p.append(ppr)
    return p


def _field_runs(instruction, font, size):
    """Runs of a simple field (PAGE, NUMPAGES) with its cached result ``1``."""
    runs = []
    for kind in ("begin", None, "separate", "1", "end"):
        run = OxmlElement("w:r")
        run.append(_set_fonts(OxmlElement("w:rPr"), font, size=size))
        if kind in ("begin", "separate", "end"):
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run.append(fld)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = kind
            run.append(t)
        runs.append(run)
    return runs


def _cell(width, shaded=False, span=None):
    tc = OxmlElement("w:tc")
    tcpr = OxmlElement("w:tcPr")
    tcw = OxmlElement("w:tcW")
    tcw.set(qn("w:w"), str(width))
    tcw.set(qn("w:type"), "dxa")
    tcpr.append(tcw)
    if span:
        grid_span = OxmlElement("w:gridSpan")
        grid_span.set(qn("w:val"), str(span))
        tcpr.append(grid_span)
    if shaded:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "F2F2F2")
        tcpr.append(shd)
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    tcpr.append(valign)
    tc.append(tcpr)
    return tc


def _table(widths):
    tbl = OxmlElement("w:tbl")
    tblpr = OxmlElement("w:tblPr")
    style = OxmlElement("w:tblStyle")
    style.set(qn("w:val"), "TableGrid")
    tblpr.append(style)
    tblw = OxmlElement("w:tblW")
    tblw.set(qn("w:w"), str(sum(widths)))
    tblw.set(qn("w:type"), "dxa")
    tblpr.append(tblw)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    tbl.append(tblpr)
    grid = OxmlElement("w:tblGrid")
    for width in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(width))
        grid.append(col)
    tbl.append(grid)
    return tbl


def _row(*cells, min_height=None):
    tr = OxmlElement("w:tr")
    trpr = OxmlElement("w:trPr")
    if min_height:
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(min_height))
        height.set(qn("w:hRule"), "atLeast")
        trpr.append(height)
    trpr.append(OxmlElement("w:cantSplit"))
    tr.append(trpr)
    for cell in cells:
        tr.append(cell)
    return tr


def _set_text(paragraph, text):
    """Set the text of a prototype paragraph's (first) run."""
    paragraph.find(f"{qn('w:r')}/{qn('w:t')}").text = text
    return paragraph


# ---------------------------------------------------------------- the template


class FormTemplate:
    """The styled skeleton of the form, built once and rendered for many entries."""

    def __init__(self):
        doc = Document()
        self._prune(doc)
        self._style(doc)
        self._page(doc)
        props = doc.core_properties
        props.author = PLATFORM_NAME
        props.last_modified_by = PLATFORM_NAME
        props.title = "“科创中国”系列榜单申报样表"
        props.comments = ""
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self._root = copy.deepcopy(doc.element)
        buffer = io.BytesIO()
        doc.save(buffer)
        with zipfile.ZipFile(buffer) as package:
            self._parts = [(info.filename, package.read(info)) for info in package.infolist()]
        self._build_prototypes()

    # -------------------------------------------------- skeleton, once

    @staticmethod
    def _prune(doc):
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

    @staticmethod
    def _style(doc):
        styles = doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr_default = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        _set_fonts(rpr_default, BODY_FONT, size=BODY_SIZE)
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
            _set_fonts(element.get_or_add_rPr(), font, size=size, bold=bold)
            ppr = element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
            if style.style_id == "Title":
                style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
                style.paragraph_format.space_after = Pt(6)
            if style.style_id.startswith("Heading"):
                style.paragraph_format.space_before = Pt(12)
                style.paragraph_format.space_after = Pt(6)

    @staticmethod
    def _page(doc):
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
        p.append(_run("第 ", BODY_FONT, 18))
        for run in _field_runs("PAGE", BODY_FONT, 18):
            p.append(run)
        p.append(_run(" 页 / 共 ", BODY_FONT, 18))
        for run in _field_runs("NUMPAGES", BODY_FONT, 18):
            p.append(run)
        p.append(_run(" 页", BODY_FONT, 18))

    def _build_prototypes(self):
        """Paragraphs and table pieces with their formatting, deep-copied for each use."""
        self._title = _paragraph("Title", align="center")
        self._title.append(_run("", HEADING_FONT, TITLE_SIZE))
        self._subtitle = _paragraph(align="center", after=120)
        self._subtitle.append(_run("", HEADING_FONT, SUBTITLE_SIZE))
        self._meta = _paragraph(align="right", after=120)
        self._meta.append(_run("", BODY_FONT, TABLE_SIZE))
        self._heading = _paragraph("Heading1", keep_next=True)
        self._heading.append(_run("", HEADING_FONT, HEADING_SIZE))
        self._subheading = _paragraph("Heading2", keep_next=True)
        self._subheading.append(_run("", HEADING_FONT, SUBHEADING_SIZE))
        self._body = _paragraph(first_line_chars=200, align="both")
        self._body.append(_run("", BODY_FONT, BODY_SIZE))
        self._plain = _paragraph()
        self._plain.append(_run("", BODY_FONT, BODY_SIZE))
        self._right = _paragraph(align="right")
        self._right.append(_run("", BODY_FONT, BODY_SIZE))
        self._label = _paragraph(keep_next=True, before=120)
        self._label.append(_run("", HEADING_FONT, BODY_SIZE))
        self._cell_label = _paragraph(align="center")
        self._cell_label.append(_run("", HEADING_FONT, TABLE_SIZE))
        self._cell_value = _paragraph()
        self._cell_value.append(_run("", BODY_FONT, TABLE_SIZE))

        value_width = TEXT_WIDTH_TWIPS - LABEL_WIDTH_TWIPS
        self._widths = (LABEL_WIDTH_TWIPS, value_width)
        self._table_proto = _table(self._widths)
        self._label_cell = _cell(LABEL_WIDTH_TWIPS, shaded=True)
        self._value_cell = _cell(value_width)
        self._caption_cell = _cell(TEXT_WIDTH_TWIPS, shaded=True, span=2)
        self._tall_value_cell = _cell(value_width)

        # Serialise every prototype once: per entry only text is escaped and strings are joined.
        self._frags = {
            name: _text_fragment(getattr(self, f"_{name}"))
            for name in (
                "title",
                "subtitle",
                "meta",
                "heading",
                "subheading",
                "body",
                "plain",
                "right",
                "label",
                "cell_label",
                "cell_value",
            )
        }
        self._tbl = _container_fragment(self._table_proto)
        self._tc_label = _container_fragment(self._label_cell)
        self._tc_value = _container_fragment(self._value_cell)
        self._tc_caption = _container_fragment(self._caption_cell)
        self._tr = _container_fragment(_row(min_height=454))
        self._tr_plain = _container_fragment(_row())
        self._tr_tall = _container_fragment(_row(min_height=4000))
        head, _sep, tail = (
            etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)
            .decode("utf-8")
            .partition("<w:sectPr")
        )
        self._doc_head, self._doc_tail = head, _sep + tail

    # -------------------------------------------------- per entry

    def _p(self, name, text):
        head, tail = self._frags[name]
        return f"{head}{escape(text)}{tail}"

    def _kv_table(self, groups, caption=True):
        """A two-column label/value table; ``groups`` is ``[(caption, [Row, ...]), ...]``."""
        tbl_head, tbl_tail = self._tbl
        out = [tbl_head]
        for title, rows in groups:
            if caption and title:
                out += [
                    self._tr_plain[0],
                    self._tc_caption[0],
                    self._p("cell_label", title),
                    self._tc_caption[1],
                    self._tr_plain[1],
                ]
            for row in rows:
                lines = _NEWLINES.split(row.value) if row.value else [""]
                out += [self._tr[0], self._tc_label[0], self._p("cell_label", row.label), self._tc_label[1]]
                out.append(self._tc_value[0])
                out.extend(self._p("cell_value", line) for line in lines)
                out += [self._tc_value[1], self._tr[1]]
        out.append(tbl_tail)
        return "".join(out)

    def _long(self, proto, heading, text):
        out = [self._p(proto, heading)]
        lines = [line.strip() for line in _NEWLINES.split(text)] if text else []
        lines = [line for line in lines if line]
        if not lines:
            lines = ["(未填写)"]
        out.extend(self._p("body", line) for line in lines)
        return out

    def elements(self, content):
        """The body of one form, in order, as XML fragments."""
        out = [self._p("title", content.title), self._p("subtitle", content.list_name)]
        out.append(self._p("meta", f"申报编号:{content.number}"))
        number = 1
        out.append(self._p("heading", f"{chinese_number(number)}、基本信息"))
        out.append(self._kv_table(content.basic))
        for block in content.blocks:
            number += 1
            if isinstance(block, LongText):
                heading = f"{chinese_number(number)}、{block.label}{limit_label(block.max_chars)}"
                out.extend(self._long("heading", heading, block.text))
                continue
            group = block
            out.append(self._p("heading", f"{chinese_number(number)}、{group.label}"))
            if not group.items:
                out.append(self._p("plain", "(未填写)"))
            for item in group.items:
                out.append(self._p("subheading", item.title))
                if item.rows:
                    out.append(self._kv_table([("", item.rows)], caption=False))
                for sub in item.long_texts:
                    out.extend(self._long("label", f"{sub.label}{limit_label(sub.max_chars)}", sub.text))
        number += 1
        out.append(self._p("heading", f"{chinese_number(number)}、附件清单"))
        if content.attachments:
            out.extend(self._p("plain", f"{i}. {name}") for i, name in enumerate(content.attachments, start=1))
        else:
            out.append(self._p("plain", "(无)"))
        number += 1
        who, sign = ("申报人", "申报人(签字)") if content.nominee_is_person else ("申报单位", "申报单位(盖章)")
        out.append(self._p("heading", f"{chinese_number(number)}、{who}承诺"))
        out.append(
            self._p("body", f"本{who[2:]}承诺:所填报内容及附件材料真实、准确、完整,不涉及国家秘密,无知识产权争议。")
        )
        out.append(self._p("right", f"{sign}:                    "))
        out.append(self._p("right", "日期:      年    月    日"))
        number += 1
        out.append(self._p("heading", f"{chinese_number(number)}、{content.recommender_label}意见"))
        out.append(self._opinion(content))
        return out

    def _opinion(self, content):
        """推荐意见 with room to write, the stamp line and the date line."""
        stamp = "推举人(签字):" if content.recommender_label == "推举人" else "推荐单位(盖章):"
        value = [self._p("cell_value", f"{content.recommender_label}:{content.recommender}")]
        value += [self._p("cell_value", "")] * 6
        value += [self._p("right", f"{stamp}                    "), self._p("right", "日期:      年    月    日")]
        return "".join(
            [
                self._tbl[0],
                self._tr_tall[0],
                self._tc_label[0],
                self._p("cell_label", "推荐意见"),
                self._tc_label[1],
                self._tc_value[0],
                *value,
                self._tc_value[1],
                self._tr_tall[1],
                self._tbl[1],
            ]
        )

    def document_xml(self, content):
        return "".join([self._doc_head, *self.elements(content), self._doc_tail]).encode("utf-8")

    def render(self, content):
        """One ``.docx`` as bytes."""
        document = self.document_xml(content)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
            for name, data in self._parts:
                package.writestr(name, document if name == "word/document.xml" else data)
        return out.getvalue()


_W_DECLARATION = f' xmlns:w="{nsmap["w"]}"'
_MARK = "\ue000"


def _serialise(element):
    # The document root declares the w: namespace; a fragment need not repeat it.
    return etree.tostring(element, encoding="unicode").replace(_W_DECLARATION, "")


def _text_fragment(paragraph):
    """``(head, tail)`` around the text of a one-run prototype paragraph."""
    proto = copy.deepcopy(paragraph)
    _set_text(proto, _MARK)
    head, _mark, tail = _serialise(proto).partition(_MARK)
    return head, tail


def _container_fragment(element):
    """``(head, tail)`` of a table, row or cell prototype: children go between them."""
    text = _serialise(element)
    close = text.rindex("</")
    return text[:close], text[close:]


_template = None


def template():
    """A process-wide template (the skeleton never depends on the entry)."""
    global _template
    if _template is None:
        _template = FormTemplate()
    return _template


def render_form(nomination, definition, form_template=None):
    """The ``.docx`` bytes of one nomination's 附件2 form."""
    return (form_template or template()).render(content_for(nomination, definition))


# ---------------------------------------------------------------- a batch as one ZIP

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text, limit=60):
    """A file or folder name that every unzip tool and file system accepts."""
    cleaned = _UNSAFE_NAME.sub("_", str(text or "")).strip(" ._")
    return cleaned[:limit] or "未命名"


def zip_member_name(nomination):
    """``先导技术榜/电子信息/000123_技术名称.docx`` (grouped by list and domain, like the published lists)."""
    parts = [safe_name(nomination.ranking_list.name)]
    if nomination.domain_id:
        parts.append(safe_name(nomination.domain.name))
    parts.append(f"{nomination.pk:06d}_{safe_name(nomination.title)}.docx")
    return "/".join(parts)


def write_forms_zip(fileobj, nominations, definition_of, *, form_template=None):
    """Write one 附件2 form per nomination into a ZIP at ``fileobj``; return how many were written.

    ``definition_of(nomination)`` returns the form definition (the caller caches it per list and year).
    The forms are already compressed, so the outer ZIP stores them as they are.
    """
    form_template = form_template or template()
    count = 0
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as archive:
        for nomination in nominations:
            data = form_template.render(content_for(nomination, definition_of(nomination)))
            archive.writestr(zip_member_name(nomination), data)
            count += 1
    return count
