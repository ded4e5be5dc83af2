"""Scale benchmark: every list page and dashboard at ten times the 2022 national volume.

    .venv/bin/python bench/scale.py            # --help for the options

Creates two PostgreSQL databases next to ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/kczg_bench_scale``): ``<name>_small`` seeded with
``seed_scale --units 20 --members 200 --entries 250`` and ``<name>`` with
``seed_scale --units 2000 --members 20000 --entries 25000`` (``--reuse`` keeps databases that are
already seeded). For each, a child process requests every page below as its role through
``django.test.Client`` (DEBUG off, time moved to 2023-11-25 10:00 with time-machine, after the member deadline and
before the platform deadline), ``--repeat`` times after a warm-up, and records the query count and
the median time. Prints PASS/FAIL per page: the same query count at both sizes (bounded), and a median
≤ 200 ms at full size. Raw figures: ``bench/out/scale.json``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kczg_bench_scale"
SMALL = {"units": 20, "members": 200, "entries": 250}
FULL = {"units": 2000, "members": 20000, "entries": 25000}
CLOCK = "2023-11-25T10:00:00+08:00"
LIMIT_MS = 200


def pages(ctx):
    """``(label, role, path)`` for every list page and dashboard; ``ctx`` holds ids found in the data."""
    lst = ctx["enterprise_list"]
    return [
        ("home page", None, "/"),
        ("member dashboard", "member", "/member/"),
        ("secretariat dashboard", "secretariat", "/secretariat/"),
        ("secretariat inbox", "secretariat", "/secretariat/inbox/"),
        ("inbox: state + list filter", "secretariat", f"/secretariat/inbox/?state=submitted&ranking_list={lst}"),
        ("inbox: search", "secretariat", "/secretariat/inbox/?q=%E7%94%B3%E6%8A%A5"),
        ("inbox: ordered, page 2", "secretariat", "/secretariat/inbox/?ordering=title&page=2"),
        ("secretariat mail log", "secretariat", "/secretariat/mail/"),
        ("secretariat member units", "secretariat", "/secretariat/members/"),
        ("export list (secretariat)", "secretariat", "/exports/"),
        ("platform overview", "platform", "/platform/"),
        ("platform units", "platform", "/platform/units/"),
        ("platform pioneers", "platform", "/platform/pioneers/"),
        ("platform extensions", "platform", "/platform/extensions/"),
        ("audit log", "platform", "/platform/audit/"),
        ("audit log, page 3", "platform", "/platform/audit/?page=3"),
        ("audit log, filtered", "platform", "/platform/audit/?verb=accept"),
        ("platform mail log", "platform", "/platform/mail/"),
        ("platform mail log, page 3", "platform", "/platform/mail/?page=3"),
        ("export list (platform)", "platform", "/exports/"),
        ("reviews: dispatch", "platform", "/reviews/platform/dispatch/"),
        ("reviews: progress", "platform", "/reviews/platform/progress/"),
        ("reviews: final", "platform", "/reviews/platform/final/"),
        ("reviews: coordinator", "coordinator", "/reviews/coordinator/"),
        ("reviews: expert", "expert", "/reviews/expert/"),
        ("published list", None, "/published/2023/"),
    ]


# ---------------------------------------------------------------- child: one database


def measure(url, repeat):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kczg_site.settings"
    os.environ["DEBUG"] = "0"
    # Time is moved with time-machine rather than the demo clock, whose offset is re-read from the
    # database every 2 s and would add a query to the slower pages at random.
    os.environ["DEMO_CLOCK"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("KCZG_VAR_DIR", str(ROOT / "bench" / "out" / "scale-var"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nominations.models import Nomination, RankingList
    from reviews.models import Assignment, Dispatch

    time_machine.travel(datetime.fromisoformat(CLOCK), tick=True).start()
    User = get_user_model()
    busiest_unit = (Nomination.objects.values("recommending_unit_id").annotate(n=Count("pk")).order_by("-n").first())[
        "recommending_unit_id"
    ]
    busiest_member = (Nomination.objects.values("member_unit_id").annotate(n=Count("pk")).order_by("-n").first())[
        "member_unit_id"
    ]
    busiest_body = (Dispatch.objects.values("body_id").annotate(n=Count("pk")).order_by("-n").first())["body_id"]
    busiest_expert = (Assignment.objects.values("expert_id").annotate(n=Count("pk")).order_by("-n").first())[
        "expert_id"
    ]
    users = {
        "member": User.objects.filter(profile__member_unit_id=busiest_member).first(),
        "secretariat": User.objects.filter(profile__recommending_unit_id=busiest_unit).first(),
        "platform": User.objects.get(username="scale-platform"),
        "coordinator": User.objects.filter(profile__role="coordinator", profile__review_body_id=busiest_body).first(),
        "expert": User.objects.get(pk=busiest_expert),
    }
    ctx = {"enterprise_list": RankingList.objects.get(campaign__year=2023, code="enterprise").pk}
    clients = {None: Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    results = []
    for label, role, path in pages(ctx):
        client = clients[role]
        response = client.get(path)  # warm-up
        times = []
        queries = None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            queries = len(captured.captured_queries)
        results.append(
            {
                "label": label,
                "role": role,
                "path": path,
                "status": response.status_code,
                "queries": queries,
                "median_ms": 1000 * statistics.median(times),
                "worst_ms": 1000 * max(times),
                "bytes": len(response.content),
            }
        )
    counts = {
        "entries": Nomination.objects.count(),
        "units": Nomination.objects.values("recommending_unit_id").distinct().count(),
        "unit_entries": Nomination.objects.filter(recommending_unit_id=busiest_unit).count(),
    }
    print(json.dumps({"results": results, "counts": counts, "vendor": connection.vendor}))


# ---------------------------------------------------------------- parent


def database_url(base, suffix):
    parts = urlparse(base)
    return parts._replace(path=parts.path + suffix).geturl()


def prepare(url, sizes, reuse):
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DEMO_CLOCK": "0", "LOG_LEVEL": "WARNING"}
    manage = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    args = [f"--{key}={value}" for key, value in sizes.items()]
    subprocess.run([*manage, "seed_scale", *args], env=env, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return seconds


def run_child(url, repeat):
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit("measurement failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep databases that exist (already seeded)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.repeat)
        return 0
    base = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not base.startswith("postgres"):
        raise SystemExit("The scale benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
    small_url, full_url = database_url(base, "_small"), base
    seeded = {}
    for label, url, sizes in (("small", small_url, SMALL), ("full", full_url, FULL)):
        print(f"{label}: {url} — migrate and seed_scale {sizes} …", flush=True)
        seeded[label] = prepare(url, sizes, args.reuse)
        print(f"  seed_scale took {seeded[label]:.1f} s", flush=True)
    small = run_child(small_url, args.repeat)
    full = run_child(full_url, args.repeat)
    print()
    print(f"full: {full['counts']['entries']} entries; the secretariat's unit has {full['counts']['unit_entries']}")
    print(
        f"{'page':<30}{'status':>7}{'q small':>9}{'q full':>8}{'ms small':>10}{'ms full':>9}{'worst':>8}"
        f"  bounded  ≤{LIMIT_MS} ms"
    )
    ok_all = True
    rows = []
    for s, f in zip(small["results"], full["results"], strict=True):
        bounded = s["queries"] == f["queries"]
        fast = f["median_ms"] <= LIMIT_MS
        ok_all &= bounded and fast and f["status"] < 500
        rows.append({"small": s, "full": f, "bounded": bounded, "fast": fast})
        print(
            f"{f['label']:<30}{f['status']:>7}{s['queries']:>9}{f['queries']:>8}{s['median_ms']:>10.1f}"
            f"{f['median_ms']:>9.1f}{f['worst_ms']:>8.1f}  "
            f"{'PASS' if bounded else 'FAIL':<8} {'PASS' if fast else 'FAIL'}"
        )
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "scale.json").write_text(
        json.dumps({"seed_seconds": seeded, "rows": rows, "counts": full["counts"]}, ensure_ascii=False, indent=2)
    )
    print()
    print(
        "PASS" if ok_all else "FAIL",
        "— every page bounded and within 200 ms" if ok_all else "— see the rows marked FAIL",
    )
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
