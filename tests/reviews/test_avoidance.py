"""回避: each rule with its reason (same unit with aliases and parents, the recommending unit, the
completer of the group, the declared units), the override with a recorded reason, the pledge gate."""

import pytest
import time_machine
from django.urls import reverse

from nominations.models import AuditEvent
from reviews import assignment, conflicts, pledge
from reviews.assignment import AssignmentError
from reviews.models import ExpertPledge, ExpertProfile, Organisation, OrganisationAlias
from tests.factories import PASSWORD, MemberUnitFactory, NominationFactory
from tests.reviews.conftest import IN_REVIEW_TIME, assign, expert_of, put_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def cas():
    parent = Organisation.objects.create(name="中国科学院")
    OrganisationAlias.objects.create(organisation=parent, name="中科院")
    child = Organisation.objects.create(name="中国科学院计算技术研究所", parent=parent)
    OrganisationAlias.objects.create(organisation=child, name="中科院计算所")
    return parent, child


def _entry(tech, electronics, society, body, platform_user, *, member="示范企业", title="申报", content=None):
    unit = MemberUnitFactory(name=member, recommending_unit=society)
    entry = NominationFactory(
        ranking_list=tech, domain=electronics, member_unit=unit, state="recommended", title=title, content=content or {}
    )
    return put_in_review([entry], body, platform_user)[0]


def _reasons(entry, expert):
    return conflicts.conflicts([entry], [expert]).get((entry.pk, expert.pk), "")


@pytest.fixture
def setting(criteria, tech, electronics, society, body, platform_user):
    return tech, electronics, society, body, platform_user


def test_alias_of_the_same_unit_conflicts(setting, cas):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院计算技术研究所")
    alice = expert_of(body, "alice", organization="中科院计算所")
    assert "与申报单位“中国科学院计算技术研究所”相同" in _reasons(entry, alice)


def test_parent_and_child_organisations_conflict_both_ways(setting, cas):
    tech, electronics, society, body, platform_user = setting
    child_entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院计算技术研究所")
    parent_entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院", title="院")
    at_parent = expert_of(body, "bob", organization="中科院")
    at_child = expert_of(body, "carol", organization="中国科学院计算技术研究所")
    assert "为上下级单位或同一单位的不同名称" in _reasons(child_entry, at_parent)
    assert "为上下级单位或同一单位的不同名称" in _reasons(parent_entry, at_child)


def test_an_institute_named_after_a_known_parent_conflicts_without_its_own_row(setting, cas):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院")
    dave = expert_of(body, "dave", organization="中国科学院自动化研究所")
    other = expert_of(body, "erin", organization="清华大学")
    assert "中国科学院自动化研究所" in _reasons(entry, dave)
    assert _reasons(entry, other) == ""


def test_a_completing_unit_typed_in_the_form_conflicts(setting):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, content={"units": "北方大学、南方科技有限公司"})
    frank = expert_of(body, "frank", organization="南方科技有限公司")
    assert "与申报单位“南方科技有限公司”相同" in _reasons(entry, frank)


def test_the_experts_unit_recommended_the_entry(setting):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user)
    grace = expert_of(body, "grace", organization=society.name)
    assert f"与推荐单位“{society.name}”相同（专家所在单位推荐了该申报）" in _reasons(entry, grace)


def test_a_completer_of_another_entry_of_the_same_group_conflicts_with_the_group(setting):
    tech, electronics, society, body, platform_user = setting
    mine = _entry(tech, electronics, society, body, platform_user, title="我的技术", content={"leader": "韩 梅"})
    rival = _entry(tech, electronics, society, body, platform_user, title="他人技术", member="另一企业")
    han = expert_of(body, "han", organization="无关大学")
    han.profile.display_name = "韩梅"
    han.profile.save()
    assert _reasons(mine, han) == "专家“韩梅”是该申报的完成人或推荐人"
    assert _reasons(rival, han) == "专家“韩梅”是同组申报“我的技术”的完成人或推荐人"


def test_units_declared_in_the_pledge_conflict(setting):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="东方电子股份有限公司")
    ivan = expert_of(body, "ivan", organization="无关大学")
    pledge.record_pledge(ivan, body, ["东方电子股份有限公司"], "")
    assert "专家在回避声明中申报与“东方电子股份有限公司”存在关联" in _reasons(entry, ivan)
    assert AuditEvent.objects.filter(verb="pledge", actor=ivan).exists()


def test_the_pool_profile_organisation_counts(setting, cas):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院")
    judy = expert_of(body, "judy", organization="")
    ExpertProfile.objects.create(user=judy, organisation=cas[1])
    assert "中国科学院计算技术研究所" in _reasons(entry, judy)


def test_override_needs_a_recorded_reason_and_the_reason_is_shown(setting, cas, coordinator):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院")
    kim = expert_of(body, "kim", organization="中科院")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        with pytest.raises(AssignmentError, match="存在回避冲突"):
            assignment.assign(entry, kim, coordinator)
        assignment.assign(entry, kim, coordinator, override_reason="领域专家不足，经机构负责人同意")
    event = AuditEvent.objects.get(verb="conflict_override")
    assert "中科院" in event.note and "经机构负责人同意" in event.note


def test_the_coordinator_sees_every_automatic_conflict_with_its_reason(setting, cas, client, coordinator):
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user, member="中国科学院")
    expert_of(body, "leo", organization="中科院")
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(reverse("reviews:coordinator_nomination", args=[entry.pk]))
    assert "专家所在单位“中科院”与申报单位“中国科学院”相同" in page.content.decode()


def test_the_pledge_comes_before_the_first_entry_opens(setting, client, settings, coordinator):
    settings.REVIEW_PLEDGE_REQUIRED = True
    tech, electronics, society, body, platform_user = setting
    entry = _entry(tech, electronics, society, body, platform_user)
    mona = expert_of(body, "mona")
    assign(entry, mona, coordinator)
    client.login(username="mona", password=PASSWORD)
    url = reverse("reviews:expert_nomination", args=[entry.pk])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        dashboard = client.get(reverse("reviews:expert_dashboard")).content.decode()
        assert "查看申报材料前，请先" in dashboard and "签署保密承诺并填写回避声明" in dashboard
        first = client.get(url)
        assert first.status_code == 302 and first.url.startswith(reverse("reviews:expert_pledge"))
        form = client.get(first.url)
        assert "本人承诺" in form.content.decode()
        refused = client.post(reverse("reviews:expert_pledge"), {"next": url})
        assert refused.status_code == 400 and "请勾选同意保密承诺后再提交。" in refused.content.decode()
        done = client.post(reverse("reviews:expert_pledge"), {"accept": "on", "declared_units": "", "next": url})
        assert done.status_code == 302 and done.url == url
        assert client.get(url).status_code == 200
        assert "查看申报材料前，请先" not in client.get(reverse("reviews:expert_dashboard")).content.decode()
    assert ExpertPledge.objects.filter(expert=mona, body=body).exists()
