"""Django's and the libraries' Chinese in full-width punctuation (scripts/full_width_catalogue.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))
from full_width_catalogue import full_width


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("CSRF验证失败. 请求被中断.", "CSRF验证失败。请求被中断。"),
        ("排序优先级: %(priority_number)s", "排序优先级：%(priority_number)s"),
        ("大整数(8字节)", "大整数（8字节）"),
        ("确保该变量包含不超过 %(limit_value)d 字符 (目前字符数 %(show_value)d)。", None),
        ("开始输入以筛选...", "开始输入以筛选……"),
        ("要删除所选的 %(objects_name)s, 将要求删除", "要删除所选的 %(objects_name)s，将要求删除"),
        # Not prose next to Chinese: left alone.
        ("%(name)s: %(count)s", "%(name)s: %(count)s"),
        ("https://example.org/a,b", "https://example.org/a,b"),
    ],
)
def test_marks_next_to_chinese_become_full_width(before, after):
    converted = full_width(before)
    if after is None:
        assert "（目前字符数" in converted and converted.endswith("）。")
    else:
        assert converted == after


def test_the_generated_catalogue_is_up_to_date():
    # A library upgrade that changes its messages makes this fail: run `make messages`.
    script = Path(settings.BASE_DIR) / "scripts" / "full_width_catalogue.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_django_speaks_full_width():
    with translation.override("zh-hans"):
        assert gettext("CSRF verification failed. Request aborted.") == "CSRF验证失败。请求被中断。"
        assert gettext(":") == "："
        assert gettext("yes,no,maybe") == "是,否,也许"  # data for the yesno filter, split at ASCII commas


@pytest.mark.django_db
def test_a_failed_admin_log_in_reads_full_width(client):
    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    text = response.content.decode()
    assert "和密码。注意他们都是区分大小写的。" in text
