"""The ``publishable`` flag of a form definition's fields: what a listed item's public profile shows."""

import pytest

from nominations.forms import get_definition
from nominations.forms.common import contact_fields
from nominations.forms.types import Definition, Field, Kind
from nominations.models import State
from promotion import services
from tests.factories import NominationFactory


def test_the_2023_definitions_mark_their_publishable_fields():
    marked = {code: [f.key for f in get_definition(code, 2023).publishable_fields] for code in ("tech", "enterprise")}
    assert marked == {"tech": ["name", "maturity"], "enterprise": ["name", "founded", "business"]}
    assert [f.key for f in get_definition("organization", 2023).publishable_fields] == ["name", "org_type", "mechanism"]
    assert [f.key for f in get_definition("manager", 2023).publishable_fields] == ["name"]


@pytest.mark.parametrize("code", ["tech", "enterprise", "organization", "manager"])
def test_no_definition_publishes_a_contact_field(code):
    definition = get_definition(code, 2023)
    assert all(not f.is_contact for f in definition.publishable_fields)
    assert {f.key for f in definition.fields if f.is_contact} >= {"contact_name", "contact_phone", "contact_email"}


def _definition(*extra):
    return Definition(
        list_code="tech", year=2099, title="测试申报表", title_key="name", fields=(Field("name", "名称"), *extra)
    )


@pytest.mark.parametrize(
    "field",
    [
        Field("phone", "联系电话", Kind.PHONE, publishable=True),
        Field("mail", "电子邮箱", Kind.EMAIL, publishable=True),
        Field("id_number", "身份证号", contact=True, publishable=True),
        Field("cases", "案例", Kind.REPEAT, subfields=(Field("title", "名称", publishable=True),)),
    ],
    ids=["phone", "email", "marked-contact", "inside-a-group"],
)
def test_a_definition_declaring_a_publishable_contact_field_is_refused(field):
    with pytest.raises(ValueError, match="may not be publishable"):
        _definition(field)


def test_the_shared_contact_fields_are_contact_data():
    assert all(f.is_contact for f in contact_fields())
    assert _definition(Field("maturity", "成熟度", publishable=True)).publishable_fields[0].key == "maturity"


def test_the_profile_snapshot_holds_the_publishable_fields_only(tech, member_unit):
    entry = NominationFactory(
        ranking_list=tech,
        member_unit=member_unit,
        state=State.PUBLISHED,
        title="量子传感芯片",
        content={"maturity": "trl6"},
    )
    labels = {row["label"]: row["value"] for row in services.profile_for(entry).published_fields}
    assert labels == {"技术名称": "量子传感芯片", "技术成熟度": "6级：相关环境中系统演示"}
