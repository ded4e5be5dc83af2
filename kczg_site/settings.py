"""Settings, read from the environment.

Two modes:

* development (the default): SQLite in ``var/``, eager Celery, console e-mail, the demo clock.
  Nothing has to be configured for ``make run``.
* production (``KCZG_ENV=production``): refuses to start without a real ``SECRET_KEY``, with
  ``DEBUG`` on, or with the demo clock; turns on secure cookies, HSTS and the CSP.

Every variable is listed in the README's configuration table.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("KCZG_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

INSECURE_KEY = "django-insecure-kczg-development-only"
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else INSECURE_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Earlier keys still accepted for signed data (sessions, password-reset links) while rotating.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# The one clock (kczg_site/clock.py). The demo clock lets a new user walk through the 2023 campaign.
DEMO_CLOCK = env_bool("DEMO_CLOCK", default=not PRODUCTION)
DEMO_CLOCK_START = env("DEMO_CLOCK_START", "2023-11-15T10:00:00+08:00")

if PRODUCTION:
    # The same bar as Django's check --deploy (security.W009): 50 characters, 5 distinct ones.
    if (
        not SECRET_KEY
        or SECRET_KEY == INSECURE_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured("生产环境必须设置安全的 SECRET_KEY（至少 50 个字符的随机字符串）。")
    if DEBUG:
        raise ImproperlyConfigured("生产环境不得开启 DEBUG。")
    if DEMO_CLOCK:
        raise ImproperlyConfigured("生产环境不得使用演示时钟（DEMO_CLOCK）。")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("生产环境必须设置 ALLOWED_HOSTS。")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "kczg_site.axes_app.AxesConfig",
    "nominations",
    "reviews",
    "promotion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After django-htmx: an htmx request after the session expired gets a 401 notice, not the log-in page.
    "kczg_site.htmx.ExpiredSessionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kczg_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nominations.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "kczg_site.wsgi.application"

VAR_DIR = Path(env("KCZG_VAR_DIR", str(BASE_DIR / "var")))
if not env("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Server-side parameter binding, so that psycopg prepares a statement once it ran
    # DATABASE_PREPARE_THRESHOLD times on a connection and PostgreSQL stops planning it again: the
    # entry page's eight-table join costs about 1.1 ms to plan and 0.1 ms to run. Pays off with
    # persistent connections (DATABASE_CONN_MAX_AGE). Turn it off (DATABASE_PREPARED_STATEMENTS=0) behind
    # a pooler in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=int(env("DATABASE_PREPARE_THRESHOLD", "5"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests that save at the same moment: every transaction takes SQLite's write lock when it
    # begins (BEGIN IMMEDIATE), and the second waits up to 20 seconds (the busy timeout) for the first
    # to commit, then reads what it wrote; the workflow refuses a second submit with its own reason.
    # With deferred transactions both would read first and the second writer would get "database is
    # locked" at once, whatever the timeout (SQLite does not wait on a lock its own read blocks).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out username + address before any password is checked.
# The rules backend answers ``user.has_perm("nominations.<action>", obj)`` from nominations.policy; the
# last is Django's ModelBackend loading the profile with the user (kczg_site/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "kczg_site.auth.ProfileModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's MinimumLengthValidator with Chinese messages (kczg_site/security.py).
    {"NAME": "kczg_site.security.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed log-ins (django-axes 8, database handler): AXES_FAILURE_LIMIT failures of one username from
# one address within the cool-off lock that combination out for AXES_COOLOFF_TIME; a success resets
# the count. Other users at the same address (one office behind NAT) and the same user elsewhere
# can still log in. The tests turn axes off (the test client's login() passes no request) except in
# tests/test_login_security.py.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=max(1, int(env("AXES_COOLOFF_MINUTES", "15"))))  # 0 would lock for ever
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_COOLOFF_MESSAGE = "登录失败次数过多，该账号在本地址的登录已暂时锁定，请稍后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，该账号在本地址的登录已锁定，请联系管理员解锁。"
# The Chinese lockout page (templates/registration/locked_out.html) saying how long to wait.
AXES_LOCKOUT_CALLABLE = "kczg_site.security.lockout_response"
# The client address: REMOTE_ADDR, or behind KCZG_TRUSTED_PROXY_COUNT reverse proxies the address the
# outermost one appended to X-Forwarded-For (kczg_site/security.py). django-ipware is not installed.
AXES_CLIENT_IP_CALLABLE = "kczg_site.security.client_ip"
KCZG_TRUSTED_PROXY_COUNT = int(env("KCZG_TRUSTED_PROXY_COUNT", "0"))
# The public /verify/ page (nominations/official_verify.py check_rate): after VERIFY_RATE_LIMIT failed look-ups
# from one address within the window, look-ups are refused until it passes (0: no limit).
VERIFY_RATE_LIMIT = int(env("VERIFY_RATE_LIMIT", "20"))
VERIFY_RATE_WINDOW_MINUTES = max(1, int(env("VERIFY_RATE_WINDOW_MINUTES", "10")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The project's catalogue for libraries that ship no zh-hans one (django-axes, django-filter).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))

# Uploaded evidence lives outside the web root and is served only through a view that asks the policy.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # An S3-compatible store shared by several web servers (django-storages reads AWS_* variables).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis in production; tasks run inline in the embedded default.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL and not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Task modules that autodiscovery (which only looks for <app>/tasks.py) does not find.
CELERY_IMPORTS = ["nominations.tasks_exports"]
# Deadline reminders (nominations/reminders.py): hourly; each reminder is sent once (logged in SentMail).
CELERY_BEAT_SCHEDULE = {
    "send-deadline-reminders": {"task": "nominations.send_reminders", "schedule": 3600.0},
    # 形式审查: returned entries past their fix-by time become 未受理 (nominations.formal.lapse_overdue).
    "lapse-overdue-entries": {"task": "nominations.lapse_overdue", "schedule": 3600.0},
    # Official PDFs that failed or waited too long are rendered again (nominations.official_pdf.retry_unfinished).
    "retry-official-versions": {"task": "nominations.retry_official_versions", "schedule": 3600.0},
    # 发布推介: pending interest requests past their answer period become 已过期 (promotion.services.expire_overdue).
    "expire-promotion-requests": {"task": "promotion.expire_overdue", "schedule": 3600.0},
}
# The public address used in links inside e-mails (invitations, notifications).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("生产环境必须设置 REDIS_URL（Celery 消息代理）。")

# E-mail: console in development; SMTP from the environment in production.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "科创中国榜单申报平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Database sessions, the per-request load written as SQL once per process (kczg_site/sessions.py).
SESSION_ENGINE = "kczg_site.sessions"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_SAMESITE = "Lax"

    # Content-Security-Policy (django-csp 4): only our own scripts; no inline <script> in templates.
    # Inline styles stay allowed (htmx 2 injects its indicator style; Bootstrap uses style attributes).
    from csp.constants import NONE, SELF, UNSAFE_INLINE

    INSTALLED_APPS.append("csp")
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
    )
    CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:"],
            "font-src": [SELF, "data:"],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # Production: one JSON object per line (kczg_site/logging.py).
        "json": {"()": "kczg_site.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if PRODUCTION else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes announces itself at every start; keep its warnings (lockouts) only.
        "axes": {"level": "WARNING"},
    },
}

# Uploads (checked by content in nominations/rules/uploads.py).
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_MAX_TOTAL_BYTES = int(env("ATTACHMENT_MAX_TOTAL_BYTES", str(100 * 1024 * 1024)))
# The Word ZIP with attachments (包含附件): all attachments of one export together (nominations/exports/dossier.py).
EXPORT_ATTACHMENTS_MAX_BYTES = int(env("EXPORT_ATTACHMENTS_MAX_BYTES", str(2 * 1024**3)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
