"""One language: every page every role can open reads Chinese, with no English word in its visible text
and no ASCII ``,:;()!?.`` in its Chinese prose (公文 style writes ，：；（）！？。).

The pages come from the access matrix (every URL pattern × role × object it may see). Visible text is the
text of the page outside ``<script>``/``<style>`` plus what a user reads in attributes (placeholder, title,
aria-label, alt, button values). Allowed: file kinds (PDF, Word, Excel, ZIP …), e-mail addresses, web
addresses, entry codes (KCZG-2023-000001) and the words listed in ``ALLOWED`` with their reason.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from nominations.models import (
    Attachment,
    Campaign,
    Channel,
    Domain,
    EarlierListedItem,
    MemberUnit,
    Nomination,
    Profile,
    RankingList,
    RecommendingUnit,
    SentMail,
)
from reviews.models import ReviewCriterion, Score
from tests.security.conftest import ROLES
from tests.security.matrix import REGISTRY, target_url
from tests.security.test_access_matrix import _expected, _request

ALLOWED = {
    # File kinds and formats users download or upload.
    "PDF",
    "pdf",
    "Word",
    "Excel",
    "ZIP",
    "zip",
    "docx",
    "xlsx",
    "doc",
    "xls",
    "jpg",
    "png",
    "JPG",
    "JPEG",
    "PNG",
    # Technical names a secretariat reads as they are.
    "IP",
    "HTTP",
    "Accept",
    "GET",
    "POST",
    "SHA",
    "ID",
    "TRL",
    "URL",
    "LDAP",
    # Key names in Django's own Chinese help (按住 Control 键或 Mac 上的 Command 键).
    "Control",
    "Command",
    "Mac",
    # File sizes as Django prints them.
    "KB",
    "MB",
    "GB",
}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_TEXT = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail addresses
    r"|https?://\S+|www\.\S+|\b[\w-]+(\.[\w-]+)*\.(cloud|cn|com|org|net)\b"  # web addresses
    r"|KCZG-\d{4}-\d+"  # entry codes
    r"|KCZG-ZS-\d{4}-\d+|\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b"  # official serials and codes
    r"|\b(application|image|text)/[\w.+-]+"  # a file's kind as its MIME type (the admin's 文件类型)
    r"|\b[\w-]+\.(docx|xlsx|pdf|zip|jpg|png)\b",  # file names
    re.I,
)
# A word of letters alone: parts of codes, hashes and identifiers (pbkdf2_sha256, a1B2****) are not words.
WORD = re.compile(r"(?<![\w*])[A-Za-z]{2,}(?![\w*])")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skipping += 1
        values = dict(attrs)
        self.parts.extend(values[name] or "" for name in VISIBLE_ATTRIBUTES if name in values)
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_words(html):
    parser = VisibleText()
    parser.feed(html)
    text = SKIPPED_TEXT.sub(" ", " ".join(parser.parts))
    return sorted({word for word in WORD.findall(text) if word not in ALLOWED})


def data_values():
    """What users typed or were given (log-in names, the scenario's titles and names) and the campaign
    file's own text (codes, the notice quoted as published): data, not the interface. The scenario names
    its users and entries in English on purpose."""
    values = [*get_user_model().objects.values_list("username", flat=True)]
    values += Profile.objects.values_list("display_name", flat=True)
    values += Nomination.objects.values_list("title", flat=True)
    values += MemberUnit.objects.values_list("name", flat=True)
    values += RecommendingUnit.objects.values_list("name", flat=True)
    values += Attachment.objects.values_list("original_name", flat=True)
    values += SentMail.objects.values_list("subject", flat=True)
    values += Score.objects.values_list("comment", flat=True)
    # The codes of the campaign file (lists, domains, channels, criteria: tech, electronics, society,
    # advancement), which the admin shows beside the names as the file's author wrote them, and its
    # texts quoted from the notice as published (half-width marks included).
    values += RankingList.objects.values_list("code", flat=True)
    values += Domain.objects.values_list("code", flat=True)
    values += Channel.objects.values_list("code", flat=True)
    values += ReviewCriterion.objects.values_list("code", flat=True)
    values += Channel.objects.values_list("name", flat=True)
    values += EarlierListedItem.objects.values_list("name", flat=True)
    values += Campaign.objects.values_list("notice_ref", flat=True)
    return [value for value in values if value]


def data_words(values):
    return {word for value in values for word in WORD.findall(value or "")}


HAN = "[\u4e00-\u9fff]"
# An ASCII mark of Chinese prose: next to a Chinese character (a full stop: after one, ending a sentence).
HALF_WIDTH = re.compile(rf"{HAN}[,:;()!?]|[,:;()!?]{HAN}|{HAN}\.(?=\s|$)")


# Django's admin templates write two marks of their own, in markup no catalogue or block reaches: the
# help icon of a tabular inline's column (alt="(help text)") and a stacked inline's heading ("用户角色: #1").
DJANGO_ADMIN_MARKUP = (
    (re.compile(r'(class="help help-tooltip"[^>]*alt=")\(([^"]*)\)"'), r'\1\2"'),
    (re.compile(r"(<h3><b>[^<]*):(</b>)"), r"\1\2"),
)


def half_width_marks(html, values=()):
    """The places of visible text where Chinese prose uses ASCII ``,:;()!?.`` (data removed first)."""
    for pattern, replacement in DJANGO_ADMIN_MARKUP:
        html = pattern.sub(replacement, html)
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, " ")
    return sorted({text[max(0, m.start() - 6) : m.end() + 6] for m in HALF_WIDTH.finditer(text)})


def test_the_check_finds_english_and_leaves_what_is_allowed():
    page = (
        '<p title="Sort">已提交 <b>Member unit (descending)</b></p><script>var x = "code";</script>'
        "<p>下载 PDF、Excel：a.b@example.com https://kczg.example/x KCZG-2023-000001 申报书.docx</p>"
    )
    assert english_words(page) == ["Member", "Sort", "descending", "unit"]
    marks = " | ".join(half_width_marks("<p>名称: 示例(试点). 完成</p>"))
    assert "名称:" in marks and "示例(" in marks and "点)." in marks
    assert half_width_marks("<p>名称：示例（试点）。完成；好！</p>") == []
    assert half_width_marks("<p>平台(ranking.kczg.cloud)</p>", ["平台(ranking.kczg.cloud)"]) == []


# The Django admin included: its own English is replaced in kczg_site/admin_language.py, templates/admin/
# and locale/zh_Hans.
@pytest.mark.parametrize("name", sorted(n for n, rule in REGISTRY.items() if "GET" in rule.methods))
def test_every_page_reads_chinese(sdb, name):
    rule = REGISTRY[name]
    values = data_values()
    data = data_words(values)
    found = []
    for role in ROLES:
        user = sdb.user(role)
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for label, kwargs, obj in rule.targets(sdb):
            if _expected(rule, user, obj, "GET") != "ok":
                continue
            response = _request(client, "GET", target_url(name, kwargs), {})
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            words = [w for w in english_words(html) if w not in data]
            if words:
                found.append(f"{role} {label}: {' '.join(words[:12])}")
            marks = half_width_marks(html, values)
            if marks:
                found.append(f"{role} {label} half-width: {' | '.join(marks[:6])}")
    assert not found, "\n".join(found)
