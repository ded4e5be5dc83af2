"""Settings: production mode refuses to start when misconfigured; development has safe defaults.

Each case starts a fresh interpreter, because settings are read from the environment once at import.
The environment is built from scratch, so DATABASE_URL / REDIS_URL set by .ci/run do not leak in.
"""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = settings.BASE_DIR
PYTHON = sys.executable
SETTINGS_KEYS = (
    "KCZG_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DEMO_CLOCK",
    "REDIS_URL",
    "DATABASE_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_BACKEND",
    "KCZG_VAR_DIR",
    "STATIC_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for Playwright by tests/browser/conftest.py; refused by check --deploy
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def strong_key():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def production_env(**overrides):
    values = {
        "KCZG_ENV": "production",
        "SECRET_KEY": strong_key(),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "kczg.example.org",
        "DEMO_CLOCK": "0",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def run(args, extra_env, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_KEYS}
    env.update(extra_env)
    env["DJANGO_SETTINGS_MODULE"] = "kczg_site.settings"
    env["KCZG_VAR_DIR"] = str(tmp_path / "var")
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [PYTHON, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def setup_django(extra_env, tmp_path):
    return run(["-c", "import django; django.setup()"], extra_env, tmp_path)


def assert_refused(result, needle):
    assert result.returncode != 0, result.stdout + result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line, result.stderr
    assert needle in last_line, last_line
    assert CJK.search(last_line), f"the refusal should be in Chinese: {last_line}"


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        pytest.param({"SECRET_KEY": None}, "SECRET_KEY", id="secret-key-missing"),
        pytest.param({"SECRET_KEY": ""}, "SECRET_KEY", id="secret-key-empty"),
        pytest.param({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY", id="secret-key-insecure-prefix"),
        pytest.param({"SECRET_KEY": "too-short-but-random-9f3k"}, "SECRET_KEY", id="secret-key-short"),
        pytest.param({"SECRET_KEY": "ab" * 40}, "SECRET_KEY", id="secret-key-few-distinct-characters"),
        pytest.param({"DEBUG": "1"}, "DEBUG", id="debug-on"),
        pytest.param({"DEBUG": None, "DEMO_CLOCK": "1"}, "DEMO_CLOCK", id="demo-clock-on"),
        pytest.param({"DEMO_CLOCK": "true"}, "DEMO_CLOCK", id="demo-clock-true"),
        pytest.param({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS", id="allowed-hosts-missing"),
        pytest.param({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS", id="allowed-hosts-blank"),
        pytest.param({"REDIS_URL": None}, "REDIS_URL", id="redis-url-missing"),
    ],
)
def test_production_refuses_unsafe_configuration(overrides, needle, tmp_path):
    assert_refused(setup_django(production_env(**overrides), tmp_path), needle)


def test_production_with_proper_environment_passes_check_deploy(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from csp.middleware import CSPMiddleware
response = CSPMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
print(json.dumps({
    "debug": settings.DEBUG,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "csp_middleware": "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE,
    "csp": response.headers.get("Content-Security-Policy", ""),
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
}))
"""


def test_production_settings_are_hardened(tmp_path):
    result = run(["-c", PRODUCTION_PROBE], production_env(), tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["debug"] is False
    assert found["eager"] is False
    assert found["broker"] == "redis://127.0.0.1:6379/0"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["ssl_redirect"] and found["session_secure"] and found["csrf_secure"]
    assert found["hsts"] >= 365 * 24 * 3600
    assert found["csp_middleware"]
    directives = dict(part.strip().split(" ", 1) for part in found["csp"].split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert found["formatter"] == "json"


def test_production_logs_are_json_lines(tmp_path):
    probe = (
        "import django, logging; django.setup(); "
        "logging.getLogger('kczg').warning('截止时间已过 %s', 'member', extra={'nomination_id': 7})"
    )
    result = run(["-c", probe], production_env(), tmp_path)
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "kczg"
    assert entry["message"] == "截止时间已过 member"
    assert entry["nomination_id"] == 7


DEVELOPMENT_PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "demo_clock": settings.DEMO_CLOCK,
    "demo_start": settings.DEMO_CLOCK_START,
}))
"""


def test_development_defaults(tmp_path):
    result = run(["-c", DEVELOPMENT_PROBE], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "language": "zh-hans",
        "time_zone": "Asia/Shanghai",
        "use_tz": True,
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "email": "django.core.mail.backends.console.EmailBackend",
        "debug": True,
        "demo_clock": True,
        "demo_start": "2023-11-15T10:00:00+08:00",
    }


class _ScriptFinder(HTMLParser):
    """Collects <script> tags that would execute inline code (blocked by script-src 'self')."""

    def __init__(self):
        super().__init__()
        self.inline = []
        self.handlers = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}=…>")
        if tag == "script" and "src" not in attrs:
            kind = (attrs.get("type") or "text/javascript").lower()
            if kind in {"text/javascript", "module", "application/javascript"}:
                self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            code = "".join(self._open).strip()
            if code:
                self.inline.append(code[:80])
            self._open = None


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "login", "password_reset"])
def test_public_pages_run_under_the_production_csp(client, campaign, url_name):
    """Production sends script-src 'self': pages must not rely on inline scripts or on* handlers."""
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    finder = _ScriptFinder()
    finder.feed(response.content.decode())
    assert finder.inline == [], "inline <script> is blocked by the CSP; move it to static/"
    assert finder.handlers == [], "inline event handlers are blocked by the CSP; bind them in static/ JS"


@pytest.mark.django_db
def test_dashboards_run_under_the_production_csp(client):
    from django.contrib.auth import get_user_model

    from nominations import policy
    from nominations.demo import DEMO_LOGINS, load_demo

    load_demo()
    for user in get_user_model().objects.filter(username__in=[username for username, *_ in DEMO_LOGINS]):
        client.force_login(user)
        url = reverse(policy.dashboard_url_name(user))
        response = client.get(url)
        assert response.status_code == 200, (user.username, url)
        finder = _ScriptFinder()
        finder.feed(response.content.decode())
        assert finder.inline == [], f"{user.username} {url}: inline <script> is blocked by the CSP"
        assert finder.handlers == [], f"{user.username} {url}: inline event handlers are blocked by the CSP"
        client.logout()


# ---------------------------------------------------------------- production static files

PRODUCTION_STATIC = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
call_command("load_campaign", "fixtures/campaign_2023.json", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]
client = Client(HTTP_HOST="kczg.example.org", raise_request_exception=False)
pages = {}
for path in ["/", "/accounts/login/"]:
    response = client.get(path, secure=True)
    pages[path] = {"status": response.status_code, "html": response.content.decode()}
css = manifest["vendor/bootstrap/bootstrap.min.css"]
asset = client.get(settings.STATIC_URL + css, secure=True)
print("RESULT " + json.dumps({
    "storage": type(storages["staticfiles"]).__module__ + "." + type(storages["staticfiles"]).__name__,
    "static_root": str(settings.STATIC_ROOT),
    "manifest": manifest,
    "pages": pages,
    "asset": {"name": css, "status": asset.status_code, "body": b"".join(asset.streaming_content).decode()[:200],
              "cache": asset.get("Cache-Control", "")},
}, ensure_ascii=False))
"""


def test_production_collectstatic_builds_the_manifest_the_pages_use(tmp_path):
    """collectstatic with the real production storage (hashed, compressed); the pages link hashed files."""
    static_root = tmp_path / "static"
    result = run(["-c", PRODUCTION_STATIC], production_env(STATIC_ROOT=str(static_root)), tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))[7:])

    assert found["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["static_root"] == str(static_root)
    manifest = found["manifest"]
    for source in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
    ]:
        hashed = manifest[source]
        assert hashed != source and (static_root / hashed).is_file(), hashed
    # The source-map comment now names the hashed map, which exists.
    css_text = (static_root / manifest["vendor/bootstrap/bootstrap.min.css"]).read_text()
    assert f"sourceMappingURL={manifest['vendor/bootstrap/bootstrap.min.css.map'].rsplit('/', 1)[1]}" in css_text

    for path, page in found["pages"].items():
        assert page["status"] == 200, (path, page["html"][-2000:])
        assert "科创中国" in page["html"], path
        linked = set(re.findall(r'(?:href|src)="/static/([^"]+)"', page["html"]))
        assert f"/static/{manifest['vendor/bootstrap/bootstrap.min.css']}" in page["html"], path
        assert linked and linked <= set(manifest.values()), (path, linked - set(manifest.values()))
    assert "登录" in found["pages"]["/accounts/login/"]["html"]

    asset = found["asset"]
    assert asset["status"] == 200
    assert "Bootstrap" in asset["body"]
    assert "immutable" in asset["cache"]
