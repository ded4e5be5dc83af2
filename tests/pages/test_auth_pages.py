"""Log-in, log-out, password change and reset: Django's views with our Chinese templates."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from kczg_site import clock
from nominations.models import Role
from nominations.policy import dashboard_url_name
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROLE_DASHBOARDS = {
    Role.MEMBER: "member:dashboard",
    Role.SECRETARIAT: "secretariat:dashboard",
    Role.PIONEER: "pioneer:dashboard",
    Role.EXPERT: "reviews:expert_dashboard",
    Role.COORDINATOR: "reviews:coordinator_dashboard",
    Role.PLATFORM: "platform:dashboard",
    Role.ADMIN: "platform:dashboard",
}


def test_login_page_has_the_standard_fields_in_chinese(client, campaign):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input[^>]+name="username"', html)
    assert re.search(r'<input[^>]+name="password"', html)
    assert "用户名" in html and "密码" in html
    assert "<h1" in html and "登录" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_wrong_password_is_refused_in_chinese(client, campaign, member_user):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_demo_hint_only_with_the_demo_clock(client, campaign, settings):
    assert "kczg-demo-2023" not in client.get(reverse("login")).content.decode()
    settings.DEMO_CLOCK = True
    clock.forget()
    try:
        html = client.get(reverse("login")).content.decode()
    finally:
        clock.forget()
    assert "演示账号" in html
    assert "kczg-demo-2023" in html
    for username in (
        "member",
        "member2",
        "secretariat",
        "secretariat2",
        "pioneer",
        "expert",
        "coordinator",
        "platform",
        "admin",
    ):
        assert f'data-demo-username="{username}"' in html, username


@pytest.mark.parametrize("role", list(ROLE_DASHBOARDS))
def test_login_lands_on_the_role_dashboard(client, campaign, role):
    user = make_user(role, f"user-{role}")
    assert dashboard_url_name(user) == ROLE_DASHBOARDS[role]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse(ROLE_DASHBOARDS[role])


def test_login_honours_next(client, campaign, member_user):
    response = client.post(
        reverse("login"), {"username": "member", "password": PASSWORD, "next": reverse("password_change")}
    )
    assert response["Location"] == reverse("password_change")


def test_dashboard_requires_login(client, campaign):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_form_in_the_navbar(client, campaign, member_user):
    client.force_login(member_user)
    html = client.get(reverse("home")).content.decode()
    assert re.search(rf'<form method="post" action="{reverse("logout")}"', html)
    assert "退出" in html and "修改密码" in html


def test_logout_via_post(client, campaign, member_user):
    client.force_login(member_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_logout_via_get_is_refused(client, campaign, member_user):
    client.force_login(member_user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_logged_out_page_renders(campaign, rf):
    from django.template.loader import render_to_string

    html = render_to_string("registration/logged_out.html")
    assert "您已安全退出" in html


def test_password_change(client, campaign, member_user):
    client.force_login(member_user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "修改密码" in html and 'name="old_password"' in html and 'name="new_password1"' in html
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Kc-new-pass-2024", "new_password2": "Kc-new-pass-2024"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    member_user.refresh_from_db()
    assert member_user.check_password("Kc-new-pass-2024")


def test_password_change_errors_in_chinese(client, campaign, member_user):
    client.force_login(member_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Kc-new-pass-2024", "new_password2": "Kc-new-pass-2024"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()


def test_password_change_requires_login(client, campaign):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302


def test_password_reset_flow(client, campaign, member_user):
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200 and "找回密码" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": member_user.email})
    assert response["Location"] == reverse("password_reset_done")
    assert "请查收邮件" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "科创中国系列榜单申报平台：重设密码"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    confirm = client.get(link, follow=True)
    assert "设置新密码" in confirm.content.decode()
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "Kc-reset-pass-2024", "new_password2": "Kc-reset-pass-2024"},
        follow=True,
    )
    assert "密码已重设" in done.content.decode()
    assert get_user_model().objects.get(pk=member_user.pk).check_password("Kc-reset-pass-2024")


def test_password_reset_with_a_bad_link(client, campaign):
    html = client.get("/accounts/reset/MQ/bad-token/", follow=True).content.decode()
    assert "链接无效" in html
