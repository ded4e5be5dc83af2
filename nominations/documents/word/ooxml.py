"""The shared Office Open XML helpers of the Word forms: fonts and sizes, page geometry, and the
``w:r``, ``w:p``, table, row and cell elements with their formatting, serialised once into fragments.

Every run carries its fonts (``w:rFonts`` with ``w:eastAsia``: 宋体 for the body, 黑体 for the title and
headings) so that Word and LibreOffice both render the Chinese text in the intended typefaces.
"""

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Mm
from lxml import etree
from lxml.etree import _Element as Element

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


def set_fonts(rpr: Element, east_asia: str, *, size: int | None = None, bold: bool = False) -> Element:
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


def run(text: str, font: str, size: int, bold: bool = False) -> Element:
    element = OxmlElement("w:r")
    element.append(set_fonts(OxmlElement("w:rPr"), font, size=size, bold=bold))
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    element.append(t)
    return element


def paragraph(
    style: str | None = None,
    align: str | None = None,
    first_line_chars: int | None = None,
    before: int | None = None,
    after: int | None = None,
    keep_next: bool = False,
) -> Element:
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


def field_runs(instruction: str, font: str, size: int) -> list[Element]:
    """Runs of a simple field (PAGE, NUMPAGES) with its cached result ``1``."""
    runs = []
    for kind in ("begin", None, "separate", "1", "end"):
        element = OxmlElement("w:r")
        element.append(set_fonts(OxmlElement("w:rPr"), font, size=size))
        if kind in ("begin", "separate", "end"):
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            element.append(fld)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = kind
            element.append(t)
        runs.append(element)
    return runs


def cell(width: int, shaded: bool = False, span: int | None = None) -> Element:
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


def table(widths: tuple[int, ...]) -> Element:
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


def row(*cells: Element, min_height: int | None = None) -> Element:
    tr = OxmlElement("w:tr")
    trpr = OxmlElement("w:trPr")
    if min_height:
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(min_height))
        height.set(qn("w:hRule"), "atLeast")
        trpr.append(height)
    trpr.append(OxmlElement("w:cantSplit"))
    tr.append(trpr)
    for tc in cells:
        tr.append(tc)
    return tr


def set_text(p: Element, text: str) -> Element:
    """Set the text of a prototype paragraph's (first) run."""
    p.find(f"{qn('w:r')}/{qn('w:t')}").text = text
    return p


_W_DECLARATION = f' xmlns:w="{nsmap["w"]}"'
_MARK = "\ue000"


def serialise(element: Element) -> str:
    # The document root declares the w: namespace; a fragment need not repeat it.
    return etree.tostring(element, encoding="unicode").replace(_W_DECLARATION, "")


def text_fragment(p: Element) -> tuple[str, str]:
    """``(head, tail)`` around the text of a one-run prototype paragraph."""
    proto = copy.deepcopy(p)
    set_text(proto, _MARK)
    head, _mark, tail = serialise(proto).partition(_MARK)
    return head, tail


def container_fragment(element: Element) -> tuple[str, str]:
    """``(head, tail)`` of a table, row or cell prototype: children go between them."""
    text = serialise(element)
    close = text.rindex("</")
    return text[:close], text[close:]
