"""Log-in security: failed log-ins locked per username + address (django-axes), passwords, sessions,
the production headers and cookies, the Chinese error pages and the JSON error log.

django-axes is off in the rest of the suite (the test client's ``login()`` passes no request to
``authenticate()``, which axes refuses); every test here that needs it turns it on with ``settings``.
The production checks run in a fresh interpreter with production settings (see tests/test_settings.py).
"""

import json
import logging
import sys
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template import Context
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from kczg_site.logging import JsonFormatter
from kczg_site.security import client_ip
from tests.factories import PASSWORD
from tests.test_settings import _ScriptFinder, production_env, run

LOGIN = "/accounts/login/"
ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "203.0.113.9"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.KCZG_TRUSTED_PROXY_COUNT = 0
    return settings


def attempt(client, username, password, address=ADDRESS, url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def logged_in_as(client):
    return client.session.get(SESSION_KEY)


def fail(client, username, times, address=ADDRESS):
    return [attempt(client, username, "wrong-password", address).status_code for _ in range(times)]


# ---------------------------------------------------------------- configuration


def test_axes_is_wired_as_its_documentation_requires():
    backends = django_settings.AUTHENTICATION_BACKENDS
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert backends[1:] == ["rules.permissions.ObjectPermissionBackend", "kczg_site.auth.ProfileModelBackend"]
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert apps.is_installed("axes") and apps.get_app_config("axes").verbose_name == "登录安全"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert django_settings.AXES_RESET_ON_SUCCESS is True


# ---------------------------------------------------------------- lockout


@pytest.mark.django_db
def test_five_failures_lock_the_username_at_that_address(axes_on, client, member_user):
    assert fail(client, member_user.username, 4) == [200] * 4  # the form's own error, not yet locked
    locked = attempt(client, member_user.username, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page
    assert "请在 15 分钟后再试" in page
    assert "学会（推荐单位）秘书处" in page and "平台管理员" in page
    assert locked["Retry-After"] == str(15 * 60)
    finder = _ScriptFinder()
    finder.feed(page)
    assert finder.inline == [] and finder.handlers == [], "the lockout page must run under the production CSP"

    # Now even the right password is refused, and nobody is logged in.
    refused = attempt(client, member_user.username, PASSWORD)
    assert refused.status_code == 429
    assert logged_in_as(client) is None


@pytest.mark.django_db
def test_a_lock_spares_other_users_and_other_addresses(axes_on, member_user, secretariat_user):
    attacker = Client()
    fail(attacker, member_user.username, 5)
    assert attempt(attacker, member_user.username, PASSWORD).status_code == 429

    colleague = Client()  # the same office (one address behind NAT), another account
    assert attempt(colleague, secretariat_user.username, PASSWORD).status_code == 302
    assert logged_in_as(colleague) == str(secretariat_user.pk)

    elsewhere = Client()  # the real owner, from another address
    assert attempt(elsewhere, member_user.username, PASSWORD, address=OTHER_ADDRESS).status_code == 302
    assert logged_in_as(elsewhere) == str(member_user.pk)


@pytest.mark.django_db
def test_the_lock_ends_after_the_cooloff(axes_on, client, member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, member_user.username, 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert attempt(client, member_user.username, PASSWORD).status_code == 429
    # Each attempt during the lock restarts the cool-off: 15 minutes after the last one it is over.
    with time_machine.travel(start + timedelta(minutes=29, seconds=30), tick=False):
        assert attempt(client, member_user.username, PASSWORD).status_code == 302
    assert logged_in_as(client) == str(member_user.pk)


@pytest.mark.django_db
def test_failures_older_than_the_cooloff_do_not_count(axes_on, client, member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, member_user.username, 4)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert fail(client, member_user.username, 4) == [200] * 4


@pytest.mark.django_db
def test_a_successful_log_in_resets_the_count(axes_on, client, member_user):
    fail(client, member_user.username, 4)
    assert attempt(client, member_user.username, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, member_user.username, 4) == [200] * 4
    assert attempt(client, member_user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_log_in_shares_the_lock(axes_on, client, admin_user_):
    fail(client, admin_user_.username, 5)
    response = attempt(client, admin_user_.username, PASSWORD, url="/admin/login/?next=/admin/")
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_follows_the_forwarded_address(axes_on, member_user):
    axes_on.KCZG_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = Client()
    for forged in range(5):
        # A forged left-most entry changes nothing: the proxy appended the real address.
        attacker.post(
            LOGIN,
            {"username": member_user.username, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.{forged}, {ADDRESS}",
        )
    locked = attacker.post(
        LOGIN,
        {"username": member_user.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )
    assert locked.status_code == 429
    owner = Client()  # another client behind the same proxy is not locked
    response = owner.post(
        LOGIN,
        {"username": member_user.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OTHER_ADDRESS,
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        pytest.param(0, {"REMOTE_ADDR": ADDRESS}, ADDRESS, id="direct"),
        pytest.param(
            0, {"REMOTE_ADDR": ADDRESS, "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, ADDRESS, id="no-proxy-ignores-xff"
        ),
        pytest.param(1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": ADDRESS}, ADDRESS, id="one-proxy"),
        pytest.param(
            1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"1.2.3.4, {ADDRESS}"}, ADDRESS, id="forged-left"
        ),
        pytest.param(
            2,
            {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": f"1.2.3.4, {ADDRESS}, 10.0.0.2"},
            ADDRESS,
            id="two-proxies",
        ),
        pytest.param(2, {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": ADDRESS}, "10.0.0.3", id="too-short"),
        pytest.param(1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "unknown"}, "10.0.0.2", id="garbage"),
        pytest.param(1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{ADDRESS}:51234"}, ADDRESS, id="port"),
        pytest.param(
            1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"}, "2001:db8::1", id="ipv6-port"
        ),
        pytest.param(1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "2001:DB8::1"}, "2001:db8::1", id="ipv6"),
    ],
)
def test_client_ip(settings, proxies, meta, expected):
    settings.KCZG_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_force_login_and_test_client_login_still_work(client, member_user, settings):
    assert settings.AXES_ENABLED is False  # the suite-wide default (conftest.py)
    assert client.login(username=member_user.username, password=PASSWORD)
    client.logout()
    settings.AXES_ENABLED = True
    client.force_login(member_user)
    assert client.get(reverse("dashboard")).status_code in {200, 302}
    assert logged_in_as(client) == str(member_user.pk)


# ---------------------------------------------------------------- passwords and sessions


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["12345678", "password", "short1!", "member-unit"])
def test_weak_passwords_are_refused_in_chinese(member_user, password):
    member_user.username = "member-unit"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, member_user)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(refused.value.messages))


@pytest.mark.django_db
def test_a_strong_password_is_accepted(member_user):
    validate_password("Qinling-remote-sensing-2023!", member_user)


def test_session_settings():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_the_session_ends_with_the_browser_and_after_eight_hours(axes_on, client, member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = attempt(client, member_user.username, PASSWORD)
        assert response.status_code == 302
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"], "a browser-session cookie"
        assert cookie["httponly"]
        dashboard = client.get(reverse("dashboard"))
        assert dashboard.status_code in {200, 302} and logged_in_as(client) == str(member_user.pk)
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        response = client.get(reverse("member:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- error pages (DEBUG off)


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


@pytest.mark.django_db
@pytest.mark.urls("tests.error_pages_urls")
def test_missing_page_is_the_chinese_404(no_debug, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回首页" in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_pages_urls")
def test_forbidden_is_the_chinese_403_with_the_reason(no_debug, client, member_user):
    client.force_login(member_user)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "您没有查看该申报的权限。" in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_pages_urls")
def test_an_exception_gives_the_chinese_500(no_debug, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page and "已保存的内容不会丢失" in page
    assert any(record.name == "django.request" and record.levelno == logging.ERROR for record in caplog.records)


def test_the_500_page_renders_without_context_processors():
    # django.views.defaults.server_error renders 500.html with an empty Context: no request, no user.
    page = get_template("500.html").template.render(Context())
    assert "服务器出错了" in page


# ---------------------------------------------------------------- JSON logs


def test_json_formatter_writes_one_line_per_record():
    request = RequestFactory().get("/member/entries/7/?tab=附件")
    try:
        raise ValueError("附件校验失败")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
            extra={"status_code": 500, "request": request, "nomination_id": 7},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Internal Server Error: /member/entries/7/"
    assert entry["request"].startswith("GET /member/entries/7/?tab=")
    assert entry["status_code"] == 500
    assert entry["nomination_id"] == 7
    assert "ValueError: 附件校验失败" in entry["exception"]
    assert "附件校验失败" in line, "Chinese stays readable (ensure_ascii=False)"
    assert entry["time"].endswith("+00:00")


# ---------------------------------------------------------------- production mode, end to end

PRODUCTION_REQUESTS = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client, override_settings

call_command("migrate", verbosity=0)
# The real production static storage (hashed manifest) into this run's own STATIC_ROOT.
call_command("collectstatic", interactive=False, verbosity=0)
HOST = "kczg.example.org"
results = {}
with override_settings(ROOT_URLCONF="tests.error_pages_urls"):
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    plain = client.get("/accounts/login/")
    results["http"] = [plain.status_code, plain.get("Location", "")]
    page = client.get("/accounts/login/", secure=True)
    results["login"] = {
        "status": page.status_code,
        "csp": page.get("Content-Security-Policy", ""),
        "hsts": page.get("Strict-Transport-Security", ""),
        "nosniff": page.get("X-Content-Type-Options", ""),
        "frame": page.get("X-Frame-Options", ""),
        "csrf_cookie_secure": bool(page.cookies["csrftoken"]["secure"]),
    }
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_user("prod-member", password="Qinling-remote-sensing-2023!")
    wrong = {"username": "prod-member", "password": "wrong"}
    codes = []
    for _ in range(5):
        codes.append(client.post("/accounts/login/", wrong, secure=True, REMOTE_ADDR="198.51.100.7").status_code)
    locked = client.post(
        "/accounts/login/", {"username": "prod-member", "password": "Qinling-remote-sensing-2023!"},
        secure=True, REMOTE_ADDR="198.51.100.7",
    )
    chinese = "登录已暂时锁定" in locked.content.decode()
    results["lockout"] = {"codes": codes, "status": locked.status_code, "chinese": chinese}
    ok = Client(HTTP_HOST=HOST).post(
        "/accounts/login/", {"username": "prod-member", "password": "Qinling-remote-sensing-2023!"},
        secure=True, REMOTE_ADDR="203.0.113.9",
    )
    results["other_address"] = {
        "status": ok.status_code,
        "session_cookie_secure": bool(ok.cookies["sessionid"]["secure"]),
        "session_cookie_httponly": bool(ok.cookies["sessionid"]["httponly"]),
    }
    missing = client.get("/no-such-page/", secure=True)
    results["404"] = [missing.status_code, "页面不存在" in missing.content.decode()]
    print("PROBE-START", flush=True)
    failed = client.get("/test-errors/boom/?from=probe", secure=True)
    print("PROBE-END", flush=True)
    results["500"] = [failed.status_code, "服务器出错了" in failed.content.decode()]
print("RESULT " + json.dumps(results, ensure_ascii=False))
"""


def test_production_mode_end_to_end(tmp_path):
    result = run(["-c", PRODUCTION_REQUESTS], production_env(), tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    found = json.loads(next(line for line in lines if line.startswith("RESULT "))[len("RESULT ") :])

    assert found["http"] == [301, "https://kczg.example.org/accounts/login/"]
    login = found["login"]
    assert login["status"] == 200
    assert "default-src 'self'" in login["csp"] and "script-src 'self'" in login["csp"]
    assert login["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert login["nosniff"] == "nosniff"
    assert login["frame"] == "DENY"
    assert login["csrf_cookie_secure"]

    assert found["lockout"] == {"codes": [200, 200, 200, 200, 429], "status": 429, "chinese": True}
    assert found["other_address"] == {"status": 302, "session_cookie_secure": True, "session_cookie_httponly": True}
    assert found["404"] == [404, True]
    assert found["500"] == [500, True]

    # Every line on stdout is one JSON object; the failing request logged one with its path.
    start, end = lines.index("PROBE-START"), lines.index("PROBE-END")
    entries = [json.loads(line) for line in lines[start + 1 : end]]
    errors = [entry for entry in entries if entry["logger"] == "django.request"]
    assert len(errors) == 1, entries
    error = errors[0]
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /test-errors/boom/"
    assert error["request"] == "GET /test-errors/boom/?from=probe"
    assert error["status_code"] == 500
    assert "RuntimeError: deliberate failure" in error["exception"]
    for line in lines:
        if line and not line.startswith(("RESULT ", "PROBE-")):
            json.loads(line)  # no plain-text log line anywhere in production
