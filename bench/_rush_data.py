"""The data of the deadline-rush benchmark: a fresh PostgreSQL database, the 2023 campaign, and
``units`` recommending units × ``members`` member units, each with a user and complete drafts.

Every member unit gets the same drafts (``DRAFT_PLAN``): four 先导技术榜 · 电子信息 drafts (cap 3 per
domain) and three 融通创新组织榜 drafts (cap 2), so that the last submits of each hit the member cap,
and one 新锐企业榜 draft. The first ``edge_units`` units also get accepted entries beyond their quota
(``EDGE_PLAN``) for the secretariat clients to recommend concurrently. All rows are written with
``bulk_create``; every user has the password ``PASSWORD`` (hashed once, MD5 in the bench settings).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kczg-rush-2023"  # noqa: S105 (throw-away benchmark users)
DRAFT_PLAN = [("tech", "electronics")] * 4 + [("enterprise", None)] + [("organization", None)] * 3
EDGE_PLAN = [("tech", "electronics")] * 6 + [("enterprise", None)] * 8 + [("organization", None)] * 4
# The text field each list's autosave changes (the marker that proves which save won).
MARKER_FIELD = {"tech": "summary", "enterprise": "business", "organization": "results"}


def recreate_database(url):
    """Drop and create the database named in ``url`` (PostgreSQL, through the server's ``postgres`` db)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.rush_settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate():
    from django.core.management import call_command
    from django.db import connection

    from bench._rush_urls import CREATE_BASELINE_TABLE

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_BASELINE_TABLE)


def seed(units=200, members=5, edge_units=5, secretariat_per_unit=2):
    """Create everything; return ``{"members": [...], "secretariats": [...]}`` of usernames and unit ids."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kczg_site import clock
    from nominations.campaign_data import load_campaign
    from nominations.forms.samples import complete_data
    from nominations.models import (
        Channel,
        Domain,
        MemberUnit,
        Nomination,
        Profile,
        RankingList,
        RecommendingUnit,
        Role,
        State,
    )

    User = get_user_model()
    campaign = load_campaign(ROOT / "fixtures" / "campaign_2023.json")
    lists = {lst.code: lst for lst in RankingList.objects.filter(campaign=campaign)}
    domains = {d.code: d for d in Domain.objects.filter(ranking_list=lists["tech"])}
    society = Channel.objects.get(campaign=campaign, code="society")
    password = make_password(PASSWORD)
    now = clock.now()

    unit_rows = RecommendingUnit.objects.bulk_create(
        [RecommendingUnit(name=f"压测学会{u:03d}", short_name=f"学会{u:03d}") for u in range(units)]
    )
    RecommendingUnit.channels.through.objects.bulk_create(
        [RecommendingUnit.channels.through(recommendingunit_id=u.pk, channel_id=society.pk) for u in unit_rows]
    )
    member_rows = MemberUnit.objects.bulk_create(
        [
            MemberUnit(name=f"压测会员{u:03d}-{m}", recommending_unit=unit, contact_email=f"m{u:03d}{m}@example.org")
            for u, unit in enumerate(unit_rows)
            for m in range(members)
        ]
    )
    member_users = User.objects.bulk_create(
        [
            User(username=f"rush-m{i:04d}", password=password, email=f"rush-m{i:04d}@example.org")
            for i in range(len(member_rows))
        ]
    )
    secretariat_specs = [(unit, k) for unit in unit_rows for k in range(secretariat_per_unit)]
    secretariat_users = User.objects.bulk_create(
        [
            User(username=f"rush-s{unit.pk:04d}-{k}", password=password, email=f"rush-s{unit.pk}-{k}@example.org")
            for unit, k in secretariat_specs
        ]
    )
    Profile.objects.bulk_create(
        [
            Profile(user=user, role=Role.MEMBER, member_unit=mu)
            for user, mu in zip(member_users, member_rows, strict=True)
        ]
        + [
            Profile(user=user, role=Role.SECRETARIAT, recommending_unit=unit)
            for user, (unit, _k) in zip(secretariat_users, secretariat_specs, strict=True)
        ]
    )

    def entry(code, domain_code, member, user, title, state):
        data = complete_data(code, title=title)
        domain = domains[domain_code] if domain_code else None
        if domain is not None:
            data["domain"] = domain.code
        submitted = state != State.DRAFT
        return Nomination(
            campaign=campaign,
            ranking_list=lists[code],
            domain=domain,
            member_unit=member,
            recommending_unit_id=member.recommending_unit_id,
            state=state,
            title=title,
            data=data,
            created_by=user,
            created_at=now,
            updated_at=now,
            submitted_at=now if submitted else None,
            # Recommending needs the unit's 推荐意见 (nominations.opinions): the accepted ones have it.
            opinion="同意推荐。" if state == State.ACCEPTED else "",
            opinion_at=now if state == State.ACCEPTED else None,
        )

    drafts = []
    for i, (member, user) in enumerate(zip(member_rows, member_users, strict=True)):
        for j, (code, domain_code) in enumerate(DRAFT_PLAN):
            drafts.append(entry(code, domain_code, member, user, f"压测申报{i:04d}-{j}", State.DRAFT))
    Nomination.objects.bulk_create(drafts, batch_size=2000)
    # Accepted entries beyond the quota, from outside members of the unit (so member caps stay intact).
    edge = []
    for u, unit in enumerate(unit_rows[:edge_units]):
        extra = MemberUnit.objects.create(name=f"压测会员{u:03d}-已受理", recommending_unit=unit)
        for j, (code, domain_code) in enumerate(EDGE_PLAN):
            extra_member = (
                extra
                if j % 2 == 0
                else MemberUnit.objects.get_or_create(name=f"压测会员{u:03d}-已受理B", recommending_unit=unit)[0]
            )
            edge.append(
                entry(code, domain_code, extra_member, member_users[0], f"压测已受理{u:03d}-{j}", State.ACCEPTED)
            )
    Nomination.objects.bulk_create(edge)
    # The statistics a running server has: autovacuum analyzes a table after its rows changed by a tenth,
    # but the bulk load happened a moment ago and some machines run PostgreSQL with autovacuum off. Without
    # them the planner guessed 67 rows per domain and scanned 1,340 pages for the member cap's count (6 ms
    # instead of 0.06 ms through the member's index).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "members": [user.username for user in member_users],
        "member_units": [(m.pk, m.recommending_unit_id) for m in member_rows],
        "secretariats": [
            (user.username, unit.pk) for user, (unit, _k) in zip(secretariat_users, secretariat_specs, strict=True)
        ],
        "edge_units": [unit.pk for unit in unit_rows[:edge_units]],
    }


def set_clock(moment_iso):
    """Move the demo clock (the server's ``clock.now()``) to ``moment_iso`` from this instant on."""
    from datetime import datetime

    from django.utils import timezone

    from nominations.models import DemoClock

    moment = datetime.fromisoformat(moment_iso)
    DemoClock.objects.update_or_create(pk=1, defaults={"offset": moment - timezone.now()})
