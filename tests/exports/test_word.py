"""The Word 附件2 form: opened with python-docx, it holds the title, every field label and value of the
form definition, the long sections with their limits, the opinion block, fonts on every run, A4 and
page numbers."""

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from nominations import exports
from nominations.documents import word
from nominations.forms import get_definition
from nominations.models import Attachment, ExportKind

pytestmark = pytest.mark.django_db


def _open(data):
    return docx.Document(io.BytesIO(data))


def _all_text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _all_runs(document):
    body = document.element.body
    runs = list(body.iter(qn("w:r")))
    for section in document.sections:
        runs.extend(section.footer._element.iter(qn("w:r")))
    return runs


@pytest.mark.parametrize("code", ["tech", "enterprise", "organization", "manager"])
def test_form_holds_every_label_and_value_of_the_definition(entries, code):
    nomination = entries[code]
    name, data = exports.nomination_docx(nomination)
    assert name.endswith(".docx")
    document = _open(data)
    text = _all_text(document)
    definition = get_definition(code, 2023)

    assert document.paragraphs[0].text == '2023年"科创中国"系列榜单申报样表'
    assert nomination.ranking_list.name in document.paragraphs[1].text
    if code == "tech":
        assert "先导技术榜 · 电子信息" in document.paragraphs[1].text

    for section in definition.display_rows(nomination.data, nomination):
        for row in section["rows"]:
            assert row["label"] in text, row["label"]
            if row["items"]:
                for item in row["items"]:
                    for cell in item:
                        assert cell["label"] in text
                        assert str(cell["value"]) in text, cell["label"]
            elif not row["field"].is_long:
                assert str(row["value"]) in text, row["label"]
    # Each long text is its own section, headed by its label and its limit.
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for field in definition.long_texts:
        heading = f"{field.label}（限{field.max_chars}字）"
        assert any(heading in h for h in headings) or heading in text, heading
        value = nomination.data.get(field.key)
        if value:
            assert value in text
    # The recommending unit's opinion block.
    for words in ("推荐意见", "盖章", "日期", nomination.recommending_unit.name):
        assert words in text, words
    assert "附件清单" in text


def test_repeating_cases_are_sub_sections(entries):
    document = _open(exports.nomination_docx(entries["manager"])[1])
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("代表性技术转移案例" in h for h in headings)
    assert "案例一" in headings
    assert "案例简介（限500字）" in _all_text(document)


def test_every_run_has_an_east_asian_font_and_the_page_is_a4(entries):
    document = _open(exports.nomination_docx(entries["tech"])[1])
    runs = _all_runs(document)
    assert len(runs) > 30
    for run in runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
    heading_fonts = {
        run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia"))
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
        for run in p._p.iter(qn("w:r"))
    }
    assert heading_fonts == {"黑体"}
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml


def test_attachments_are_listed(entries, member_user, tmp_path):
    from kczg_site import clock

    nomination = entries["tech"]
    Attachment.objects.create(
        nomination=nomination,
        file="attachments/x.pdf",
        original_name="专利证书.pdf",
        content_type="application/pdf",
        size=10,
        description="发明专利",
        uploaded_by=member_user,
        uploaded_at=clock.now(),
    )
    text = _all_text(_open(exports.nomination_docx(nomination)[1]))
    assert "1. 专利证书.pdf（发明专利）" in text


def test_control_characters_do_not_break_the_document(entries):
    nomination = entries["organization"]
    nomination.data["mechanism"] = "第一条\x0b第二条\n第三条"
    nomination.save()
    text = _all_text(_open(exports.nomination_docx(nomination)[1]))
    assert "第一条第二条" in text and "第三条" in text


def test_zip_holds_one_form_per_entry(entries, campaign, tmp_path):
    path = tmp_path / "forms.zip"
    count = exports.export_to_path(ExportKind.DOCX_ZIP, path, exports.Filters(campaign=2023))
    assert count == 4
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(names) == 4
        assert any(name.startswith("先导技术榜/电子信息/") for name in names)
        for name in names:
            document = _open(archive.read(name))
            assert document.paragraphs[0].text == word.form_title(2023)


def test_chinese_numbers():
    assert [word.chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_opinion_is_printed_with_the_unit_and_its_date(entries):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    nomination = entries["tech"]
    nomination.opinion = "该项目突破量子传感芯片关键技术，\n已在多家企业应用，同意推荐。"
    # 2023-11-28 00:30 in Beijing is still 11-27 in UTC: the printed date is Beijing's.
    nomination.opinion_at = datetime(2023, 11, 28, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    nomination.save()
    text = _all_text(_open(exports.nomination_docx(nomination)[1]))
    unit = nomination.recommending_unit.name
    assert "该项目突破量子传感芯片关键技术，" in text and "已在多家企业应用，同意推荐。" in text
    assert f"推荐单位（盖章）：{unit}" in text
    assert "日期：2023年11月28日" in text
    assert "日期：      年    月    日" not in text.split("推荐意见")[-1]


def test_without_opinion_the_block_has_room_to_write(entries):
    nomination = entries["tech"]
    nomination.opinion, nomination.opinion_at = "", None
    nomination.save()
    text = _all_text(_open(exports.nomination_docx(nomination)[1]))
    block = text.split("推荐意见")[-1]
    assert "推荐单位（盖章）：                    " in block
    assert "日期：      年    月    日" in block
    assert "同意推荐" not in text
