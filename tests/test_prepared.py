"""Querysets compiled once per process (kczg_site/prepared.py) give what the ORM gives, and fresh rows."""

import pytest
from django.db import transaction
from django.db.models import F, Value
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from kczg_site.prepared import PreparedQuery
from nominations.models import Nomination, State
from nominations.models.nomination import NOMINATION_RELATIONS
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def _fields(obj):
    """The loaded column values and related objects of ``obj``, as a comparable dict."""
    values = {key: value for key, value in obj.__dict__.items() if key != "_state"}
    cached = {name: _fields(related) for name, related in obj._state.fields_cache.items() if related is not None}
    return values, cached


@pytest.fixture
def alice_entry(tech, member_unit):
    return NominationFactory(ranking_list=tech, member_unit=member_unit, title="爱丽丝的申报")


@pytest.fixture
def bob_entry(tech, other_member_unit):
    return NominationFactory(ranking_list=tech, member_unit=other_member_unit, title="鲍勃的申报")


def test_the_rows_equal_the_orms_with_relations_and_annotations(alice_entry):
    def build(pk, title):
        return (
            Nomination.objects.select_related(*NOMINATION_RELATIONS)
            .annotate(label=Value("x"), next_version=F("version") + 1)
            .filter(pk=pk, title=title)
        )

    query = PreparedQuery(build, pk=int, title=str)
    [prepared] = query(pk=alice_entry.pk, title="爱丽丝的申报")
    [orm] = build(alice_entry.pk, "爱丽丝的申报")
    assert _fields(prepared) == _fields(orm)
    assert prepared.ranking_list.code == "tech"
    assert prepared.next_version == alice_entry.version + 1
    assert query(pk=alice_entry.pk, title="别人的申报") == []


def test_compiled_once_and_rows_read_fresh_each_time(alice_entry, django_assert_num_queries, monkeypatch):
    query = PreparedQuery(lambda pk: Nomination.objects.filter(pk=pk), pk=int)
    query(pk=alice_entry.pk)
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    Nomination.objects.filter(pk=alice_entry.pk).update(title="改过的名称")
    with django_assert_num_queries(1):
        [again] = query(pk=alice_entry.pk)
    assert again.title == "改过的名称"
    assert compiled == []


def test_refuses_what_it_cannot_prepare(alice_entry):
    ignored = PreparedQuery(lambda pk: Nomination.objects.filter(pk=alice_entry.pk), pk=int)
    with pytest.raises(ValueError, match="does not reach"):
        ignored(pk=alice_entry.pk)
    with pytest.raises(TypeError):
        PreparedQuery(lambda when: Nomination.objects.filter(created_at=when), when=object)
    query = PreparedQuery(lambda pk: Nomination.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError, match="must be int"):
        query(pk=str(alice_entry.pk))
    with pytest.raises(TypeError, match="must be int"):
        query(pk=True)
    with pytest.raises(TypeError, match="unknown arguments"):
        query(key=alice_entry.pk)
    with pytest.raises(TypeError):
        query()  # the builder's own argument, without a default
    with pytest.raises(ValueError, match="model querysets only"):
        PreparedQuery(lambda pk: Nomination.objects.filter(pk=pk).values("pk"), pk=int)(pk=alice_entry.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_select_for_update_only_in_a_transaction(alice_entry):
    query = PreparedQuery(lambda pk: Nomination.objects.select_for_update().filter(pk=pk), pk=int)
    with transaction.atomic():
        assert query(pk=alice_entry.pk)[0].pk == alice_entry.pk
    with pytest.raises(TransactionManagementError):
        query(pk=alice_entry.pk)


def test_what_the_pages_show(client, member_user, other_member_user, alice_entry, bob_entry):
    client.force_login(member_user)
    assert "爱丽丝的申报" in client.get(f"/member/{alice_entry.pk}/edit/").content.decode()
    assert client.get(f"/member/{bob_entry.pk}/edit/").status_code == 404


def test_count_equals_the_querysets(alice_entry, tech, member_unit, electronics):
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, title="第二项")
    query = PreparedQuery(
        lambda unit, state: Nomination.objects.filter(member_unit_id=unit, state=state).order_by("-pk"),
        unit=int,
        state=str,
    )
    assert query.count(unit=member_unit.pk, state=State.DRAFT) == 1
    assert query.count(unit=member_unit.pk, state=State.SUBMITTED) == 1
    assert query.count(unit=member_unit.pk + 1000, state=State.DRAFT) == 0
    assert [e.title for e in query(unit=member_unit.pk, state=State.SUBMITTED)] == ["第二项"]


def test_member_cap_counts_each_shape(alice_entry, tech, enterprise, member_unit, electronics):
    from nominations.rules.quotas import member_cap

    submitted = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.ACCEPTED)
    other = NominationFactory(ranking_list=enterprise, member_unit=member_unit, state=State.SUBMITTED)
    other_domain = tech.domains.exclude(pk=electronics.pk).first()
    # The draft (alice_entry) holds no place; the submitted and the accepted one do.
    assert member_cap(member_unit, tech, electronics).used == 2
    assert member_cap(member_unit, tech, electronics, exclude=submitted).used == 1
    assert member_cap(member_unit, tech, electronics, exclude=alice_entry).used == 2
    assert member_cap(member_unit, tech, other_domain).used == 0
    assert member_cap(member_unit, tech, None).used == 0
    assert member_cap(member_unit, enterprise).used == 1
    assert member_cap(member_unit, enterprise, exclude=other).used == 0
    assert member_cap(member_unit, enterprise, exclude=submitted).used == 1


def test_an_argument_that_shapes_the_sql_is_refused(alice_entry):
    def build(pk):
        return Nomination.objects.filter(pk=pk) if pk % 2 else Nomination.objects.filter(pk=pk, title="x")

    with pytest.raises(ValueError, match="change the SQL itself"):
        PreparedQuery(build, pk=int)(pk=alice_entry.pk)


def test_a_lookup_that_rewrites_its_value_is_refused(alice_entry):
    with pytest.raises(ValueError, match="does not reach"):
        PreparedQuery(lambda text: Nomination.objects.filter(title__contains=text), text=str)(text="爱丽丝")


def test_earlier_listed_matches_by_name_or_code_of_any_case(campaign):
    from nominations.models import EarlierListedItem
    from nominations.rules.duplicates import find_earlier_listed

    EarlierListedItem.objects.create(
        year=2022, list_code="enterprise", name="示例科技有限公司", unit="某学会", credit_code="91110000abcdefgh1x"
    )
    assert find_earlier_listed("示例科技", "").name == "示例科技有限公司"
    assert find_earlier_listed("别的名称", "91110000ABCDEFGH1X").name == "示例科技有限公司"
    assert find_earlier_listed("别的名称", "91110000ABCDEFGH1Y") is None
    assert find_earlier_listed("示例科技", "", before_year=2022) is None
