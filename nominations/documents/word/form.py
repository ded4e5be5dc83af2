"""The Word application form (附件2) of one entry, rendered from its :class:`FormContent`.

:class:`FormTemplate` takes the styled skeleton (``skeleton.skeleton()``) once per batch, builds the
prototype paragraphs, table rows and cells and serialises each once into a ``(head, tail)`` fragment.
:meth:`FormTemplate.render` then joins the fragments around one entry's escaped text into
``word/document.xml`` and zips it with the stored parts. See ``bench/word_forms.py``.
"""

import io
import re
import zipfile
from xml.sax.saxutils import escape

from lxml import etree

from nominations.documents.word import ooxml
from nominations.documents.word.content import FormContent, LongText, Row, chinese_number, content_for, limit_label
from nominations.documents.word.ooxml import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    HEADING_SIZE,
    LABEL_WIDTH_TWIPS,
    SUBHEADING_SIZE,
    SUBTITLE_SIZE,
    TABLE_SIZE,
    TEXT_WIDTH_TWIPS,
    TITLE_SIZE,
)
from nominations.documents.word.skeleton import skeleton
from nominations.forms.types import Definition
from nominations.models import Nomination

_NEWLINES = re.compile(r"\r\n|\r|\n")


class FormTemplate:
    """The styled skeleton of the form, built once and rendered for many entries."""

    def __init__(self) -> None:
        self._root, self._parts = skeleton()
        self._build_prototypes()

    def _build_prototypes(self) -> None:
        """Paragraphs and table pieces with their formatting, deep-copied for each use."""
        self._title = ooxml.paragraph("Title", align="center")
        self._title.append(ooxml.run("", HEADING_FONT, TITLE_SIZE))
        self._subtitle = ooxml.paragraph(align="center", after=120)
        self._subtitle.append(ooxml.run("", HEADING_FONT, SUBTITLE_SIZE))
        self._meta = ooxml.paragraph(align="right", after=120)
        self._meta.append(ooxml.run("", BODY_FONT, TABLE_SIZE))
        self._heading = ooxml.paragraph("Heading1", keep_next=True)
        self._heading.append(ooxml.run("", HEADING_FONT, HEADING_SIZE))
        self._subheading = ooxml.paragraph("Heading2", keep_next=True)
        self._subheading.append(ooxml.run("", HEADING_FONT, SUBHEADING_SIZE))
        self._body = ooxml.paragraph(first_line_chars=200, align="both")
        self._body.append(ooxml.run("", BODY_FONT, BODY_SIZE))
        self._plain = ooxml.paragraph()
        self._plain.append(ooxml.run("", BODY_FONT, BODY_SIZE))
        self._right = ooxml.paragraph(align="right")
        self._right.append(ooxml.run("", BODY_FONT, BODY_SIZE))
        self._label = ooxml.paragraph(keep_next=True, before=120)
        self._label.append(ooxml.run("", HEADING_FONT, BODY_SIZE))
        self._cell_label = ooxml.paragraph(align="center")
        self._cell_label.append(ooxml.run("", HEADING_FONT, TABLE_SIZE))
        self._cell_value = ooxml.paragraph()
        self._cell_value.append(ooxml.run("", BODY_FONT, TABLE_SIZE))

        value_width = TEXT_WIDTH_TWIPS - LABEL_WIDTH_TWIPS
        self._widths = (LABEL_WIDTH_TWIPS, value_width)
        self._table_proto = ooxml.table(self._widths)
        self._label_cell = ooxml.cell(LABEL_WIDTH_TWIPS, shaded=True)
        self._value_cell = ooxml.cell(value_width)
        self._caption_cell = ooxml.cell(TEXT_WIDTH_TWIPS, shaded=True, span=2)
        self._tall_value_cell = ooxml.cell(value_width)

        # Serialise every prototype once: per entry only text is escaped and strings are joined.
        self._frags = {
            name: ooxml.text_fragment(getattr(self, f"_{name}"))
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
        self._tbl = ooxml.container_fragment(self._table_proto)
        self._tc_label = ooxml.container_fragment(self._label_cell)
        self._tc_value = ooxml.container_fragment(self._value_cell)
        self._tc_caption = ooxml.container_fragment(self._caption_cell)
        self._tr = ooxml.container_fragment(ooxml.row(min_height=454))
        self._tr_plain = ooxml.container_fragment(ooxml.row())
        self._tr_tall = ooxml.container_fragment(ooxml.row(min_height=4000))
        head, _sep, tail = (
            etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)
            .decode("utf-8")
            .partition("<w:sectPr")
        )
        self._doc_head, self._doc_tail = head, _sep + tail

    # -------------------------------------------------- per entry

    def _p(self, name: str, text: str) -> str:
        head, tail = self._frags[name]
        return f"{head}{escape(text)}{tail}"

    def _kv_table(self, groups: list[tuple[str, list[Row]]], caption: bool = True) -> str:
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

    def _long(self, proto: str, heading: str, text: str) -> list[str]:
        out = [self._p(proto, heading)]
        lines = [line.strip() for line in _NEWLINES.split(text)] if text else []
        lines = [line for line in lines if line]
        if not lines:
            lines = ["（未填写）"]
        out.extend(self._p("body", line) for line in lines)
        return out

    def elements(self, content: FormContent) -> list[str]:
        """The body of one form, in order, as XML fragments."""
        out = [self._p("title", content.title), self._p("subtitle", content.list_name)]
        out.append(self._p("meta", f"申报编号：{content.number}"))
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
                out.append(self._p("plain", "（未填写）"))
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
            out.append(self._p("plain", "（无）"))
        number += 1
        who, sign = ("申报人", "申报人（签字）") if content.nominee_is_person else ("申报单位", "申报单位（盖章）")
        out.append(self._p("heading", f"{chinese_number(number)}、{who}承诺"))
        out.append(
            self._p("body", f"本{who[2:]}承诺：所填报内容及附件材料真实、准确、完整，不涉及国家秘密，无知识产权争议。")
        )
        out.append(self._p("right", f"{sign}:                    "))
        out.append(self._p("right", "日期：      年    月    日"))
        number += 1
        out.append(self._p("heading", f"{chinese_number(number)}、{content.recommender_label}意见"))
        out.append(self._opinion(content))
        return out

    def _opinion(self, content: FormContent) -> str:
        """推荐意见 with room to write, the stamp line and the date line."""
        stamp = "推举人（签字）：" if content.recommender_label == "推举人" else "推荐单位（盖章）："
        value = [self._p("cell_value", f"{content.recommender_label}：{content.recommender}")]
        lines = [line.strip() for line in _NEWLINES.split(content.opinion)] if content.opinion else []
        lines = [line for line in lines if line]
        if lines:
            # The opinion written on the platform, signed with the unit's name and the day it was written.
            value += [self._p("body", line) for line in lines]
            value += [
                self._p("right", f"{stamp}{content.recommender}"),
                self._p("right", f"日期：{content.opinion_date}"),
            ]
        else:
            value += [self._p("cell_value", "")] * 6
            value += [self._p("right", f"{stamp}                    "), self._p("right", "日期：      年    月    日")]
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

    def document_xml(self, content: FormContent) -> bytes:
        return "".join([self._doc_head, *self.elements(content), self._doc_tail]).encode("utf-8")

    def render(self, content: FormContent) -> bytes:
        """One ``.docx`` as bytes."""
        document = self.document_xml(content)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
            for name, data in self._parts:
                package.writestr(name, document if name == "word/document.xml" else data)
        return out.getvalue()


_template: FormTemplate | None = None


def template() -> FormTemplate:
    """A process-wide template (the skeleton never depends on the entry)."""
    global _template
    if _template is None:
        _template = FormTemplate()
    return _template


def render_form(nomination: Nomination, definition: Definition, form_template: FormTemplate | None = None) -> bytes:
    """The ``.docx`` bytes of one nomination's 附件2 form."""
    return (form_template or template()).render(content_for(nomination, definition))
