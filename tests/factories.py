"""factory_boy factories. The 2023 campaign itself comes from fixtures/campaign_2023.json (conftest)."""

import factory
from django.contrib.auth import get_user_model

from kczg_site import clock
from nominations.forms.samples import complete_data
from nominations.models import Channel, MemberUnit, Nomination, Pioneer, Profile, RecommendingUnit, Role, State

PASSWORD = "kczg-test-2023"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class RecommendingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendingUnit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试学会{n}")
    contact_email = factory.Sequence(lambda n: f"unit{n}@example.org")

    @factory.post_generation
    def channel_codes(self, create, extracted, **kwargs):
        """``RecommendingUnitFactory(channel_codes=["society", "other"], campaign=c)``."""
        if extracted:
            self.channels.set(Channel.objects.filter(code__in=extracted))


class MemberUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberUnit

    name = factory.Sequence(lambda n: f"测试会员单位{n}")
    recommending_unit = factory.SubFactory(RecommendingUnitFactory)
    contact_email = factory.Sequence(lambda n: f"member{n}@example.org")


class PioneerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pioneer

    name = factory.Sequence(lambda n: f"先锋{n}")
    listed_year = 2022


def make_user(role, username=None, **profile_fields):
    """A user with a profile of ``role``; admins are superusers."""
    user = UserFactory(username=username or f"{role}-{UserFactory._meta.model.objects.count() + 1}")
    if role == Role.ADMIN:
        user.is_superuser = True
        user.is_staff = True
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": role, **profile_fields})
    user.refresh_from_db()
    return user


DEFAULT_OPINION = "该项目技术先进，同意推荐。"


class NominationFactory(factory.django.DjangoModelFactory):
    """An entry (申报), complete by default, so that submit/resubmit/pioneer_recommend pass the
    completeness check. The one entry builder of the tests:

    * ``domain``: a list capped per domain (先导技术榜) gets its first domain (电子信息) unless given;
    * ``data``: the list's complete sample with the entry's title and domain; ``content={...}`` changes
      fields of it (``content={"contact_phone": "12345"}``); ``data=`` replaces it;
    * ``sent_at=moment``: the entry went the workflow's way at ``moment``: submitted then (a member's
      entry past the draft; a pioneer's entry is never submitted) and recommended then (the states of
      ``State.recommended()``). Without it both stay empty unless given;
    * ``opinion``: a member's entry past the draft carries the unit's 推荐意见 (:data:`DEFAULT_OPINION`),
      so that recommending it passes; ``opinion=""`` for an entry without one.
    """

    class Meta:
        model = Nomination

    class Params:
        sent_at = None
        content = factory.Dict({})

    member_unit = factory.SubFactory(MemberUnitFactory)
    recommending_unit = factory.LazyAttribute(lambda o: o.member_unit.recommending_unit if o.member_unit else None)
    pioneer = None
    campaign = factory.LazyAttribute(lambda o: o.ranking_list.campaign)
    domain = factory.LazyAttribute(lambda o: _first_domain(o.ranking_list))
    state = State.DRAFT
    title = factory.Sequence(lambda n: f"测试申报{n}")
    data = factory.LazyAttribute(lambda o: _complete_data(o.ranking_list.code, o.title, o.domain, o.content))
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)
    submitted_at = factory.LazyAttribute(lambda o: o.sent_at if o.state != State.DRAFT and o.pioneer is None else None)
    recommended_at = factory.LazyAttribute(lambda o: o.sent_at if o.state in State.recommended() else None)
    # 推荐意见: a member's entry past the draft has one (recommending needs it); ``opinion=""`` for none.
    opinion = factory.LazyAttribute(lambda o: DEFAULT_OPINION if o.state != State.DRAFT and o.pioneer is None else "")
    opinion_at = factory.LazyAttribute(lambda o: (o.sent_at or clock.now()) if o.opinion else None)


def _first_domain(ranking_list):
    return ranking_list.domains.order_by("order", "pk").first() if ranking_list.capped_per_domain else None


def _complete_data(list_code, title, domain, content):
    data = complete_data(list_code, title=title, **content)
    if domain is not None:
        data["domain"] = domain.code
    return data
