"""Where a deadline-rush request spends its time, in process: queries, CPU and a pyinstrument profile.

    .venv/bin/python bench/rush_profile.py              # queries and CPU ms per request type
    .venv/bin/python bench/rush_profile.py --profile    # plus pyinstrument's tree (bench/requirements.txt)

Seeds a small copy of the rush data (``bench/_rush_data.py``: ``--units`` units × 5 member units) in
``kczg_bench_rush_profile`` (or ``DATABASE_URL``) on PostgreSQL, moves the demo clock five minutes
before the member deadline and requests through ``django.test.Client`` with the bench settings (DEBUG
off), each ``--repeat`` times on fresh drafts after a warm-up: as one member, the edit page, an
autosave, a full save and the submit; as the secretariats, the inbox, the entry page, accepting and
recommending the submitted entry, and a recommend refused at a unit whose quota is full. Prints per
request type the queries (with their SQL under ``--sql``), the median CPU ms (``time.process_time``,
this process only) and PostgreSQL's backend CPU (a mean: ``/proc`` counts in 10 ms ticks) and, with
``--profile``, pyinstrument's call tree of all the repetitions together.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _rush_data as data  # noqa: E402
from bench._cpu import TICK  # noqa: E402
from bench._rush_client import VERSION_RE  # noqa: E402
from bench._rush_server import CLOCK_START  # noqa: E402

# As bench/_rush_client.py (and htmx, and a browser's form) sends them, not the test client's multipart.
FORM = "application/x-www-form-urlencoded"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kczg_bench_rush_profile"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print each request type's queries")
    parser.add_argument("--cprofile", metavar="KIND", help="print cProfile's top functions of one request type")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ["DEMO_CLOCK"] = "1"
    os.environ["DEMO_CLOCK_START"] = CLOCK_START
    os.environ["DEBUG"] = "0"
    data.recreate_database(url)
    data.setup_django(url)
    data.migrate()
    seeded = data.seed(units=args.units, members=5)
    data.set_clock(CLOCK_START)

    from django.db import connection
    from django.test import Client

    from nominations.forms import get_definition
    from nominations.forms.samples import complete_data
    from nominations.models import Nomination, State

    posted = {code: get_definition(code, 2023).to_post_data(complete_data(code)) for code in data.MARKER_FIELD}
    clients = []
    for username, (member_id, unit_id) in zip(seeded["members"], seeded["member_units"], strict=True):
        client = Client(HTTP_HOST="127.0.0.1")
        client.post("/accounts/login/", {"username": username, "password": data.PASSWORD})
        drafts = list(
            Nomination.objects.filter(member_unit_id=member_id, state=State.DRAFT)
            .order_by("pk")
            .values_list("pk", "ranking_list__code", "title")
        )
        clients.append((client, drafts, unit_id))

    # The secretariats: of each member's unit (accepting and recommending what was submitted), and of
    # the first edge unit, whose quota is filled before measuring so that each recommend there is refused
    # (403, the entry page again with the reason), as most recommend requests at the deadline are.
    secretariats = {}
    for username, unit_id in seeded["secretariats"]:
        if unit_id not in secretariats:
            secretariats[unit_id] = Client(HTTP_HOST="127.0.0.1")
            secretariats[unit_id].post("/accounts/login/", {"username": username, "password": data.PASSWORD})
    edge_unit = seeded["edge_units"][0]
    edge_entries = list(
        Nomination.objects.filter(recommending_unit_id=edge_unit, state=State.ACCEPTED).values_list("pk", flat=True)
    )
    for pk in edge_entries:
        secretariats[edge_unit].post(f"/secretariat/entries/{pk}/act/", "action=recommend", FORM)
    refused_at_edge = list(
        Nomination.objects.filter(recommending_unit_id=edge_unit, state=State.ACCEPTED).values_list("pk", flat=True)
    )

    def steps():
        """Yield ``(kind, callable)`` over the drafts: the member's edit page, autosave, save, submit; the
        secretariat's inbox, entry page, accept, recommend and a refused recommend; the baseline."""
        for n_client, (client, drafts, unit_id) in enumerate(clients):
            secretariat = secretariats[unit_id]
            for k, (pk, code, title) in enumerate(drafts[:3]):
                holder = {}

                def edit_get(client=client, pk=pk, holder=holder):
                    response = client.get(f"/member/{pk}/edit/")
                    holder["version"] = int(VERSION_RE.search(response.content.decode()).group(1))
                    return response

                def autosave(client=client, pk=pk, code=code, title=title, holder=holder):
                    form = {**posted[code], "name": title, "version": holder["version"]}
                    response = client.post(
                        f"/member/{pk}/autosave/", urlencode(form, doseq=True), FORM, HTTP_HX_REQUEST="true"
                    )
                    found = VERSION_RE.search(response.content.decode())
                    holder["version"] = int(found.group(1)) if found else holder["version"]
                    return response

                def save(client=client, pk=pk, code=code, title=title, holder=holder):
                    form = {**posted[code], "name": title, "version": holder["version"]}
                    response = client.post(f"/member/{pk}/edit/", urlencode(form, doseq=True), FORM)
                    holder["version"] += 1
                    return response

                def submit(client=client, pk=pk):
                    return client.post(f"/member/{pk}/act/submit/", "", FORM)

                def inbox(secretariat=secretariat):
                    return secretariat.get("/secretariat/inbox/?state=submitted")

                def entry_page(secretariat=secretariat, pk=pk):
                    return secretariat.get(f"/secretariat/entries/{pk}/")

                def accept(secretariat=secretariat, pk=pk):
                    return secretariat.post(f"/secretariat/entries/{pk}/act/", "action=accept", FORM)

                def recommend(secretariat=secretariat, pk=pk):
                    return secretariat.post(f"/secretariat/entries/{pk}/act/", "action=recommend", FORM)

                refused_pk = refused_at_edge[(3 * n_client + k) % len(refused_at_edge)]

                def recommend_refused(pk=refused_pk):
                    return secretariats[edge_unit].post(f"/secretariat/entries/{pk}/act/", "action=recommend", FORM)

                def baseline(client=client):
                    # The yardstick of bench/rush.py (one INSERT, bench/_rush_urls.py), in the same process.
                    return client.post("/bench/insert/", "note=profile", FORM)

                yield from (
                    ("edit_get", edit_get),
                    ("autosave", autosave),
                    ("save", save),
                    ("submit", submit),
                    ("inbox", inbox),
                    ("entry_page", entry_page),
                    ("accept", accept),
                    ("recommend", recommend),
                    ("recommend_refused", recommend_refused),
                    ("baseline", baseline),
                )

    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = {}
    cprofile = None
    if args.cprofile:
        import cProfile

        cprofile = cProfile.Profile(time.process_time)
    cpu = {}
    database_cpu = {}
    queries = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend_seconds():
        # utime + stime of this connection's PostgreSQL backend (same machine), in clock ticks.
        try:
            fields = backend.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / TICK

    statuses = {}
    for n, (kind, call) in enumerate(steps()):
        if len(cpu.get(kind, [])) >= args.repeat:
            break
        warm = n < 10
        if profiler is not None and not warm:
            profiler.setdefault(kind, Profiler(interval=0.0002))
            profiler[kind].start()
        profiling = cprofile is not None and kind == args.cprofile and not warm
        if profiling:
            cprofile.enable()
        # Queries are counted by a wrapper that keeps the SQL as sent: CaptureQueriesContext would compose
        # each query with its parameters (psycopg's mogrify), which costs more CPU than some requests.
        sent = []
        started, database_started = time.process_time(), backend_seconds()
        with connection.execute_wrapper(lambda execute, sql, *rest, sent=sent: sent.append(sql) or execute(sql, *rest)):
            response = call()
        spent, database_spent = time.process_time() - started, backend_seconds() - database_started
        if profiling:
            cprofile.disable()
        if profiler is not None and not warm:
            profiler[kind].stop()
        statuses.setdefault(kind, set()).add(response.status_code)
        if not warm:
            cpu.setdefault(kind, []).append(1000 * spent)
            database_cpu.setdefault(kind, []).append(1000 * database_spent)
            queries[kind] = sent
    # PostgreSQL's CPU is read in clock ticks (10 ms): only the mean over the repetitions means something.
    print(f"{'request':<18}{'queries':>8}{'CPU ms (median)':>17}{'PostgreSQL ms (mean)':>22}  statuses")
    for kind, values in cpu.items():
        print(
            f"{kind:<18}{len(queries[kind]):>8}{statistics.median(values):>17.2f}"
            f"{statistics.mean(database_cpu[kind]):>22.2f}  {sorted(statuses[kind])}"
        )
    if args.sql:
        for kind, sqls in queries.items():
            print(f"\n--- {kind}")
            for sql in sqls:
                print(f"  {sql[:300]}")
    if cprofile is not None:
        import pstats

        pstats.Stats(cprofile).sort_stats("cumulative").print_stats(70)
        pstats.Stats(cprofile).sort_stats("tottime").print_stats(40)
    if profiler is not None:
        for kind, prof in profiler.items():
            print(f"\n=========== {kind}")
            print(prof.output_text(unicode=True, color=False, show_all=False, timeline=False))
    connection.close()


if __name__ == "__main__":
    main()
