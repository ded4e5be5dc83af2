"""A real Celery worker on Redis builds an export job (CI: PostgreSQL + Redis, see conftest.py).

The worker runs as a subprocess (``celery -A kczg_site worker --pool=solo``) on a queue of its own,
pointed at the test database, so it sees the rows this test commits (``transaction=True``).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from nominations import exports
from nominations.models import ExportJob, ExportKind, ExportState

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def _database_url():
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the real-worker test needs PostgreSQL: a worker process cannot share an SQLite test database")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from kczg_site.celery import app

    assert not app.conf.task_always_eager
    queue = f"exports-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEMO_CLOCK": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "KCZG_VAR_DIR": str(tmp_path / "var"),
    }
    log_path = tmp_path / "worker.log"
    base_dir = Path(settings.BASE_DIR)
    celery = base_dir / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command += [
        "-A",
        "kczg_site",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=base_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield queue, process, log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_real_worker_builds_the_export(worker, entries, platform_user):
    queue, process, log_path = worker
    job = exports.create_job(platform_user, ExportKind.DOCX_ZIP, exports.Filters(campaign=2023), enqueue_now=False)
    exports.enqueue(job, queue=queue)  # outside a transaction block: sent at once
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (ExportState.DONE, ExportState.FAILED) or process.poll() is not None:
            break
        time.sleep(0.5)
    log = log_path.read_text(errors="replace")
    assert process.poll() is None, f"the worker exited early:\n{log}"
    assert job.state == ExportState.DONE, f"job {job.state} {job.error}\n{log}"
    assert job.progress_done == job.progress_total == 4
    assert job.file.storage.exists(job.file.name)
    assert ExportJob.objects.get(pk=job.pk).attempts == 1
    assert "nominations.run_export_job" in log
