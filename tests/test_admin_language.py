# ruff: noqa: F811  (the fixtures of tests/test_admin.py, imported by name, are the tests' arguments)
"""The admin's own English, replaced (kczg_site/admin_language.py, templates/admin/, locale/zh_Hans): the
icons' text, the search box, the delete summary, an entry's content and history, the audit records."""

import pytest
from django.contrib.admin import options
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Group, Permission

from kczg_site.admin_language import boolean_icon
from nominations.forms import definition_for
from nominations.models import AuditEvent, Campaign, Nomination
from tests.test_admin import _fast_hasher, admin_user, demo_data, url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_the_replaced_functions_are_the_ones_django_calls():
    # If a Django upgrade moves them, this fails before a page shows "True" again.
    assert admin_list._boolean_icon is boolean_icon
    assert hasattr(options.get_deleted_objects, "wrapped")


def test_yes_and_no_icons_read_chinese(admin_client, demo_data):
    text = admin_client.get(url(Campaign, "changelist")).content.decode()
    assert 'alt="是"' in text
    assert 'alt="True"' not in text and 'alt="False"' not in text


def test_the_search_box_reads_chinese(admin_client, demo_data):
    text = admin_client.get(url(Nomination, "changelist")).content.decode()
    assert 'alt="搜索"' in text and 'alt="Search"' not in text
    assert 'id="searchbar"' in text and 'value="搜索"' in text


def test_the_delete_summary_leaves_out_djangos_link_tables_and_deletes_them(admin_client, demo_data):
    group = Group.objects.create(name="临时小组")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    response = admin_client.get(url(Group, "delete", group.pk))
    text = response.content.decode()
    assert "临时小组" in text
    assert "Group-permission" not in text and "object (" not in text
    response = admin_client.post(url(Group, "delete", group.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.filter(name="临时小组").exists()
    assert not Group.permissions.through.objects.filter(group_id=group.pk).exists()


def test_an_entry_shows_its_content_under_the_forms_labels(admin_client, demo_data):
    entry = demo_data["entries"][0]
    sections = definition_for(entry).display_rows(entry.data, entry)
    text = admin_client.get(url(Nomination, "change", entry.pk)).content.decode()
    assert "申报内容" in text
    assert sections[0]["title"] in text and sections[0]["rows"][0]["label"] in text
    # Not the stored JSON ({"name": …, "summary": …}) as a read-only field.
    assert '<div class="readonly">{&quot;' not in text


def test_an_entrys_history_names_the_app_and_the_versions_in_chinese(admin_client, demo_data):
    entry = demo_data["entries"][0]
    entry.title = "高精度光子芯片封装技术（第二版）"
    entry.save()
    history = admin_client.get(url(Nomination, "history", entry.pk)).content.decode()
    assert "None" not in history and "变更内容" in history
    version = entry.history.order_by("-history_id").first()
    form = admin_client.get(f"{url(Nomination, 'history', entry.pk)}{version.history_id}/").content.decode()
    assert "榜单征集" in form and "申报历史版本" not in form.split("<h1>")[0].split("breadcrumbs")[0]
    assert ">nominations<" not in form.lower() and "Historical" not in form


def test_an_audit_record_names_its_step(admin_client, demo_data):
    event = AuditEvent.objects.filter(verb="submit").first()
    text = admin_client.get(url(AuditEvent, "change", event.pk)).content.decode()
    assert "提交" in text
    assert ">submit<" not in text
    listing = admin_client.get(url(AuditEvent, "changelist")).content.decode()
    assert "?verb=submit" in listing


def test_setting_a_password_reads_chinese(admin_client, demo_data):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="member")
    text = admin_client.get(f"/admin/auth/user/{user.pk}/password/").content.decode()
    assert "停用后，该用户当前的密码将失效。" in text
    assert "If disabled" not in text
