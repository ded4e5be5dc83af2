"""Inviting, importing (preview, all or nothing, row messages) and deactivating who takes part."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from nominations import membership
from nominations.models import AuditEvent, MemberUnit, Pioneer, RecommendingUnit, Role
from nominations.rules.credit_codes import check_character

VALID_CODE = "91110108MA01" + "ABCDE"
VALID_CODE += check_character(VALID_CODE)
OTHER_CODE = "91310000MA1F" + "L1234"
OTHER_CODE += check_character(OTHER_CODE)


def xlsx(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "members.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_invite_member_unit_from_the_page(client, secretariat_user, society, django_capture_on_commit_callbacks):
    client.force_login(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("secretariat:members"),
            {
                "name": "新材料有限公司",
                "credit_code": VALID_CODE,
                "contact_name": "赵六",
                "contact_phone": "010-12345678",
                "contact_email": "zhao@example.com",
            },
            follow=True,
        )
    assert "已邀请会员单位“新材料有限公司”" in response.content.decode()
    member = MemberUnit.objects.get(name="新材料有限公司")
    assert member.recommending_unit == society
    user = get_user_model().objects.get(email="zhao@example.com")
    assert user.profile.role == Role.MEMBER and user.profile.member_unit == member
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(verb="invite", recommending_unit=society).exists()


def test_import_preview_reports_each_bad_row_and_imports_nothing(client, secretariat_user, society, member_unit):
    client.force_login(secretariat_user)
    upload = xlsx(
        membership.MEMBER_COLUMNS,
        [
            ["好公司", VALID_CODE, "甲", "13800000000", "a@example.com"],
            ["", OTHER_CODE, "乙", "", "b@example.com"],
            ["坏代码公司", "91110108MA01ABCDEX", "丙", "", "c@example.com"],
            ["好公司", "", "丁", "", "d@example.com"],
            [member_unit.name, "", "戊", "", "e@example.com"],
            ["无邮箱公司", "", "己", "", ""],
        ],
    )
    response = client.post(reverse("secretariat:member_import"), {"file": upload})
    html = response.content.decode()
    preview = response.context["preview"]
    assert not preview.ok
    messages = {row.number: " ".join(row.errors) for row in preview.rows}
    assert messages[2] == ""
    assert "缺少单位名称" in messages[3]
    assert "统一社会信用代码" in messages[4]
    assert "单位名称与第 2 行重复" in messages[5]
    assert f"会员单位“{member_unit.name}”已存在" in messages[6]
    assert "缺少联系邮箱" in messages[7]
    assert "本次不会导入任何数据" in html
    assert "确认导入" not in html
    assert MemberUnit.objects.filter(recommending_unit=society).count() == 1


def test_import_all_rows_after_preview(client, secretariat_user, society, django_capture_on_commit_callbacks):
    client.force_login(secretariat_user)
    upload = xlsx(
        membership.MEMBER_COLUMNS,
        [
            ["甲公司", VALID_CODE, "甲", "13800000000", "a@example.com"],
            ["乙公司", OTHER_CODE, "乙", "", "b@example.com"],
        ],
    )
    response = client.post(reverse("secretariat:member_import"), {"file": upload})
    preview = response.context["preview"]
    assert preview.ok
    assert MemberUnit.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("secretariat:member_import"), {"payload": preview.payload()}, follow=True)
    assert "已导入 2 家会员单位" in response.content.decode()
    assert set(MemberUnit.objects.values_list("name", flat=True)) == {"甲公司", "乙公司"}
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(verb="import", recommending_unit=society).count() == 1


def test_apply_revalidates_and_is_all_or_nothing(secretariat_user, society):
    upload = xlsx(
        membership.MEMBER_COLUMNS, [["甲公司", "", "", "", "a@example.com"], ["乙公司", "", "", "", "b@example.com"]]
    )
    preview = membership.preview_member_import(society, upload)
    assert preview.ok
    # Meanwhile someone registers 乙公司: applying now creates neither.
    MemberUnit.objects.create(recommending_unit=society, name="乙公司")
    with pytest.raises(membership.ImportRefused) as refused:
        membership.apply_member_import(secretariat_user, society, preview.payload())
    assert "已存在" in " ".join(refused.value.preview.bad_rows[0].errors)
    assert not MemberUnit.objects.filter(name="甲公司").exists()


def test_tampered_payload_is_refused(secretariat_user, society):
    with pytest.raises(membership.MembershipError, match="预览已过期或无效"):
        membership.apply_member_import(secretariat_user, society, "forged:payload")


def test_not_an_excel_file(secretariat_user, society):
    preview = membership.preview_member_import(society, SimpleUploadedFile("x.xlsx", b"not excel"))
    assert preview.errors == ["无法读取该文件，请上传 Excel（.xlsx）文件。"]
    preview = membership.preview_member_import(society, xlsx(["名称"], [["甲"]]))
    assert "缺少列" in preview.errors[0]


def test_deactivate_member_unit(client, secretariat_user, member_user, member_unit):
    client.force_login(secretariat_user)
    client.post(reverse("secretariat:member_deactivate", args=[member_unit.pk]))
    member_unit.refresh_from_db()
    member_user.refresh_from_db()
    assert not member_unit.is_active
    assert not member_user.is_active
    assert AuditEvent.objects.get(verb="deactivate").recommending_unit == member_unit.recommending_unit


def test_platform_invites_recommending_unit_with_channels(
    client, platform_user, campaign, django_capture_on_commit_callbacks
):
    from nominations.models import Channel

    channels = Channel.objects.filter(code__in=["society", "demo_city"])
    client.force_login(platform_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("platform:units"),
            {"name": "某示范市科协", "channels": [c.pk for c in channels], "contact_email": "city@example.com"},
        )
    unit = RecommendingUnit.objects.get(name="某示范市科协")
    assert set(unit.channels.values_list("code", flat=True)) == {"society", "demo_city"}
    staff = unit.staff.get()
    assert staff.role == Role.SECRETARIAT and staff.user.email == "city@example.com"
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(verb="invite", recommending_unit=unit).exists()


def test_platform_imports_units_and_pioneers(platform_user, campaign):
    upload = xlsx(
        membership.UNIT_COLUMNS,
        [
            ["甲省科协", "省、自治区、直辖市、副省级城市科协", "", "", "p@example.com"],
            ["乙学会", "全国学会、协会、研究会；“科创中国”联合体成员单位", "", "", "q@example.com"],
            ["丙单位", "不存在的渠道", "", "", "r@example.com"],
        ],
    )
    preview = membership.preview_unit_import(campaign, upload)
    assert not preview.ok
    assert "未知的推荐渠道：不存在的渠道" in preview.rows[2].errors[0]
    upload = xlsx(
        membership.UNIT_COLUMNS,
        [
            ["甲省科协", "省、自治区、直辖市、副省级城市科协", "", "", "p@example.com"],
            ["乙学会", "全国学会、协会、研究会；“科创中国”联合体成员单位", "", "", "q@example.com"],
        ],
    )
    preview = membership.preview_unit_import(campaign, upload)
    assert preview.ok
    membership.apply_unit_import(platform_user, campaign, preview.payload())
    assert RecommendingUnit.objects.get(name="乙学会").channels.count() == 2

    pioneers = xlsx(membership.PIONEER_COLUMNS, [["李先锋", "某技术转移中心", "2022", "li@example.com"]])
    preview = membership.preview_pioneer_import(campaign, pioneers)
    assert preview.ok
    membership.apply_pioneer_import(platform_user, campaign, preview.payload())
    pioneer = Pioneer.objects.get(name="李先锋")
    assert pioneer.profile.role == Role.PIONEER
    membership.deactivate_pioneer(platform_user, pioneer)
    pioneer.refresh_from_db()
    assert not pioneer.is_active


def test_secretariat_cannot_manage_recommending_units(secretariat_user, society, campaign):
    with pytest.raises(membership.MembershipError):
        membership.deactivate_recommending_unit(secretariat_user, society)
