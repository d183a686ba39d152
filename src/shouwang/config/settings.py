"""Django settings. Everything a deployment changes comes from environment variables.

SQLite (WAL) in `var/` is the embedded default; `DATABASE_URL` switches to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from shouwang.config.env import ConfigurationError, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("SHOUWANG_HOME", str(Path.cwd())))
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("SHOUWANG_DEBUG", False)
SECRET_KEY = env_str("SHOUWANG_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("SHOUWANG_REQUIRE_SECRET", False):
        raise ConfigurationError("SHOUWANG_SECRET_KEY must be set in production")
    # A fixed development key: fine for the demo on 127.0.0.1, refused when
    # SHOUWANG_REQUIRE_SECRET is on (production deployments set it).
    SECRET_KEY = "shouwang-insecure-development-key-change-me"  # noqa: S105

ALLOWED_HOSTS = env_list("SHOUWANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SHOUWANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shouwang.common.task_queue.TaskQueueConfig",  # django_tasks_db, its name translated
    "shouwang.common",
    "shouwang.orgs",
    "shouwang.audit",
    "shouwang.cases",
    "shouwang.hazards",
    "shouwang.antifraud",
    "shouwang.antifraud.tracing",
    "shouwang.antifraud.warning",
    "shouwang.incidents",
    "shouwang.notices",
    "shouwang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shouwang.common.middleware.RefuseNulMiddleware",  # before the session is read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shouwang.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "shouwang.config.urls"
WSGI_APPLICATION = "shouwang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", "")
    if url:
        try:
            config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        except ValueError as exc:
            raise ConfigurationError(f"DATABASE_URL is not a database URL: {exc}") from None
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Page queries are short: starting parallel workers costs more than it saves and
            # takes cores from the other requests (measured in bench/hazard_list.py: 67 ms
            # with two workers, 17 ms with none, for one list page at 200,000 hazards).
            workers = env_int("SHOUWANG_PG_PARALLEL_WORKERS", 0)
            config.setdefault("OPTIONS", {})["options"] = (
                f"-c max_parallel_workers_per_gather={workers}"
            )
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SHOUWANG_SQLITE_PATH", str(VAR_DIR / "shouwang.sqlite3")),
        "OPTIONS": {
            # WAL lets the worker and the web process read while the other writes;
            # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

TASKS = {
    "default": {
        "BACKEND": env_str("SHOUWANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# Our overrides of Django's locale formats (zh-Hans amounts grouped by thousands with commas).
FORMAT_MODULE_PATH = ["shouwang.formats"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("SHOUWANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("SHOUWANG_MEDIA_ROOT", str(VAR_DIR / "media")))

# Evidence files: what a grid worker's phone or a company's scanner produces.
EVIDENCE_MAX_BYTES = env_int("SHOUWANG_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SHOUWANG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Map tiles, e.g. "https://tiles.example/{z}/{x}/{y}.png"; empty: the units' own boundaries only.
MAP_TILE_URL = env_str("SHOUWANG_MAP_TILE_URL", "")
# An OpenStreetMap extract (.osm.pbf, .osm): response coverage then follows the roads.
ROAD_NETWORK = env_str("SHOUWANG_ROAD_NETWORK", "")

# Sign-in throttle: this many failures per user name or client address within the window.
LOGIN_FAILURE_LIMIT = env_int("SHOUWANG_LOGIN_FAILURE_LIMIT", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("SHOUWANG_LOGIN_FAILURE_WINDOW_SECONDS", 900)

# Anti-fraud: public reports per client address per window, and the unit where they wait for
# the centre (a unit code; empty means the top of the unit tree).
FRAUD_PUBLIC_LIMIT = env_int("SHOUWANG_FRAUD_PUBLIC_LIMIT", 5)
FRAUD_PUBLIC_WINDOW_SECONDS = env_int("SHOUWANG_FRAUD_PUBLIC_WINDOW_SECONDS", 3600)
FRAUD_PUBLIC_INTAKE_UNIT = env_str("SHOUWANG_FRAUD_PUBLIC_INTAKE_UNIT", "")
# How often the scheduler looks for late partner requests.
FRAUD_SCAN_SECONDS = env_int("SHOUWANG_FRAUD_SCAN_SECONDS", 60)
# The blocklist lookup's in-process index of known indicators (antifraud.blocklist): on or off,
# how often it picks up new rows, and how often it is rebuilt whole.
FRAUD_BLOCKLIST_INDEX = env_bool("SHOUWANG_FRAUD_BLOCKLIST_INDEX", True)
FRAUD_BLOCKLIST_REFRESH_SECONDS = env_int("SHOUWANG_FRAUD_BLOCKLIST_REFRESH_SECONDS", 1)
FRAUD_BLOCKLIST_REBUILD_SECONDS = env_int("SHOUWANG_FRAUD_BLOCKLIST_REBUILD_SECONDS", 3600)

# How often the scheduler scans for overdue cases, in seconds.
OVERDUE_SCAN_SECONDS = env_int("SHOUWANG_OVERDUE_SCAN_SECONDS", 300)

# Notices beyond the bell. SMS for urgent ones: empty = none, "outbox" = kept on the delivery
# row (demo, development), "http" = a gateway at SHOUWANG_SMS_URL (see docs/notices.md).
SMS_BACKEND = env_str("SHOUWANG_SMS_BACKEND", "")
if SMS_BACKEND not in {"", "outbox", "http"}:
    raise ConfigurationError("SHOUWANG_SMS_BACKEND must be empty, outbox or http")
SMS_URL = env_str("SHOUWANG_SMS_URL", "")
SMS_TOKEN = env_str("SHOUWANG_SMS_TOKEN", "")
if SMS_BACKEND == "http" and not SMS_URL.startswith(("http://", "https://")):
    raise ConfigurationError("SHOUWANG_SMS_BACKEND=http needs SHOUWANG_SMS_URL (http or https)")
# E-mail for those who ask for it: off unless an SMTP server is configured.
_EMAIL_HOST = env_str("SHOUWANG_EMAIL_HOST", "")
NOTICE_EMAIL = bool(_EMAIL_HOST)
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("SHOUWANG_EMAIL_PORT", 25),
                "username": env_str("SHOUWANG_EMAIL_USER", ""),
                "password": env_str("SHOUWANG_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("SHOUWANG_EMAIL_TLS", False),
                "timeout": 10,
            },
        }
        if NOTICE_EMAIL
        else {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("SHOUWANG_EMAIL_FROM", "shouwang@localhost")
# The address people reach the platform at, for links in SMS and e-mail (empty: no link).
SITE_URL = env_str("SHOUWANG_SITE_URL", "")
# How often the scheduler retries deliveries that failed.
NOTICE_SEND_SECONDS = env_int("SHOUWANG_NOTICE_SEND_SECONDS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHOUWANG_LOG_LEVEL", "WARNING")},
}
