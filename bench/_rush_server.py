"""The deadline-rush benchmark's server side: gunicorn start and stop, threads, figures, the machine.

Split from ``bench/rush.py`` (which runs the phases); see its docstring for what is measured.
"""

import os
import platform
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench._rush_client import Client, Recorder, percentile

ROOT = Path(__file__).resolve().parent.parent
CLOCK_START = "2023-11-20T16:55:00+08:00"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, port, url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.rush_settings",
        "DATABASE_URL": url,
        "KCZG_ENV": "development",
        "DEBUG": "0",
        "DEMO_CLOCK": "1",
        "DEMO_CLOCK_START": CLOCK_START,
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        "KCZG_VAR_DIR": str(ROOT / "bench" / "out" / "rush-var"),
        "MEDIA_ROOT": str(ROOT / "bench" / "out" / "rush-var" / "media"),
    }
    command = [
        "timeout",
        "--kill-after=10",
        str(args.server_lifetime),
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "kczg_site.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "512",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    log = open(ROOT / "bench" / "out" / "rush-gunicorn.log", "w")  # noqa: SIM115 (closed by the caller)
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    probe = Client(port, Recorder(), timeout=5)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped during start-up; see bench/out/rush-gunicorn.log")
        status, _body, _loc = probe.request("probe", "GET", "/accounts/login/")
        if status == 200:
            return proc, log
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(proc, log):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    log.close()


def run_threads(count, target):
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def summarise(samples, duration):
    by_kind = defaultdict(list)
    statuses = defaultdict(Counter)
    for kind, status, seconds, _at in samples:
        by_kind[kind].append(seconds)
        statuses[kind][status] += 1
    rows = {}
    for kind, values in by_kind.items():
        rows[kind] = {
            "count": len(values),
            "per_second": len(values) / duration if duration else 0,
            "p50_ms": 1000 * percentile(values, 0.50),
            "p95_ms": 1000 * percentile(values, 0.95),
            "p99_ms": 1000 * percentile(values, 0.99),
            "statuses": dict(statuses[kind]),
        }
    return rows


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit.strip(),
        "loadavg_before": os.getloadavg(),
    }


def figures(samples, measured, expected, base_duration, rush_duration):
    """Throughput and latency of the baseline and of the rush, and the answers that were not expected."""
    base_samples = [s for s in samples if s[0] == "baseline"]
    rush_samples = [s for s in samples if s[0] in measured]
    base = summarise(base_samples, base_duration).get("baseline", {"count": 0, "per_second": 0})
    rows = summarise(rush_samples, rush_duration)
    all_rush = [s[2] for s in rush_samples]
    rush_total = {
        "count": len(all_rush),
        "per_second": len(all_rush) / rush_duration if rush_duration else 0,
        "p50_ms": 1000 * percentile(all_rush, 0.50),
        "p95_ms": 1000 * percentile(all_rush, 0.95),
        "p99_ms": 1000 * percentile(all_rush, 0.99),
    }
    five_xx = [s for s in samples if s[1] >= 500]
    failed = [s for s in samples if s[1] == 0]
    unexpected = Counter((s[0], s[1]) for s in samples if s[0] in expected and s[1] not in expected[s[0]])
    return base, rows, rush_total, five_xx, failed, unexpected
