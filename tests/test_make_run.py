"""``make run HOST=...``: links in e-mails use that host (SITE_URL), and Django accepts its name."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def runserver_line(*args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "ALLOWED_HOSTS", "HOST"}}
    environment.update(env)
    out = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout
    return next(line for line in out.splitlines() if "manage.py runserver" in line)


def test_make_run_host_sets_site_url_and_allowed_hosts():
    line = runserver_line("HOST=example.org:8000")
    assert line.startswith("SITE_URL=http://example.org:8000 ")
    assert "ALLOWED_HOSTS=127.0.0.1,example.org,localhost,testserver " in line
    assert line.endswith("manage.py runserver example.org:8000")


def test_make_run_by_default_links_to_localhost():
    line = runserver_line()
    assert line.startswith("SITE_URL=http://127.0.0.1:8000 ")
    assert line.endswith("manage.py runserver 127.0.0.1:8000")


def test_a_given_site_url_wins():
    line = runserver_line("HOST=0.0.0.0:8000", "SITE_URL=http://demo-box:8000")
    assert line.startswith("SITE_URL=http://demo-box:8000 ")
    assert "demo-box" in line.split("ALLOWED_HOSTS=")[1].split()[0].split(",")
    line = runserver_line("HOST=0.0.0.0:8000", SITE_URL="https://kczg.example.org", ALLOWED_HOSTS="kczg.example.org")
    assert line.startswith("SITE_URL=https://kczg.example.org ")
    assert "ALLOWED_HOSTS=" not in line


def test_the_settings_read_site_url_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "kczg_site.settings", "SITE_URL": "http://example.org:8000"}
    environment.pop("KCZG_ENV", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "http://example.org:8000"


def test_links_in_mails_use_site_url(settings):
    from nominations.notifications import site_url

    settings.SITE_URL = "http://example.org:8000/"
    assert site_url("/member/") == "http://example.org:8000/member/"
