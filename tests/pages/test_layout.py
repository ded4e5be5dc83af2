"""The base layout: navigation by role, the deadline bar, messages, error pages, reviewer dashboards."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import override_settings
from django.urls import reverse

from nominations.models import Role
from reviews.models import ReviewBody
from tests.factories import make_user

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def nav_labels(html):
    nav = html[html.index('id="site-nav"') : html.index("</nav>")]
    return re.findall(r'class="nav-link[^"]*" href="[^"]*"[^>]*>([^<]+)</a>', nav)


def test_anonymous_navbar(client, campaign):
    html = client.get(reverse("home")).content.decode()
    assert "科创中国系列榜单申报平台" in html
    assert nav_labels(html) == ["征集通知", "入榜推介"]  # 入榜推介: the promotion app's public search
    assert f'href="{reverse("login")}"' in html
    assert "navbar-toggler" in html and "navbar-expand-lg" in html  # collapses on a phone
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "<footer" in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.MEMBER, ["我的申报"]),
        (Role.PIONEER, ["我的推举"]),
        (Role.EXPERT, ["评审任务"]),
        (Role.COORDINATOR, ["初评管理"]),
        (Role.PLATFORM, ["平台总览"]),
        (Role.ADMIN, ["平台总览", "管理后台"]),
    ],
)
def test_navbar_by_role(client, campaign, role, expected):
    client.force_login(make_user(role, f"nav-{role}"))
    labels = nav_labels(client.get(reverse("home")).content.decode())
    assert labels[0] == "征集通知"
    for label in expected:
        assert label in labels
    for other in {"我的申报", "我的推举", "评审任务", "初评管理", "平台总览", "管理后台"} - set(expected):
        assert other not in labels


def test_navbar_for_secretariat(client, campaign, secretariat_user):
    client.force_login(secretariat_user)
    labels = nav_labels(client.get(reverse("home")).content.decode())
    assert "工作台" in labels
    try:
        reverse("secretariat:inbox")
    except Exception:
        return  # the inbox is another area's page; the link appears once it exists
    assert "收件箱" in labels


def test_current_section_is_marked_active(client, campaign):
    user = make_user(Role.EXPERT, "active-expert")
    client.force_login(user)
    html = client.get(reverse("reviews:expert_dashboard")).content.decode()
    assert re.search(r'class="nav-link active" href="/reviews/expert/" aria-current="page">评审任务', html)


def test_deadline_bar_on_every_page(client, campaign):
    with time_machine.travel(datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING), tick=False):
        html = client.get(reverse("login")).content.decode()
    bar = html[html.index('class="deadline-bar"') :]
    assert "会员提交截止" in bar
    assert 'data-deadline="2023-11-20T17:00:00+08:00"' in bar
    assert 'data-now="2023-11-15T10:00:00+08:00"' in bar


def test_no_deadline_bar_after_the_last_deadline(client, campaign):
    with time_machine.travel(datetime(2024, 3, 1, 10, 0, tzinfo=BEIJING), tick=False):
        html = client.get(reverse("login")).content.decode()
    assert 'class="deadline-bar"' not in html


def test_messages_are_shown(rf, campaign):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    storage = FallbackStorage(request)
    request._messages = storage
    storage.add(constants.SUCCESS, "已保存草稿。")
    storage.add(constants.ERROR, "会员提交截止时间已过。")
    html = render_to_string("base.html", request=request)
    assert "alert-success" in html and "已保存草稿。" in html
    assert "alert-danger" in html and "会员提交截止时间已过。" in html


def test_the_campaign_is_fetched_once_per_page(client, campaign, django_assert_max_num_queries):
    user = make_user(Role.EXPERT, "q-expert")
    client.force_login(user)
    # session, user, profile (role), campaign (deadline bar), then the view's own queries
    with django_assert_max_num_queries(7):
        client.get(reverse("reviews:expert_dashboard"))


# ---------------------------------------------------------------- error pages


@override_settings(DEBUG=False)
def test_404_in_chinese(client, campaign):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert f'href="{reverse("home")}"' in html and "返回首页" in html


def test_403_in_chinese_with_the_reason(client, campaign, member_user):
    client.force_login(member_user)
    response = client.get(reverse("reviews:expert_dashboard"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "只有初评专家可以查看评审任务。" in html
    assert "返回首页" in html


def test_500_renders_without_a_request():
    from django.template import Context, Engine
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "服务器出错了" in html and 'href="/"' in html
    # Django's own server_error view renders it with a bare Context: no context processors.
    template = Engine.get_default().get_template("500.html")
    assert "返回首页" in template.render(Context())


# ---------------------------------------------------------------- reviewer dashboards


@pytest.fixture
def electronics_body(campaign):
    return ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")


@pytest.fixture
def expert_user(electronics_body):
    return make_user(Role.EXPERT, "expert", review_body=electronics_body, display_name="王专家")


@pytest.fixture
def coordinator_user(electronics_body):
    return make_user(Role.COORDINATOR, "coordinator", review_body=electronics_body)


def test_expert_dashboard(client, expert_user):
    client.force_login(expert_user)
    with time_machine.travel(datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING), tick=False):
        response = client.get(reverse("reviews:expert_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "评审任务" in html
    assert "中国科协信息科技学会联合体" in html
    assert "先导技术榜 · 电子信息" in html
    assert "2023年12月30日 24:00" in html  # results due (initial_review_deadline)
    assert "2023年11月30日 24:00" in html  # entries arrive after the platform deadline


def test_coordinator_dashboard(client, coordinator_user):
    client.force_login(coordinator_user)
    with time_machine.travel(datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING), tick=False):
        response = client.get(reverse("reviews:coordinator_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "初评管理" in html and "中国科协信息科技学会联合体" in html
    assert "2023年12月30日 24:00" in html


def test_shared_body_shows_both_domains(client, campaign):
    body = ReviewBody.objects.get(campaign=campaign, name="中国科协智能制造学会联合体")
    client.force_login(make_user(Role.EXPERT, "expert-equip", review_body=body))
    html = client.get(reverse("reviews:expert_dashboard")).content.decode()
    assert "先导技术榜 · 装备制造" in html and "先导技术榜 · 产业基础" in html


@pytest.mark.parametrize("url_name", ["reviews:expert_dashboard", "reviews:coordinator_dashboard"])
def test_reviewer_dashboards_refuse_other_roles(client, member_user, url_name):
    client.force_login(member_user)
    assert client.get(reverse(url_name)).status_code == 403


def test_expert_cannot_open_the_coordinator_dashboard(client, expert_user):
    client.force_login(expert_user)
    assert client.get(reverse("reviews:coordinator_dashboard")).status_code == 403


@pytest.mark.parametrize("url_name", ["reviews:expert_dashboard", "reviews:coordinator_dashboard"])
def test_reviewer_dashboards_require_login(client, campaign, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_may_tag(rf, campaign, member_user):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = member_user
    template = Template(
        '{% load kczg %}{% may "create_nomination" as ok %}{% may "view_inbox" as inbox %}'
        "{% if ok %}yes{% endif %}|{% if not inbox %}{{ inbox.reason }}{% endif %}"
    )
    assert template.render(Context({"request": request})) == "yes|只有推荐单位秘书处可以查看收件箱。"


# ---------------------------------------------------------------- phones: one responsive table pattern


def test_the_site_stylesheet_has_the_responsive_table_pattern():
    """The one pattern every list page uses (the browser checks are in tests/browser/test_phones.py)."""
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text(encoding="utf-8")
    phone = css[css.index("/* ---- responsive tables") :]
    assert ".table-stack > thead { display: none; }" in phone
    assert "content: attr(data-label)" in phone
    assert ".table-frame > .table > * > tr > * { white-space: nowrap; }" in phone
    assert "position: sticky" in phone
    assert "@media (max-width: 767.98px)" in phone  # below md only: the desktop keeps its tables


def test_the_inbox_rows_are_cards_with_labels_on_a_phone(client, campaign, secretariat_user, member_unit, tech):
    from tests.factories import NominationFactory

    NominationFactory(ranking_list=tech, member_unit=member_unit, state="submitted", title="可信边缘计算平台")
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:inbox")).content.decode()
    table = html[html.index('data-testid="inbox"') - 80 : html.index("</table>")]
    assert "table-stack" in table
    row = table[table.index("<tbody>") :]
    for label in ("榜单 / 领域", "会员单位", "状态", "提交时间"):
        assert f'data-label="{label}"' in row
    assert 'class="cell-check"' in row and 'class="cell-title"' in row


def test_the_ranking_tables_scroll_inside_a_frame():
    from django.template.loader import get_template

    for name in ("reviews/_ranking_table.html", "reviews/platform/final.html", "reviews/platform/dispatch.html"):
        source = get_template(name).template.source
        assert "table-responsive table-frame" in source, name
