"""The minutes of a panel meeting (会评纪要) as Word (python-docx), and as PDF through LibreOffice
(``nominations.documents.pdf.docx_to_pdf``) where the server has it.

Only a closed meeting has minutes (``reviews.panel.results`` refuses before): the attendance (应到, 实到,
each member present or absent), the rules applied (quorum, threshold), and per candidate its
initial-review result, the counts 同意 / 不同意 / 弃权 and the outcome, with the chair's decision of a tie.
"""

import io

from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reviews import panel, panel_setup
from reviews.models import PanelMeeting

BODY_FONT, HEADING_FONT = "宋体", "黑体"


def _fonts(run, east_asia: str, size: int | None = None, bold: bool = False) -> None:
    run.font.name = east_asia
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attribute), east_asia)


def _paragraph(doc, text: str, *, font: str = BODY_FONT, size: int = 12, bold: bool = False, center: bool = False):
    p = doc.add_paragraph()
    if center:
        p.alignment = 1
    _fonts(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(text), HEADING_FONT, 10, True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 10)


def _moment(value) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def outcome_text(candidate) -> str:
    text = candidate.get_outcome_display()
    if candidate.chair_decision is not None:
        verdict = "入选" if candidate.chair_decision else "不入选"
        text += f"；主持人确定{verdict}（理由：{candidate.chair_reason}）"
    return text


def minutes_docx(meeting: PanelMeeting) -> bytes:
    """The Word minutes of a closed meeting (refused while the vote is sealed)."""
    result = panel.results(meeting)
    doc = Document()
    _paragraph(
        doc,
        f"{meeting.campaign.year}年“科创中国”系列榜单终评会评纪要",
        font=HEADING_FONT,
        size=16,
        bold=True,
        center=True,
    )
    lists = "、".join(meeting.ranking_lists.order_by("order").values_list("name", flat=True))
    _paragraph(doc, f"会议名称：{meeting.name}")
    _paragraph(doc, f"评审榜单：{lists}")
    _paragraph(doc, f"主持人：{panel_setup.display_name(meeting.chair)}")
    _paragraph(doc, f"开始投票：{_moment(meeting.opened_at)}；结束投票：{_moment(meeting.closed_at)}")
    _paragraph(doc, "一、出席情况", font=HEADING_FONT, size=13, bold=True)
    _paragraph(
        doc,
        f"应到 {result.members} 人，实到 {result.present} 人，达到应到人数的三分之二（至少 "
        f"{panel.quorum_needed(result.members)} 人），会议有效。收回选票 {result.ballots} 张。",
    )
    _table(
        doc,
        ["专家", "工作单位", "出席"],
        [
            [
                panel_setup.display_name(a.member),
                getattr(getattr(a.member, "profile", None), "organization", "") or "—",
                "出席" if a.present else "缺席",
            ]
            for a in result.attendance
        ],
    )
    _paragraph(doc, "二、表决规则", font=HEADING_FONT, size=13, bold=True)
    places = f"拟入选名额 {meeting.places} 项；" if meeting.places else ""
    _paragraph(
        doc,
        f"无记名投票，每位出席专家对每项候选选择同意、不同意或弃权。同意票达到实到人数的三分之二（至少 "
        f"{result.needed} 票）为通过。{places}"
        "通过者超出名额时按同意票数排序，名额边界上票数相同者由主持人确定并说明理由。",
    )
    _paragraph(doc, "三、表决结果", font=HEADING_FONT, size=13, bold=True)
    _table(
        doc,
        ["序号", "榜单 · 领域", "申报名称", "推荐单位", "初评排名", "初评得分", "同意", "不同意", "弃权", "表决结果"],
        [
            [
                index,
                c.ranking_list.name + (f" · {c.domain.name}" if c.domain_id else ""),
                c.nomination.title,
                c.nomination.recommending_unit.name if c.nomination.recommending_unit_id else "—",
                c.initial_rank or "—",
                "—" if c.initial_score is None else f"{c.initial_score:.2f}（{c.initial_rule}）",
                c.yes_count,
                c.no_count,
                c.abstain_count,
                outcome_text(c),
            ]
            for index, c in enumerate(result.candidates, start=1)
        ],
    )
    _paragraph(doc, "")
    _paragraph(doc, "主持人（签字）：                    日期：")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def minutes_pdf(meeting: PanelMeeting) -> bytes:
    """The PDF of :func:`minutes_docx` (raises ``PdfError`` without LibreOffice)."""
    from nominations.documents.pdf import docx_to_pdf

    return docx_to_pdf(minutes_docx(meeting), watermark=None)
