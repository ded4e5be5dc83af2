"""Seed a campaign at ten times the 2022 national volume, for the scale benchmark (``bench/scale.py``).

    python manage.py seed_scale --units 2000 --members 20000 --entries 25000

Loads the 2023 campaign, then writes with ``bulk_create``: recommending units (each in one to three
channels) with one secretariat user each, member units with one user each, entries across the four
lists and every state (recommended ones within each unit's quota, live ones within each member's cap),
an audit record per entry that left its author, mail log rows, dispatches and expert assignments for
the entries in review, plus a platform user, coordinators and experts. All users share one password
(``--password``, hashed once). Runs once per database: a second run finds its units and stops.
"""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kczg_site import clock
from nominations.campaign_data import load_campaign
from nominations.forms.samples import complete_data
from nominations.models import (
    AuditEvent,
    Channel,
    Domain,
    MailAudience,
    MailKind,
    MemberUnit,
    Nomination,
    Profile,
    RankingList,
    RecommendingUnit,
    Role,
    SentMail,
    State,
)
from nominations.models.nomination import LIVE_STATES, RECOMMENDED_STATES
from nominations.rules.quotas import stacked_quota
from reviews.models import Assignment, Dispatch, ReviewBody, ReviewCoverage

UNIT_PREFIX = "规模测试学会"
STATE_WEIGHTS = [
    (State.DRAFT, 14),
    (State.SUBMITTED, 14),
    (State.RETURNED, 4),
    (State.ACCEPTED, 14),
    (State.DECLINED, 4),
    (State.WITHDRAWN, 3),
    (State.RECOMMENDED, 22),
    (State.IN_REVIEW, 12),
    (State.REVIEW_PASSED, 5),
    (State.REVIEW_FAILED, 4),
    (State.LISTED, 2),
    (State.NOT_LISTED, 2),
]
LIST_WEIGHTS = [("tech", 60), ("enterprise", 20), ("organization", 10), ("manager", 10)]
REVIEW_STATES = State.decidable()


class Command(BaseCommand):
    help = "Seed a large campaign (units, member units, users, entries, audit, mail, review) with bulk_create."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=2000)
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--entries", type=int, default=25000)
        parser.add_argument("--experts", type=int, default=5, help="experts per review body")
        parser.add_argument("--password", default="kczg-scale-2023")
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, **options):
        if options["units"] < 1 or options["members"] < options["units"] or options["entries"] < 0:
            raise CommandError("需要 --units ≥ 1,--members ≥ --units,--entries ≥ 0。")
        existing = RecommendingUnit.objects.filter(name__startswith=UNIT_PREFIX).count()
        if existing:
            self.stdout.write(f"已有规模测试数据（{existing} 个推荐单位），未重复生成。")
            return
        started = time.perf_counter()
        with transaction.atomic():
            counts = self._seed(options)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{name} {number}" for name, number in counts.items())
        self.stdout.write(self.style.SUCCESS(f"规模测试数据已生成（{elapsed:.1f} 秒）：{summary}"))

    def _seed(self, options):
        rng = random.Random(options["seed"])  # noqa: S311 (test data, not secrets)
        User = get_user_model()
        password = make_password(options["password"])
        now = clock.now()
        campaign = load_campaign(settings.BASE_DIR / "fixtures" / "campaign_2023.json")
        lists = {lst.code: lst for lst in RankingList.objects.filter(campaign=campaign)}
        domains = list(Domain.objects.filter(ranking_list=lists["tech"]).order_by("order"))
        channels = list(Channel.objects.filter(campaign=campaign, is_pioneer_route=False))
        channel_lists = {c.pk: {lst.pk for lst in c.lists.all()} for c in channels}

        # ------------------------------------------------------------ units and their people
        n_units = options["units"]
        units = RecommendingUnit.objects.bulk_create(
            [
                RecommendingUnit(
                    name=f"{UNIT_PREFIX}{i:05d}", short_name=f"规模{i:05d}", contact_email=f"scale-u{i}@example.org"
                )
                for i in range(n_units)
            ],
            batch_size=1000,
        )
        through = RecommendingUnit.channels.through
        unit_channels = {}
        links = []
        for unit in units:
            chosen = rng.sample(channels, rng.choice([1, 1, 1, 2, 3]))
            unit_channels[unit.pk] = chosen
            links += [through(recommendingunit_id=unit.pk, channel_id=c.pk) for c in chosen]
        through.objects.bulk_create(links, batch_size=2000)
        members = MemberUnit.objects.bulk_create(
            [
                MemberUnit(
                    name=f"规模测试会员单位{i:06d}",
                    recommending_unit=units[i % n_units],
                    contact_email=f"scale-m{i}@example.org",
                )
                for i in range(options["members"])
            ],
            batch_size=2000,
        )
        secretariats = User.objects.bulk_create(
            [User(username=f"scale-s{i:05d}", password=password) for i in range(n_units)], batch_size=2000
        )
        member_users = User.objects.bulk_create(
            [User(username=f"scale-m{i:06d}", password=password) for i in range(len(members))], batch_size=2000
        )
        platform_user = User.objects.create(username="scale-platform", password=password)
        bodies = list(ReviewBody.objects.filter(campaign=campaign).order_by("order", "pk"))
        coordinators = User.objects.bulk_create(
            [User(username=f"scale-c{b:02d}", password=password) for b in range(len(bodies))]
        )
        experts = User.objects.bulk_create(
            [
                User(username=f"scale-e{b:02d}-{k}", password=password)
                for b in range(len(bodies))
                for k in range(options["experts"])
            ]
        )
        Profile.objects.bulk_create(
            [
                Profile(user=u, role=Role.SECRETARIAT, recommending_unit=unit)
                for u, unit in zip(secretariats, units, strict=True)
            ]
            + [Profile(user=u, role=Role.MEMBER, member_unit=m) for u, m in zip(member_users, members, strict=True)]
            + [Profile(user=platform_user, role=Role.PLATFORM, display_name="规模测试平台秘书处")]
            + [Profile(user=u, role=Role.COORDINATOR, review_body=b) for u, b in zip(coordinators, bodies, strict=True)]
            + [
                Profile(user=u, role=Role.EXPERT, review_body=bodies[i // options["experts"]], organization="某大学")
                for i, u in enumerate(experts)
            ],
            batch_size=2000,
        )

        # ------------------------------------------------------------ entries
        states = [s for s, w in STATE_WEIGHTS for _ in range(w)]
        codes = [c for c, w in LIST_WEIGHTS for _ in range(w)]
        samples = {code: complete_data(code) for code in lists}
        used_quota = {}
        live_cap = {}
        entries = []
        for i in range(options["entries"]):
            member_index = i % len(members)
            member = members[member_index]
            unit_id = member.recommending_unit_id
            code = rng.choice(codes)
            ranking_list = lists[code]
            domain = rng.choice(domains) if ranking_list.capped_per_domain else None
            state = rng.choice(states)
            key = (unit_id, ranking_list.pk, domain.pk if domain else None)
            if state in RECOMMENDED_STATES:
                serving = sum(1 for c in unit_channels[unit_id] if ranking_list.pk in channel_lists[c.pk])
                if used_quota.get(key, 0) >= stacked_quota(ranking_list, serving):
                    state = State.ACCEPTED
                else:
                    used_quota[key] = used_quota.get(key, 0) + 1
            cap_key = (member.pk, ranking_list.pk, domain.pk if domain else None)
            if state in LIVE_STATES:
                if live_cap.get(cap_key, 0) >= ranking_list.member_cap:
                    state = State.DRAFT
                else:
                    live_cap[cap_key] = live_cap.get(cap_key, 0) + 1
            title = f"规模测试申报{i:06d}"
            data = {**samples[code], "name": title}
            if domain is not None:
                data["domain"] = domain.code
            moment = now - timedelta(minutes=rng.randrange(60 * 24 * 40))
            sent = state != State.DRAFT
            entries.append(
                Nomination(
                    campaign=campaign,
                    ranking_list=ranking_list,
                    domain=domain,
                    member_unit=member,
                    recommending_unit_id=unit_id,
                    state=state,
                    title=title,
                    data=data,
                    created_by=member_users[member_index],
                    created_at=moment,
                    updated_at=moment,
                    submitted_at=moment if sent and state != State.WITHDRAWN else None,
                    recommended_at=moment if state in RECOMMENDED_STATES else None,
                )
            )
        Nomination.objects.bulk_create(entries, batch_size=1000)

        # ------------------------------------------------------------ audit, mail, review
        sec_of_unit = {unit.pk: user for unit, user in zip(units, secretariats, strict=True)}
        events = []
        mails = []
        for entry in entries:
            if entry.state == State.DRAFT:
                continue
            events.append(
                AuditEvent(
                    at=entry.updated_at,
                    actor=entry.created_by,
                    verb="submit",
                    nomination_id=entry.pk,
                    recommending_unit_id=entry.recommending_unit_id,
                    from_state=State.DRAFT,
                    to_state=State.SUBMITTED,
                )
            )
            if entry.state not in (State.SUBMITTED, State.WITHDRAWN):
                events.append(
                    AuditEvent(
                        at=entry.updated_at,
                        actor=sec_of_unit[entry.recommending_unit_id],
                        verb="accept",
                        nomination_id=entry.pk,
                        recommending_unit_id=entry.recommending_unit_id,
                        from_state=State.SUBMITTED,
                        to_state=State.ACCEPTED,
                    )
                )
                mails.append(
                    SentMail(
                        to=f"scale-m{entry.member_unit_id}@example.org",
                        subject=f"您的申报“{entry.title}”已受理",
                        body="您的申报已受理。",
                        sent_at=entry.updated_at,
                        kind=MailKind.ACCEPTED,
                        audience=MailAudience.MEMBER,
                        nomination_id=entry.pk,
                        recommending_unit_id=entry.recommending_unit_id,
                        member_unit_id=entry.member_unit_id,
                    )
                )
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        SentMail.objects.bulk_create(mails, batch_size=2000)

        body_of = {}
        for coverage in ReviewCoverage.objects.filter(body__campaign=campaign).order_by("pk"):
            body_of.setdefault((coverage.ranking_list_id, coverage.domain_id), coverage.body_id)
        experts_of = {}
        for i, user in enumerate(experts):
            experts_of.setdefault(bodies[i // options["experts"]].pk, []).append(user)
        dispatches = []
        assignments = []
        for entry in entries:
            if entry.state not in REVIEW_STATES:
                continue
            body_id = body_of.get((entry.ranking_list_id, entry.domain_id)) or body_of.get(
                (entry.ranking_list_id, None)
            )
            if body_id is None:
                continue
            dispatches.append(
                Dispatch(nomination_id=entry.pk, body_id=body_id, dispatched_at=now, dispatched_by=platform_user)
            )
            for expert in rng.sample(experts_of[body_id], min(2, len(experts_of[body_id]))):
                assignments.append(
                    Assignment(
                        nomination_id=entry.pk,
                        expert=expert,
                        body_id=body_id,
                        assigned_at=now,
                        assigned_by=platform_user,
                        automatic=True,
                    )
                )
        Dispatch.objects.bulk_create(dispatches, batch_size=2000)
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        return {
            "推荐单位": len(units),
            "会员单位": len(members),
            "用户": len(secretariats) + len(member_users) + 1 + len(coordinators) + len(experts),
            "申报": len(entries),
            "操作记录": len(events),
            "邮件记录": len(mails),
            "分发": len(dispatches),
            "评审分配": len(assignments),
        }
