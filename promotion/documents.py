"""The Word downloads of 发布推介 (python-docx): one profile, or one 定向推介 package, for one partner.

Every page carries the watermark: the header and the footer of every section say for whom and when
(``仅供【甲银行】内部参阅 · 2023-12-20 10:00 下载 · 不得转发``, Beijing time), and the header holds
Word's own text watermark (a VML ``v:textpath`` shape, light grey and diagonal behind the text, as
Word's 设计 › 水印 makes it). The caller decides what may be shown: ``contact`` is passed only when the
policy's ``view_contact`` allows it; a package is never given one.
"""

from __future__ import annotations

import copy
import io
from datetime import datetime

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from lxml import etree

from nominations.documents.word.ooxml import BODY_FONT, HEADING_FONT, PLATFORM_NAME, set_fonts
from promotion.models import Consent, ListedProfile

_VML = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
# Word's text watermark (PowerPlusWaterMarkObject): the WordArt shape type 136 and one shape using it.
_WATERMARK = """<w:r xmlns:w="{w}" xmlns:v="{v}" xmlns:o="{o}" xmlns:w10="{w10}"><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/>
<v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" o:allowincell="f"
 style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:88pt;rotation:315;z-index:-251657216;
mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;
mso-position-vertical-relative:margin" fillcolor="#d0d0d0" stroked="f">
<v:fill opacity=".45"/><v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string=""/>
<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>""".format(**_VML, font=BODY_FONT)


def download_time(moment: datetime) -> str:
    """``2023-12-20 10:00`` in Beijing time (the site's time zone)."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def watermark_text(partner_name: str, moment: datetime) -> str:
    return f"仅供【{partner_name}】内部参阅 · {download_time(moment)} 下载 · 不得转发"


def profile_docx(profile: ListedProfile, partner_name: str, moment: datetime, *, consent=None, contact=None) -> bytes:
    """One profile: the public part, the extended part when ``consent`` is given, the contact when
    ``contact`` is (the caller asked ``view_contact``)."""
    doc = _document(f"推介项目：{profile.nomination.title}", partner_name, moment)
    _profile(doc, profile, consent, contact)
    return _save(doc, partner_name, moment)


def package_docx(title: str, profiles, partner_name: str, moment: datetime) -> bytes:
    """A 定向推介 package: every profile with its extended part, never a contact (no bulk export of
    contact data)."""
    doc = _document(f"定向推介：{title}", partner_name, moment)
    rows = list(profiles)
    if not rows:
        doc.add_paragraph("推介中的项目已撤回授权。")
    for index, profile in enumerate(rows):
        if index:
            doc.add_page_break()
        _profile(doc, profile, profile.live_consent(), None)
    doc.add_paragraph("本文件不含联系方式。如需联系入榜单位，请在平台上提出对接请求。")
    return _save(doc, partner_name, moment)


# ---------------------------------------------------------------- content


def _profile(doc: DocxDocument, profile: ListedProfile, consent: Consent | None, contact: Consent | None) -> None:
    entry = profile.nomination
    _heading(doc, entry.title, 1)
    facts = [f"{entry.campaign.year}年", entry.ranking_list.name]
    if entry.domain_id:
        facts.append(entry.domain.name)
    unit = entry.recommending_unit.name if entry.recommending_unit_id else "—"
    doc.add_paragraph(" · ".join(facts) + f" · 推荐单位：{unit} · 地区：{profile.region or '—'}")
    _heading(doc, "项目简介", 2)
    doc.add_paragraph(profile.summary or "（暂无简介）")
    _rows(doc, [(row["label"], row["value"]) for row in profile.published_fields])
    if consent is not None:
        _heading(doc, "扩展信息（仅合作机构可见）", 2)
        _rows(
            doc,
            [
                ("融资需求", consent.get_financing_need_display() or "—"),
                ("金额区间", consent.get_amount_band_display() or "—"),
                ("资金用途", consent.use_of_funds or "—"),
                ("发展阶段", consent.get_stage_display() or "—"),
            ],
        )
    if contact is not None:
        _heading(doc, "联系方式（入榜单位已接受贵机构的请求）", 2)
        rows = [("联系人", contact.contact_name)]
        if contact.contact_phone:
            rows.append(("联系电话", contact.contact_phone))
        if contact.contact_email:
            rows.append(("电子邮箱", contact.contact_email))
        _rows(doc, rows)


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), HEADING_FONT, size=32 if level == 1 else 28, bold=True)


def _rows(doc: DocxDocument, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)


# ---------------------------------------------------------------- the document and its watermark


def _document(title: str, partner_name: str, moment: datetime) -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    props = doc.core_properties
    props.author = props.last_modified_by = PLATFORM_NAME
    props.title = title
    props.comments = watermark_text(partner_name, moment)
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run(title)._r.get_or_add_rPr(), HEADING_FONT, size=36, bold=True)
    doc.add_paragraph(watermark_text(partner_name, moment))
    return doc


def _save(doc: DocxDocument, partner_name: str, moment: datetime) -> bytes:
    _mark(doc, partner_name, moment)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _mark(doc: DocxDocument, partner_name: str, moment: datetime) -> None:
    """The watermark in every section's header and footer (the first-page and even-page ones too,
    should a section use them): the line of text, and in each header the diagonal shape."""
    text = watermark_text(partner_name, moment)
    for section in doc.sections:
        headers, footers = [section.header], [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if doc.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for part in headers + footers:
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
            paragraph.text = ""
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            set_fonts(run._r.get_or_add_rPr(), BODY_FONT, size=18)
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
        for part in headers:
            part.paragraphs[0]._p.append(_watermark_shape(f"{partner_name} {download_time(moment)}"))


def _watermark_shape(text: str) -> etree._Element:
    run = copy.deepcopy(_SHAPE)
    run.find(".//v:shape/v:textpath", _VML).set("string", text)
    return run


_SHAPE = etree.fromstring(_WATERMARK)
