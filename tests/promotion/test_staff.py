"""A partner's named staff: the applicant (its admin contact) names itself; the admin contact of an
approved partner adds staff by e-mail (an invited user) and removes them; audited; each acts as the partner."""

from django.contrib.auth.models import User
from django.core import mail

from nominations.models import AuditEvent
from promotion.models import PartnerStaff
from tests.promotion.helpers import login, make_partner, valid_code

NEW = {"name": "钱经办", "position": "客户经理", "phone": "13800001111", "email": "Qian@Bank.example"}


def test_the_application_names_the_applicant_as_admin_contact(client, platform_user):
    data = {
        "name": "丁租赁",
        "institution_type": "leasing",
        "credit_code": valid_code("91350100M000100Y4"),
        "licence_number": "L-1",
        "staff_name": "赵经办",
        "staff_position": "业务经理",
        "staff_phone": "138 0000 2222",
        "email": "zhao@example.com",
        "username": "lease-d",
        "password": "pw-Partner-2023",
        "pledge": "on",
    }
    bad = client.post("/promotion/partners/apply/", {**data, "staff_phone": "12345"}).content.decode()
    assert "请输入有效的手机号码或带区号的固定电话" in bad and not PartnerStaff.objects.exists()
    assert "申请已提交" in client.post("/promotion/partners/apply/", data).content.decode()
    row = PartnerStaff.objects.get()
    assert (row.name, row.position, row.phone, row.email) == ("赵经办", "业务经理", "13800002222", "zhao@example.com")
    assert row.is_admin_contact and row.user.username == "lease-d" and row.partner.staff.get() == row.user
    assert "赵经办（业务经理）" in login(platform_user).get("/promotion/platform/").content.decode()


def test_the_admin_contact_adds_a_staff_member_who_then_acts_as_the_partner(
    profile, platform_user, django_capture_on_commit_callbacks
):
    partner, alice = make_partner("甲银行", "alice", "91350100M000100Y4", platform_user)
    c = login(alice)
    page = c.get("/promotion/partner/").content.decode()
    assert "管理员联系人" in page and "添加工作人员" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/promotion/partner/staff/", NEW, follow=True)
    assert "已添加工作人员钱经办" in response.content.decode()
    bob = User.objects.get(email="qian@bank.example")
    assert not bob.has_usable_password() and partner.staff.filter(pk=bob.pk).exists()
    assert "钱经办" in response.content.decode() and "已邀请，待设置密码" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["qian@bank.example"]
    assert "/accounts/reset/" in mail.outbox[0].body
    # The invitation names the person, the institution and the role (the staff user has no profile).
    assert mail.outbox[0].body.startswith("钱经办：")
    assert "甲银行已开通科创中国系列榜单申报平台账号（金融合作机构工作人员）。" in mail.outbox[0].body
    assert AuditEvent.objects.filter(verb="promotion_staff_add", actor=alice, note__contains="钱经办").exists()

    # Bob acts as the partner: the dashboard and the extended profile; but he manages no staff.
    b = login(bob)
    assert "甲银行" in b.get("/promotion/partner/").content.decode()
    assert "扩建产线" in b.get(f"/promotion/{profile.pk}/").content.decode()
    assert "添加工作人员" not in b.get("/promotion/partner/").content.decode()
    assert b.post("/promotion/partner/staff/", {**NEW, "email": "x@bank.example"}).status_code == 403


def test_bad_staff_input_is_shown_next_to_the_field(platform_user):
    _, alice = make_partner("甲银行", "alice", "91350100M000100Y4", platform_user)
    User.objects.create_user("carol", email="carol@example.com")
    c = login(alice)
    response = c.post("/promotion/partner/staff/", {**NEW, "email": "not-an-address", "phone": "123"})
    page = response.content.decode()
    assert response.status_code == 400 and "请输入有效的电子邮箱" in page and "请输入有效的手机号码" in page
    page = c.post("/promotion/partner/staff/", {**NEW, "email": "Carol@example.com"}).content.decode()
    assert "该邮箱已有账号" in page and PartnerStaff.objects.count() == 1


def test_the_admin_contact_removes_a_staff_member(platform_user):
    partner, alice = make_partner("甲银行", "alice", "91350100M000100Y4", platform_user)
    _, dave = make_partner("乙创投", "dave", "91110108MA01ABCDE", platform_user)
    c = login(alice)
    c.post("/promotion/partner/staff/", NEW)
    row = PartnerStaff.objects.get(email="qian@bank.example")
    bob = row.user
    assert login(dave).post(f"/promotion/partner/staff/{row.pk}/remove/").status_code == 404  # another partner
    page = c.post(f"/promotion/partner/staff/{row.pk}/remove/", follow=True).content.decode()
    assert "已移除工作人员钱经办" in page
    row.refresh_from_db()
    bob.refresh_from_db()
    assert row.removed_at is not None and not partner.staff.filter(pk=bob.pk).exists() and not bob.is_active
    assert AuditEvent.objects.filter(verb="promotion_staff_remove", note__contains="钱经办").exists()
    assert login(bob).get("/promotion/partner/").status_code in (302, 403)
    # The admin contact cannot remove itself.
    own = PartnerStaff.objects.get(user=alice)
    page = c.post(f"/promotion/partner/staff/{own.pk}/remove/", follow=True).content.decode()
    assert "不能移除管理员联系人" in page and partner.staff.filter(pk=alice.pk).exists()


def test_a_pending_partner_manages_no_staff(platform_user):
    _, erin = make_partner("丙担保", "erin", "91440300MA5ABCDEF", platform_user, approve=False)
    assert login(erin).post("/promotion/partner/staff/", NEW).status_code == 403
    assert not User.objects.filter(email="qian@bank.example").exists()
