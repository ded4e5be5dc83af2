"""Answers a page can show: a 401 notice for htmx after the session expired, a log-in ``next`` that
never ends on a 405, and Chinese 400/413 pages (small notices for htmx)."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD, NominationFactory

pytestmark = pytest.mark.django_db

HOST = "testserver"
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


@pytest.fixture
def draft(member_user, tech, electronics):
    return NominationFactory(
        ranking_list=tech,
        domain=electronics,
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        title="过期会话草稿",
    )


def htmx_headers(current_url):
    return {"HX-Request": "true", "HX-Current-URL": current_url}


def next_of(url):
    return parse_qs(urlsplit(url).query).get("next", [None])[0]


# ---------------------------------------------------------------- expired session, htmx


def test_autosave_after_the_session_expired_answers_401_with_a_chinese_notice(client, draft):
    edit = reverse("member:edit", args=[draft.pk])
    response = client.post(
        reverse("member:autosave", args=[draft.pk]),
        {"leader": "新负责人", "version": draft.version},
        headers=htmx_headers(f"http://{HOST}{edit}"),
    )
    assert response.status_code == 401
    html = response.content.decode()
    assert "登录已过期，请" in html and "在新窗口重新登录" in html
    assert 'target="_blank"' in html
    assert "<form" not in html, "not the log-in page"
    login_url = response["X-Kczg-Login-Url"]
    assert urlsplit(login_url).path == reverse("login")
    assert next_of(login_url) == edit
    assert f'href="{login_url}"' in html.replace("&amp;", "&")
    draft.refresh_from_db()
    assert draft.data["leader"] == "李负责"


def test_an_htmx_current_url_on_another_site_is_not_used_as_next(client, draft):
    response = client.post(
        reverse("member:autosave", args=[draft.pk]),
        {"leader": "新负责人"},
        headers=htmx_headers("https://evil.example.com/phish/"),
    )
    assert response.status_code == 401
    assert response["X-Kczg-Login-Url"] == reverse("login")


def test_a_logged_in_htmx_request_is_untouched(client, draft, member_user):
    client.force_login(member_user)
    edit = reverse("member:edit", args=[draft.pk])
    with time_machine.travel(OPEN, tick=False):
        response = client.post(
            reverse("member:autosave", args=[draft.pk]),
            {"leader": "新负责人", "version": draft.version},
            headers=htmx_headers(f"http://{HOST}{edit}"),
        )
    assert response.status_code == 200
    assert "已自动保存" in response.content.decode()


def test_a_plain_page_still_redirects_to_the_log_in_page(client, draft):
    edit = reverse("member:edit", args=[draft.pk])
    response = client.get(edit)
    assert response.status_code == 302
    assert next_of(response["Location"]) == edit


# ---------------------------------------------------------------- the log-in ``next``


def test_a_plain_post_after_the_session_expired_returns_to_the_page_it_came_from(client, draft):
    edit = reverse("member:edit", args=[draft.pk])
    upload = reverse("member:upload", args=[draft.pk])
    response = client.post(upload, {}, headers={"Referer": f"http://{HOST}{edit}"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
    assert next_of(response["Location"]) == edit


def test_a_plain_post_without_referer_gets_no_next(client, draft):
    response = client.post(reverse("member:upload", args=[draft.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_logging_in_with_a_post_only_next_lands_on_the_dashboard_not_a_405(client, draft, member_user):
    autosave = reverse("member:autosave", args=[draft.pk])
    page = client.get(reverse("login"), {"next": autosave})
    assert f'value="{autosave}"' not in page.content.decode()
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD, "next": autosave})
    assert response.status_code == 302
    assert response["Location"] != autosave
    landing = client.get(response["Location"], follow=True)
    assert landing.status_code == 200
    assert "我的申报" in landing.content.decode()


def test_logging_in_with_the_edit_page_as_next_returns_to_it(client, draft, member_user):
    edit = reverse("member:edit", args=[draft.pk])
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD, "next": edit})
    assert response.status_code == 302 and response["Location"] == edit
    assert client.get(edit).status_code == 200


# ---------------------------------------------------------------- 400 and 413 in Chinese


def test_a_form_over_the_upload_limit_gets_the_chinese_413_page(no_debug, client, draft, member_user):
    no_debug.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(member_user)
    response = client.post(reverse("member:edit", args=[draft.pk]), {"summary": "长" * 2000, "action": "save"})
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容过大" in html and "未能保存" in html
    assert "Bad Request" not in html
    draft.refresh_from_db()
    assert draft.data["summary"] != "长" * 2000


def test_a_too_large_autosave_gets_a_413_notice_for_the_status_line(no_debug, client, draft, member_user):
    no_debug.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(member_user)
    edit = reverse("member:edit", args=[draft.pk])
    response = client.post(
        reverse("member:autosave", args=[draft.pk]),
        {"summary": "长" * 2000},
        headers=htmx_headers(f"http://{HOST}{edit}"),
    )
    assert response.status_code == 413
    assert response["X-Kczg-Notice"] == "1"
    html = response.content.decode()
    assert "提交的内容过大" in html
    assert "<html" not in html and "<nav" not in html, "a fragment, not a page"


def test_too_many_fields_gets_the_chinese_400_page(no_debug, client, draft, member_user):
    no_debug.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(member_user)
    response = client.post(reverse("member:edit", args=[draft.pk]), {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请求有误" in html and "提交的项目过多" in html
    assert "Bad Request" not in html


def test_the_400_page_in_chinese_for_other_bad_requests(no_debug, client):
    response = client.get("/", headers={"Host": "bad host name"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
