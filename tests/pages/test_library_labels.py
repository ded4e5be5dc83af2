"""Libraries without a zh-hans catalogue speak Chinese too (locale/zh_Hans): the admin's 登录安全 pages."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone


@pytest.mark.django_db
def test_the_admin_index_names_the_login_security_pages_in_chinese(client, admin_user_):
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    client.force_login(admin_user_)
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录安全" in page and "登录失败记录" in page and "登录记录" in page
    assert "Axes" not in page and "Access attempts" not in page and "access logs" not in page


@pytest.mark.django_db
def test_the_failed_logins_list_has_chinese_columns(client, admin_user_):
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    AccessAttempt.objects.create(
        username="alice", ip_address="127.0.0.1", user_agent="test", failures_since_start=2, attempt_time=timezone.now()
    )
    client.force_login(admin_user_)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    for label in ("尝试时间", "IP 地址", "用户名", "失败次数", "次尝试机会"):
        assert label in page, label
    for english in ("Attempt Time", "IP Address", "Failed Logins", "Attempt Remaining"):
        assert english not in page, english


@pytest.mark.django_db
def test_permissions_are_named_in_chinese_on_the_user_page(client, admin_user_):
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    client.force_login(admin_user_)
    page = client.get(reverse("admin:auth_user_change", args=[admin_user_.pk])).content.decode()
    assert "可以查看附件" in page and "可以添加用户" in page
    assert "Can view" not in page and "Can add" not in page


@pytest.mark.django_db
def test_the_admin_index_has_chinese_column_headings(client, admin_user_):
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    client.force_login(admin_user_)
    page = client.get(reverse("admin:index")).content.decode()
    assert "数据类别" in page and "Model name" not in page and "Add link" not in page
