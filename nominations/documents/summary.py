"""推荐汇总表 (a recommending unit's summary of its recommendations): per list and domain the quota and
how much of it is used (``rules.quotas.quota_rows``, the one definition), then every recommended entry,
and the lines for the signature and the seal. Word (python-docx) and PDF (``documents.pdf.docx_to_pdf``);
until the unit confirms, the Word header and every PDF page carry the draft watermark.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import QuerySet
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from kczg_site import clock
from kczg_site.formats import format_date
from nominations.documents import pdf
from nominations.documents.word.ooxml import BODY_FONT, HEADING_FONT, PLATFORM_NAME, set_fonts
from nominations.models import Campaign, Nomination, RecommendingUnit, State
from nominations.rules import quotas

QUOTA_HEADERS = ("榜单", "领域", "推荐名额", "已推荐")
ENTRY_HEADERS = ("序号", "申报编号", "榜单（领域）", "申报名称", "申报单位")
SIGNATURE_LINE = "推荐单位（盖章）：                    负责人（签字）：                    日期：      年   月   日"


@dataclass(frozen=True)
class Summary:
    unit: RecommendingUnit
    campaign: Campaign
    quota_rows: list[quotas.QuotaRow]
    entries: list[Nomination]
    official: bool  # the unit has confirmed: no watermark

    @property
    def title(self) -> str:
        return f"{self.campaign.year}年“科创中国”系列榜单推荐汇总表"

    @property
    def file_stem(self) -> str:
        return f"{self.unit.name} {self.campaign.year}年推荐汇总表"


def summary_for(unit: RecommendingUnit, campaign: Campaign, entries: QuerySet[Nomination]) -> Summary:
    """The unit's summary, counted among ``entries`` (the reader's visible ones)."""
    from nominations.confirmation import is_confirmed

    rows = quotas.quota_rows([unit], campaign, entries=entries)
    recommended = (
        entries.filter(campaign=campaign, recommending_unit=unit, pioneer=None, state=State.RECOMMENDED)
        .select_related("campaign", "ranking_list", "domain", "member_unit")
        .order_by("ranking_list__order", "domain__order", "pk")
    )
    return Summary(unit, campaign, rows, list(recommended), is_confirmed(unit, campaign))


def _font(run, font: str = BODY_FONT, size: int = 21, bold: bool = False) -> None:
    set_fonts(run._element.get_or_add_rPr(), font, size=size, bold=bold)


def _paragraph(doc, text: str, *, font: str = BODY_FONT, size: int = 24, bold: bool = False, center: bool = False):
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 21, True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 21)


def summary_docx(summary: Summary) -> bytes:
    """The 汇总表 as a Word document (A4; the draft mark in the header until confirmed)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    props = doc.core_properties
    props.author = PLATFORM_NAME
    props.title = summary.title
    if not summary.official:
        header = doc.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(header.add_run(pdf.DRAFT_WATERMARK), HEADING_FONT, 24, True)
    _paragraph(doc, summary.title, font=HEADING_FONT, size=32, bold=True, center=True)
    _paragraph(doc, f"推荐单位：{summary.unit.name}")
    _paragraph(
        doc, f"生成日期：{format_date(clock.now())}" + ("" if summary.official else "（草稿，确认推荐前可能变化）")
    )
    _paragraph(doc, "一、推荐名额使用情况", font=HEADING_FONT, size=24, bold=True)
    _table(
        doc,
        QUOTA_HEADERS,
        [
            (row.ranking_list.name, row.domain.name if row.domain else "—", row.quota.total, row.quota.used)
            for row in summary.quota_rows
        ],
    )
    _paragraph(doc, f"二、推荐申报（共 {len(summary.entries)} 项）", font=HEADING_FONT, size=24, bold=True)
    _table(
        doc,
        ENTRY_HEADERS,
        [
            (
                str(number),
                entry.code,
                entry.list_label,
                str(entry),
                entry.member_unit.name if entry.member_unit_id else "—",
            )
            for number, entry in enumerate(summary.entries, start=1)
        ],
    )
    _paragraph(doc, "")
    _paragraph(doc, "本单位对以上推荐申报材料的真实性负责。")
    _paragraph(doc, SIGNATURE_LINE)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def summary_pdf(summary: Summary) -> bytes:
    """The 汇总表 as PDF (LibreOffice), every page watermarked until confirmed; raises ``PdfError``."""
    return pdf.docx_to_pdf(summary_docx(summary), watermark=None if summary.official else pdf.DRAFT_WATERMARK)
