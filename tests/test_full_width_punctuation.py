"""Chinese prose uses full-width punctuation (，：；（）), as 公文 style does.

Every string literal of the application's Python code and every line of text of its templates is read;
an ASCII comma, colon, semicolon or bracket next to a Chinese character fails the test with the place.
Docstrings and comments (English, naming Chinese terms) and data loaded from the notice (fixtures/) are
not user interface text and are not read; regular expressions and Content-Disposition headers are skipped.
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAN = "\u4e00-\u9fff"
HALF_WIDTH_NEXT_TO_HAN = re.compile(rf"[{HAN}][,:;()]|[,;(][{HAN}]|\([^()]*[{HAN}][^()]*\)")
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>")
FIELD = re.compile(r"\{[^{}]*\}")
TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def python_strings(path: Path):
    source = path.read_text()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING:
            continue
        text = token.string
        prefix = re.match(r"^[A-Za-z]*", text).group(0).lower()
        if "r" in prefix or "b" in prefix or text[len(prefix) :].startswith(('"""', "'''")):
            continue
        if "filename" in text:  # a Content-Disposition header, not prose
            continue
        yield token.start[0], FIELD.sub(" ", text) if "f" in prefix else text


def template_lines(path: Path):
    in_script = in_comment = False
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        in_script = in_script or "<script" in line
        in_comment = in_comment or "{% comment" in line
        if not (in_script or in_comment or line.lstrip().startswith("{#")):
            yield number, TEMPLATE_CODE.sub(" ", line)
            # The quoted strings of template tags and filters are read too ({{ x|default:"（无）" }}).
            for code in TEMPLATE_TAG.findall(line):
                for quoted in QUOTED.findall(code):
                    yield number, quoted
        in_script = in_script and "</script>" not in line
        in_comment = in_comment and "{% endcomment" not in line


def offences():
    found = []
    for package in ("kczg_site", "nominations", "reviews", "promotion"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, text in python_strings(path):
                if HALF_WIDTH_NEXT_TO_HAN.search(text):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()[:80]}")
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            for number, text in template_lines(path):
                if HALF_WIDTH_NEXT_TO_HAN.search(text):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()[:80]}")
    return found


def test_chinese_prose_uses_full_width_punctuation():
    assert offences() == []


def test_the_check_sees_half_width_punctuation(tmp_path):
    # The pattern itself: what it must catch and what it must leave (a clock time, an e-mail, a URL).
    for bad in ("截止时间已过:北京时间", "名额 3,已推荐", "（限800字)", "技术简介(限800字)", "一是;二是"):
        assert HALF_WIDTH_NEXT_TO_HAN.search(bad), bad
    for good in (
        "截止时间已过：北京时间 17:00",
        "name@example.com，如 010-68767227",
        "（限800字）",
        "https://x.cn/a:b",
    ):
        assert not HALF_WIDTH_NEXT_TO_HAN.search(good), good
