"""Shared set-up of the export benchmarks (``word_forms.py``, ``excel_export.py``).

``setup_django()`` points Django at a throw-away database before anything is imported: a fresh
SQLite file in a temporary folder, or — when ``DATABASE_URL`` is set — a database created next to
it by Django's test machinery (``test_<name>``) and dropped at the end. ``make_entries(n)`` loads the
2023 campaign and generates ``n`` complete entries (seeded, so two runs see the same data).
"""

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
_state = {}


def setup_django():
    tmp = Path(tempfile.mkdtemp(prefix="kczg-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kczg_site.settings")
    os.environ["DEMO_CLOCK"] = "0"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("KCZG_VAR_DIR", str(tmp / "var"))
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(tmp / "bench.sqlite3")
    else:
        db.setdefault("TEST", {})["NAME"] = f"bench_kczg_{os.getpid()}"
    _state["old_name"] = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    _state["tmp"] = tmp
    return tmp


def teardown_django():
    from django.db import connection

    connection.creation.destroy_test_db(_state["old_name"], verbosity=0)


def _text(rng, chars):
    sentences = [
        "本项目围绕产业关键核心技术开展攻关,",
        "形成了具有自主知识产权的成套技术和装备,",
        "已在行业龙头企业实现规模化应用,",
        "近三年累计新增产值超过十亿元,",
        "带动上下游企业协同创新,",
        "相关成果获省部级科技奖励多项。",
    ]
    out = []
    while sum(len(s) for s in out) < chars:
        out.append(rng.choice(sentences))
        if rng.random() < 0.15:
            out.append("\n")
    return "".join(out)


def make_entries(count, seed=2023):
    """``count`` entries across the four lists (tech 60 %, enterprise 20 %, organization 10 %, manager 10 %)."""
    from django.contrib.auth import get_user_model

    from kczg_site import clock
    from nominations.campaign_data import load_campaign
    from nominations.forms import get_definition
    from nominations.forms.samples import complete_data
    from nominations.models import Channel, Domain, MemberUnit, Nomination, RankingList, RecommendingUnit, State

    rng = random.Random(seed)
    campaign = load_campaign(ROOT / "fixtures" / "campaign_2023.json")
    lists = {lst.code: lst for lst in RankingList.objects.filter(campaign=campaign)}
    domains = list(Domain.objects.filter(ranking_list=lists["tech"]))
    channels = list(Channel.objects.filter(campaign=campaign, is_pioneer_route=False))
    units = []
    for i in range(60):
        unit = RecommendingUnit.objects.create(name=f"基准测试学会{i:03d}")
        unit.channels.set(rng.sample(channels, rng.choice([1, 1, 2, 3])))
        units.append(unit)
    members = [
        MemberUnit.objects.create(name=f"基准会员单位{i:04d}", recommending_unit=units[i % len(units)])
        for i in range(400)
    ]
    user = get_user_model().objects.create(username="bench")
    states = [State.RECOMMENDED] * 6 + [State.ACCEPTED, State.SUBMITTED, State.IN_REVIEW, State.RETURNED]
    codes = ["tech"] * 6 + ["enterprise"] * 2 + ["organization", "manager"]
    now = clock.now()
    batch = []
    for i in range(count):
        code = rng.choice(codes)
        definition = get_definition(code, 2023)
        title = f"基准申报{i:05d}"
        data = complete_data(code, title=title)
        for field in definition.long_texts:
            if field.key in data:
                data[field.key] = _text(rng, int(field.max_chars * rng.uniform(0.4, 0.9)))
        if code == "manager":
            data["cases"] = [
                {"case_name": f"案例{j}", "method": "license", "amount": "300", "summary": _text(rng, 300)}
                for j in range(rng.randint(1, 3))
            ]
        domain = rng.choice(domains) if code == "tech" else None
        if domain is not None:
            data["domain"] = domain.code
        member = rng.choice(members)
        batch.append(
            Nomination(
                campaign=campaign,
                ranking_list=lists[code],
                domain=domain,
                member_unit=member,
                recommending_unit_id=member.recommending_unit_id,
                state=rng.choice(states),
                title=title,
                data=data,
                created_by=user,
                created_at=now,
                updated_at=now,
                submitted_at=now,
            )
        )
        if len(batch) == 1000:
            Nomination.objects.bulk_create(batch)
            batch = []
    Nomination.objects.bulk_create(batch)
    return campaign


def timed(function, repeat=1):
    """Run ``function`` ``repeat`` times; return (median seconds, worst seconds, last result).

    The median CPU time of this process is kept in ``last_cpu_seconds()``: on a shared machine the
    wall time also counts other processes' work.
    """
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    _state["cpu"] = statistics.median(cpu)
    return statistics.median(times), max(times), result


def last_cpu_seconds():
    return _state.get("cpu")


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def environment():
    from django.db import connection

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "database": database,
        "commit": commit,
    }


def write_result(name, result):
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return path
