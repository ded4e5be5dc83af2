"""发布推介 in the Django admin: every record read-only, partners decided on the platform's page only,
the listed party's contact shown to the system administrator alone, every label in Chinese."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from promotion import services
from promotion.models import Consent, InterestRequest, Partner, PartnerState, ProfileView
from tests.promotion.helpers import CONTACT, login, make_partner

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def platform_staff(platform_user):
    from tests.security.matrix import make_platform_staff

    return make_platform_staff(platform_user)


def _url(model, view, *args):
    return reverse(f"admin:promotion_{model._meta.model_name}_{view}", args=args)


def test_every_promotion_model_is_in_the_admin_with_chinese_names():
    for model in apps.get_app_config("promotion").get_models():
        assert admin.site.is_registered(model), model
        assert CJK.search(str(model._meta.verbose_name)), model
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and not field.primary_key:
                assert CJK.search(str(field.verbose_name)), f"{model.__name__}.{field.name}"


def test_the_contact_is_for_the_system_administrator_only(profile, platform_staff, admin_user_):
    consent = profile.live_consent()
    platform = login(platform_staff)
    for url in (_url(Consent, "changelist"), _url(Consent, "change", consent.pk)):
        page = platform.get(url).content.decode()
        assert "量子传感芯片" in page and not any(value in page for value in CONTACT.values()), url
    # Not even found by a search for it.
    search = login(admin_user_).get(_url(Consent, "changelist"), {"q": CONTACT["contact_phone"]})
    assert "量子传感芯片" not in search.content.decode().split("result_list")[-1]
    page = login(admin_user_).get(_url(Consent, "change", consent.pk)).content.decode()
    assert CONTACT["contact_phone"] in page and CONTACT["contact_email"] in page


def test_records_are_read_only_for_everyone_and_partners_are_decided_elsewhere(
    profile, member_user, platform_staff, admin_user_
):
    partner, staff = make_partner("甲银行", "bank-a", "91350100M000100Y4", platform_staff, approve=False)
    superuser = login(admin_user_)
    page = superuser.get(_url(Partner, "change", partner.pk)).content.decode()
    assert "甲银行" in page and "保存" not in page
    response = superuser.post(_url(Partner, "change", partner.pk), {"state": "approved", "name": "甲银行"})
    partner.refresh_from_db()
    assert response.status_code == 403 and partner.state == PartnerState.PENDING
    services.decide_partner(partner, platform_staff, "approve")
    request = services.send_request(profile, staff, "希望对接")
    login(staff).get(f"/promotion/{profile.pk}/")
    for model, obj in ((Consent, profile.live_consent()), (InterestRequest, request), (ProfileView, None)):
        obj = obj or model.objects.first()
        assert superuser.get(_url(model, "add")).status_code == 403, model
        assert superuser.post(_url(model, "change", obj.pk), {}).status_code == 403, model
        assert superuser.get(_url(model, "delete", obj.pk)).status_code == 403, model
        assert superuser.get(_url(model, "change", obj.pk)).status_code == 200, model
    index = login(platform_staff).get("/admin/promotion/").content.decode()
    for label in ("金融合作机构", "合作机构工作人员", "推介授权", "对接请求", "推介页查看记录", "定向推介", "对接成果"):
        assert label in index, label
