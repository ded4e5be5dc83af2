"""Deadline-rush benchmark: gunicorn and PostgreSQL on loopback, five minutes before the member deadline.

    .venv/bin/python bench/rush.py            # --help for the options

1. Drops and creates the database in ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/kczg_bench_rush``), migrates, loads the 2023 campaign and seeds
   200 recommending units × 5 member units, each member with a user and eight complete drafts, plus
   accepted entries beyond the quota at five units (``bench/_rush_data.py``).
2. Starts gunicorn on 127.0.0.1 and a free port (``bench.rush_settings``: DEBUG off, the demo clock
   moved to 2023-11-20 16:55 Beijing time, five minutes before the member deadline). gunicorn runs
   under ``timeout`` so that it stops by itself even if this script dies.
3. Baseline: the same number of clients POST ``bench/insert/`` (one INSERT) for ``--baseline-seconds``.
4. Rush: member clients loop over their drafts (GET the edit page, two autosaves, submit) while
   secretariat clients of five units accept what arrives and all recommend at once at the quota edge
   (more recommend requests than places). Bounded by ``--seconds`` and ``--max-requests``.
5. Open loop (``bench/_rush_open.py``): requests of the same mix arrive at fixed rates (Poisson, independent
   of the answers), stepped until the highest rate with p95 ≤ 300 ms and no error is found.
6. Checks: no 5xx, no quota exceeded, no member cap exceeded, no draft lost (every entry's data equals
   the last payload whose autosave answered "saved", submitted entries included); prints throughput and
   p50/p95/p99 per request type next to the baseline, and PASS/FAIL per target (issue 18): the cost, CPU
   per rush request ÷ CPU per baseline request (≤ 8 ×), and the open-loop capacity as a fraction of the
   baseline's closed-loop throughput (≥ 0.12). Raw figures: ``bench/out/rush.json``.
"""

import argparse
import json
import os
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _cpu as cpu  # noqa: E402
from bench import _gc_meter as gc_meter  # noqa: E402
from bench import _pg_statements as pg_statements  # noqa: E402
from bench import _rush_data as data  # noqa: E402
from bench import _rush_open as open_loop  # noqa: E402
from bench._rush_client import VERSION_RE, Client, Recorder  # noqa: E402
from bench._rush_server import (  # noqa: E402
    CLOCK_START,
    figures,
    free_port,
    machine,
    run_threads,
    start_gunicorn,
    stop_gunicorn,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kczg_bench_rush"
ENTRY_RE = re.compile(r'href="/secretariat/entries/(\d+)/"')
EXPECTED = {
    "edit_get": {200},
    "autosave": {200},
    "submit": {302},
    "inbox": {200},
    "accept": {302},
    "recommend": {302},
    "opinion": {302},
    "baseline": {200},
}
MEASURED = ("edit_get", "autosave", "submit", "inbox", "accept", "recommend")
COST_TARGET = 8.0  # CPU per rush request ÷ CPU per baseline request, at most
CAPACITY_TARGET = 0.12  # open-loop rate with p95 ≤ 300 ms ÷ the baseline's closed-loop throughput, at least


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300, help="recommending units (the open loop needs drafts)")
    parser.add_argument("--members", type=int, default=5, help="member units per recommending unit")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (members + secretariats)")
    parser.add_argument("--secretariat-clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="bound of the rush phase")
    parser.add_argument("--max-requests", type=int, default=30000, help="bound of the rush phase")
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests (s)")
    parser.add_argument(
        "--paced",
        action="store_true",
        help="pace clients like people at a deadline: an autosave at least 2 s after the page or the last "
        "autosave (htmx 'delay:2s'), about 1–2 s before submitting and between pages; the baseline stays "
        "unpaced (the server's capacity)",
    )
    parser.add_argument("--open-seconds", type=float, default=10.0, help="length of each open-loop step")
    parser.add_argument("--open-start", type=float, default=0.06, help="first open-loop rate, × baseline")
    parser.add_argument("--no-open", action="store_true", help="skip the open loop")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--server-lifetime", type=int, default=900, help="gunicorn stops itself after this (s)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    database = urlparse(url).path.lstrip("/")
    if "127.0.0.1" not in url and "localhost" not in url:
        raise SystemExit("The rush benchmark runs against a loopback database only.")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    os.environ["DEMO_CLOCK"] = "1"
    os.environ["DEMO_CLOCK_START"] = CLOCK_START
    info = machine()

    print(f"database {url}: drop, create, migrate, seed …", flush=True)
    started = time.perf_counter()
    data.recreate_database(url)
    data.setup_django(url)
    data.migrate()
    seeded = data.seed(units=args.units, members=args.members)

    from django.db import connection

    from kczg_site import clock
    from nominations.forms import get_definition
    from nominations.forms.samples import complete_data
    from nominations.models import Nomination, State

    drafts_of = defaultdict(list)
    for pk, member_id, code, title in Nomination.objects.filter(state=State.DRAFT).values_list(
        "pk", "member_unit_id", "ranking_list__code", "title"
    ):
        drafts_of[member_id].append((pk, code, title))
    posted = {code: get_definition(code, 2023).to_post_data(complete_data(code)) for code in data.MARKER_FIELD}
    edge_accepted = defaultdict(list)
    for pk, unit_id in Nomination.objects.filter(state=State.ACCEPTED).values_list("pk", "recommending_unit_id"):
        edge_accepted[unit_id].append(pk)
    pg_version = connection.cursor().connection.info.server_version
    connection.close()
    print(f"  seeded in {time.perf_counter() - started:.1f} s: {Nomination.objects.count()} entries", flush=True)

    member_clients = args.clients - args.secretariat_clients
    member_units = seeded["member_units"]
    usernames = seeded["members"]
    port = free_port()
    data.set_clock(CLOCK_START)
    for old in gc_meter.DIRECTORY.glob("*.json"):
        old.unlink()
    proc, log = start_gunicorn(args, port, url)
    print(
        f"gunicorn on 127.0.0.1:{port}: {args.workers} {args.worker_class} workers × {args.threads} threads", flush=True
    )
    recorder = Recorder()
    try:
        # ------------------------------------------------------------ log in (not measured)
        sessions = defaultdict(list)  # member client index → [(Client, member_unit_id)]
        secretariat_sessions = []
        login_failures = []

        def log_in_members(i):
            for index in range(i, len(member_units), member_clients):
                client = Client(port, Recorder())
                if client.login(usernames[index], data.PASSWORD):
                    sessions[i].append((client, member_units[index][0]))
                else:
                    login_failures.append(usernames[index])

        run_threads(member_clients, log_in_members)
        edge_units = seeded["edge_units"]
        for k in range(args.secretariat_clients):
            unit_id = edge_units[k % len(edge_units)]
            candidates = [name for name, uid in seeded["secretariats"] if uid == unit_id]
            client = Client(port, recorder)
            name = candidates[(k // len(edge_units)) % len(candidates)]
            if client.login(name, data.PASSWORD):
                secretariat_sessions.append((client, unit_id))
            else:
                login_failures.append(name)
        for client_list in sessions.values():
            for client, _member in client_list:
                client.recorder = recorder
        print(
            f"  logged in {sum(len(v) for v in sessions.values())} members, {len(secretariat_sessions)} secretariats"
            f"{' — FAILED: ' + str(len(login_failures)) if login_failures else ''}",
            flush=True,
        )

        # ------------------------------------------------------------ baseline
        print(f"baseline: {args.clients} clients POST /bench/insert/ for {args.baseline_seconds:.0f} s …", flush=True)
        stop_at = time.perf_counter() + args.baseline_seconds

        def baseline(i):
            client = Client(port, recorder)
            rng = random.Random(i)
            while time.perf_counter() < stop_at:
                client.request("baseline", "POST", "/bench/insert/", {"note": f"c{i}"})
                if args.think and not args.paced:
                    time.sleep(rng.expovariate(1 / args.think))

        statements_on = pg_statements.reset(url)
        base_start = time.perf_counter()
        meter = cpu.Meter(proc.pid, database).start()
        run_threads(args.clients, baseline)
        base_cpu = meter.stop()
        base_statements = pg_statements.top(url, database) if statements_on else None
        base_duration = time.perf_counter() - base_start

        # ------------------------------------------------------------ the rush
        data.set_clock(CLOCK_START)
        time.sleep(2.2)  # the workers re-read the demo clock offset every 2 s
        clock.forget()
        clock_at_start = clock.localnow()
        print(
            f"rush: clock {clock_at_start:%Y-%m-%d %H:%M:%S}; {member_clients} member + "
            f"{len(secretariat_sessions)} secretariat clients, "
            f"≤ {args.seconds:.0f} s / ≤ {args.max_requests} requests …",
            flush=True,
        )
        last_saved = {}  # entry pk → the marker of its last confirmed save
        touched = set()  # drafts the closed loop opened (the open loop takes the others)
        saved_lock = threading.Lock()
        statements_on = pg_statements.reset(url)
        gc_start = gc_meter.read(0)
        rush_start = time.perf_counter()
        rush_stop = rush_start + args.seconds
        meter = cpu.Meter(proc.pid, database).start()
        stop = threading.Event()
        barrier = threading.Barrier(len(secretariat_sessions) or 1)
        recommend_sent = Counter()

        rush_first = len(recorder.samples)  # the baseline's samples are not counted against the bound

        def done():
            if time.perf_counter() >= rush_stop or len(recorder.samples) - rush_first >= args.max_requests:
                stop.set()
            return stop.is_set()

        def pause(rng, before=""):
            """``--think``: an exponential pause; ``--paced``: how people at the deadline pace their requests.

            htmx posts the autosave 2 s after the last keystroke ("input changed delay:2s"), so a member's
            autosaves are at least 2 s apart: 2 s plus some typing (exponential, mean 1 s). Before a
            submit, 1 s plus the confirmation dialog (mean 0.5 s); between entries and between a
            secretariat's actions, 1 s plus reading (mean 0.5 s).
            """
            if args.paced:
                if before == "autosave":
                    time.sleep(2.0 + rng.expovariate(1.0))
                else:
                    time.sleep(1.0 + rng.expovariate(2.0))
            elif args.think:
                time.sleep(rng.expovariate(1 / args.think))

        def member(i):
            rng = random.Random(1000 + i)
            for client, member_id in sessions[i]:
                for pk, code, title in drafts_of[member_id]:
                    if done():
                        return
                    touched.add(pk)
                    status, body, _loc = client.request("edit_get", "GET", f"/member/{pk}/edit/")
                    match = VERSION_RE.search(body) if status == 200 else None
                    if match is None:
                        continue
                    version = int(match.group(1))
                    for k in range(2):
                        pause(rng, "autosave")
                        marker = f"{posted[code][data.MARKER_FIELD[code]]}【压测{pk}-{k}-{rng.randrange(10**6)}】"
                        form = {**posted[code], "name": title, data.MARKER_FIELD[code]: marker, "version": version}
                        status, body, _loc = client.request(
                            "autosave", "POST", f"/member/{pk}/autosave/", form, {"HX-Request": "true"}
                        )
                        if status == 200 and "text-success" in body:
                            match = VERSION_RE.search(body)
                            version = int(match.group(1)) if match else version
                            with saved_lock:
                                last_saved[pk] = marker
                    pause(rng)
                    client.request("submit", "POST", f"/member/{pk}/act/submit/", {})
                    pause(rng)

        def secretariat(k):
            client, unit_id = secretariat_sessions[k]
            rng = random.Random(2000 + k)
            barrier.wait(timeout=30)
            # Everyone at once: more recommend requests than places (quota edge).
            targets = list(edge_accepted[unit_id])
            rng.shuffle(targets)
            for pk in targets:
                recommend_sent[unit_id] += 1
                client.request("recommend", "POST", f"/secretariat/entries/{pk}/act/", {"action": "recommend"})
            while not done():
                status, body, _loc = client.request("inbox", "GET", "/secretariat/inbox/?state=submitted")
                found = ENTRY_RE.findall(body) if status == 200 else []
                rng.shuffle(found)
                for pk in found[:3]:
                    if done():
                        return
                    pause(rng)
                    client.request("accept", "POST", f"/secretariat/entries/{pk}/act/", {"action": "accept"})
                    client.request("opinion", "POST", f"/secretariat/entries/{pk}/opinion/", {"opinion": "同意推荐。"})
                    recommend_sent[unit_id] += 1
                    client.request("recommend", "POST", f"/secretariat/entries/{pk}/act/", {"action": "recommend"})
                pause(rng) if found else time.sleep(0.2)

        def worker(i):
            if i < member_clients:
                member(i)
            elif i - member_clients < len(secretariat_sessions):
                secretariat(i - member_clients)

        run_threads(args.clients, worker)
        rush_cpu = meter.stop()
        rush_duration = time.perf_counter() - rush_start
        rush_statements = pg_statements.top(url, database) if statements_on else None
        gc_end = gc_meter.read(0)
        gc_rush = {
            key: [b - a for a, b in zip(gc_start[key], gc_end[key], strict=True)] for key in ("seconds", "collections")
        }
        closed_end = len(recorder.samples)

        # ------------------------------------------------------------ the open loop
        open_best, open_rows = None, []
        base_rate = sum(1 for s in recorder.samples if s[0] == "baseline") / base_duration
        if not args.no_open:
            print(f"open loop: Poisson arrivals of the rush mix, {args.open_seconds:.0f} s a step …", flush=True)
            actors = [
                open_loop.Member(client, [d for d in drafts_of[member_id] if d[0] not in touched])
                for client_list in sessions.values()
                for client, member_id in client_list
            ]
            actors = [a for a in actors if a.alive]
            random.Random(4).shuffle(actors)
            ctx = {
                "posted": posted,
                "marker_field": data.MARKER_FIELD,
                "last_saved": last_saved,
                "lock": saved_lock,
                "rng": random.Random(5),
            }
            open_best, open_rows = open_loop.search(
                recorder,
                actors,
                [open_loop.Secretariat(client) for client, _unit in secretariat_sessions],
                base_rate,
                ctx,
                (proc.pid, database),
                (*MEASURED, "opinion"),
                start=args.open_start,
                seconds=args.open_seconds,
            )
        clock.forget()
        clock_at_end = clock.localnow()
    finally:
        stop_gunicorn(proc, log)

    # ------------------------------------------------------------ figures
    closed_samples = recorder.samples[:closed_end]
    base, rows, rush_total, _five_xx, _failed, unexpected = figures(
        closed_samples, MEASURED, EXPECTED, base_duration, rush_duration
    )
    five_xx = [s for s in recorder.samples if s[1] >= 500]
    failed = [s for s in recorder.samples if s[1] == 0 and s[0] != "no_actor"]

    # ------------------------------------------------------------ checks in the database
    from bench._rush_checks import database_checks  # needs Django set up (above)

    found = database_checks(edge_accepted, last_saved)
    over_quota, recommended_at_edge, over_cap, lost = (
        found["over_quota"],
        found["recommended_at_edge"],
        found["over_cap"],
        found["lost"],
    )
    submitted_checked, submitted_total = found["submitted_checked"], found["submitted_total"]
    refused_by_cap = found["refused_by_cap"]

    # ------------------------------------------------------------ report
    print()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores; PostgreSQL {pg_version}; commit {info['commit']}; "
        f"load average before {info['loadavg_before'][0]:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    print(f"clock during the rush: {clock_at_start:%H:%M:%S} → {clock_at_end:%H:%M:%S} (member deadline 17:00:00)")
    print(f"{'request':<12}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    print(
        f"{'baseline':<12}{base['count']:>8}{base['per_second']:>9.1f}{base.get('p50_ms', 0):>9.1f}"
        f"{base.get('p95_ms', 0):>9.1f}{base.get('p99_ms', 0):>9.1f}  {base.get('statuses', {})}"
    )
    for kind in MEASURED:
        row = rows.get(kind)
        if row:
            print(
                f"{kind:<12}{row['count']:>8}{row['per_second']:>9.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
                f"{row['p99_ms']:>9.1f}  {row['statuses']}"
            )
    print(
        f"{'rush (all)':<12}{rush_total['count']:>8}{rush_total['per_second']:>9.1f}{rush_total['p50_ms']:>9.1f}"
        f"{rush_total['p95_ms']:>9.1f}{rush_total['p99_ms']:>9.1f}  over {rush_duration:.1f} s"
    )
    print(
        f"entries: {len(last_saved)} saved by autosave, {submitted_total} submitted or further "
        f"({submitted_checked} of the saved ones), {refused_by_cap} left as drafts (member cap or time)"
    )
    for unit_id, (used, total) in sorted(recommended_at_edge.items()):
        print(
            f"quota edge, unit {unit_id}: {recommend_sent[unit_id]} recommend requests, "
            f"{used} recommended for {total} places (the contested lists)"
        )
    per_request = {
        "baseline": {side: base_cpu[side] and 1000 * base_cpu[side] / max(base["count"], 1) for side in base_cpu},
        "rush": {side: rush_cpu[side] and 1000 * rush_cpu[side] / max(rush_total["count"], 1) for side in rush_cpu},
    }
    cost = None
    if per_request["rush"]["server"] is not None:
        base_ms = per_request["baseline"]["server"] + per_request["baseline"]["database"]
        rush_ms = per_request["rush"]["server"] + per_request["rush"]["database"]
        cost = rush_ms / base_ms
        print(
            f"CPU per request (gunicorn + PostgreSQL): baseline {per_request['baseline']['server']:.2f} + "
            f"{per_request['baseline']['database']:.2f} ms, rush {per_request['rush']['server']:.2f} + "
            f"{per_request['rush']['database']:.2f} ms; ratio {base_ms / rush_ms:.2f} (what the throughput ratio "
            "would be if both phases were bound by these processes' CPU alone; steadier than req/s on a busy machine)"
        )
    print(
        "garbage collector in the workers during the rush (bench/_gc_meter.py, as of each worker's last "
        f"generation-1 or -2 collection): {1000 * sum(gc_rush['seconds']) / max(rush_total['count'], 1):.2f} ms per "
        "request; per generation 0/1/2: "
        + ", ".join(
            f"{n} × {1000 * t / max(n, 1):.1f} ms"
            for t, n in zip(gc_rush["seconds"], gc_rush["collections"], strict=True)
        )
    )
    if rush_statements:
        print("baseline, ", end="")
        pg_statements.print_top(base_statements[0][:3], base_statements[1], base["count"])
        print("rush (closed loop), ", end="")
        pg_statements.print_top(*rush_statements, rush_total["count"])
    else:
        print("pg_stat_statements: not loaded by the server (bench/README.md says how), no statement figures")
    ratio = rush_total["per_second"] / base["per_second"] if base["per_second"] else 0
    print(
        f"{'paced' if args.paced or args.think else 'closed loop'}: rush {rush_total['per_second']:.1f} vs baseline "
        f"{base['per_second']:.1f} req/s = {ratio:.3f} × (no target since issue 18), p95 {rush_total['p95_ms']:.0f} ms"
    )
    if open_rows:
        print(
            f"{'open loop rate':<16}{'× base':>8}{'answered/s':>12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
            f"{'errors':>8}{'CPU ms/req':>12}"
        )
        for row in sorted(open_rows, key=lambda r: r["rate"]):
            used = row["cpu_ms_per_request"]
            cpu_text = f"{used['server'] + used['database']:.2f}" if used["server"] is not None else "–"
            print(
                f"{row['rate']:<16.1f}{row['fraction']:>8.3f}{row['per_second']:>12.1f}{row['p50_ms']:>9.0f}"
                f"{row['p95_ms']:>9.0f}{row['p99_ms']:>9.0f}{row['errors']:>8}{cpu_text:>12}"
                f"  {'pass' if row['ok'] else 'fail'}"
            )
    checks = [
        (
            f"cost: CPU per rush request ≤ {COST_TARGET:g} × the baseline's"
            + (" (closed-loop phase)" if not (args.paced or args.think) else " (paced phase)"),
            cost is not None and cost <= COST_TARGET,
            f"{cost:.1f} ×" if cost is not None else "no /proc: not measured",
        ),
        (
            f"open-loop capacity ≥ {CAPACITY_TARGET:g} × the baseline's throughput (p95 ≤ 300 ms, no error)",
            open_best is not None and open_best >= CAPACITY_TARGET,
            (
                f"{open_best:.3f} × ({open_best * base_rate:.0f} arrivals/s vs {base_rate:.0f} req/s)"
                if open_best is not None
                else ("not run" if args.no_open else f"below {min(r['fraction'] for r in open_rows):.3f} ×")
            ),
        ),
        ("no 5xx", not five_xx, f"{len(five_xx)} answers ≥ 500"),
        ("no failed connections", not failed, f"{len(failed)}"),
        ("no quota exceeded", not over_quota, f"{len(over_quota)} unit/list/domain over quota"),
        ("no member cap exceeded", not over_cap, f"{len(over_cap)} member/list/domain over cap"),
        ("no draft lost", not lost, f"{len(lost)} of {len(last_saved)} entries differ from their last save"),
        ("logins", not login_failures, f"{len(login_failures)} failed"),
    ]
    print()
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {detail}")
    if unexpected:
        print(f"note: other statuses (not failures): {dict(unexpected)}")
    result = {
        "machine": info,
        "postgres": pg_version,
        "args": vars(args),
        "baseline": base,
        "rush": rows,
        "rush_total": rush_total,
        "rush_seconds": rush_duration,
        "cpu_ms_per_request": per_request,
        "cost": cost,
        "open_loop": {"best_fraction": open_best, "steps": open_rows},
        "statements": {"baseline": base_statements, "rush": rush_statements},
        "garbage_collector": gc_rush,
        "entries_saved": len(last_saved),
        "submitted": submitted_total,
        "checks": {label: {"ok": ok, "detail": detail} for label, ok, detail in checks},
        "over_quota": over_quota,
        "over_cap": over_cap,
        "lost": lost,
    }
    (ROOT / "bench" / "out" / "rush.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0 if all(ok for _label, ok, _detail in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
