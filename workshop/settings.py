"""Settings for the workshop app: one file, read from the environment.

Defaults are for a facilitator's laptop (SQLite, DEBUG on only when asked). Production sets
SECRET_KEY, ALLOWED_HOSTS and, when one machine is not enough, DATABASE_URL and REDIS_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY the development key is used; workshop/wsgi.py refuses to serve with it
# unless DEBUG is on, while management commands (migrate, makemigrations) still run.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")  # used in QR codes when set

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "sessions.apps.WorkshopSessionsConfig",
    "exercises.apps.ExercisesConfig",
    "cooperations.apps.CooperationsConfig",
]

MIDDLEWARE = [
    "workshop.request_log.RequestLogMiddleware",
    "sessions.middleware.LivePollHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "workshop.urls"
WSGI_APPLICATION = "workshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} / {% partial %} everywhere, as they are built in from Django 6.
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workshop.context_processors.stylesheets",
            ],
        },
    },
]

# SQLite by default: one file, zero set-up. WAL lets phones read while one writer writes;
# IMMEDIATE takes the write lock at BEGIN so concurrent writers queue on the busy timeout
# instead of failing with "database is locked" when a read transaction upgrades.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Connections are kept (CONN_MAX_AGE, 60 s) by every backend. For SQLite that matters most:
# opening one registers Django's SQL functions and runs the PRAGMAs, which cost a poll more
# than the poll itself (make bench: 3.1 → 1.7 ms of CPU per poll under gunicorn).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL parses and plans every statement it is sent as text. With parameters bound on
# the server, psycopg prepares a statement on a connection after its fifth use: the poll,
# the panel's and an answer's reads are then planned once per connection, which took the
# database's CPU per panel from 0.5–0.8 to 0.15–0.25 ms (docs/benchmarks.md, item 16).
# A PgBouncer in transaction mode cannot keep prepared statements: set
# POSTGRES_PREPARED_STATEMENTS=0 behind one.
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "POSTGRES_PREPARED_STATEMENTS", True
):
    # Added to what the URL sets (?sslmode=require and the like), not in its place.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache carries rate-limit counters. It must be shared by every worker process, so it
# is Redis when REDIS_URL is set and a database table otherwise (never per-process memory).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "workshop_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "facilitator_home"
LOGOUT_REDIRECT_URL = "home"
# Failed logins per username and client address before the login page says to wait.
LOGIN_ATTEMPTS_PER_WINDOW = int(os.environ.get("LOGIN_ATTEMPTS_PER_WINDOW", "5"))
LOGIN_ATTEMPT_WINDOW_SECONDS = int(os.environ.get("LOGIN_ATTEMPT_WINDOW_SECONDS", "900"))

LANGUAGE_CODE = "nl"
# Dutch and English are complete: the facilitator's pages, the wall and the report use them.
# Turkish and Arabic cover everything a participant sees on the phone.
LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("tr", _("Turkish")), ("ar", _("Arabic"))]
SESSION_LANGUAGES = LANGUAGES[:2]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    # Uploaded photos are personal data: not readable by other users of the server (the
    # permissions only here: static files must stay readable for everyone, nginx included).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    },
    # Production serves hashed, compressed files made by `collectstatic`; development and
    # the test suite serve the files as they are in static/.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded photos are personal data: served only through a view that checks the session.
MEDIA_URL = "/m/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Served over HTTPS (secure cookies on): plain HTTP is redirected, and browsers are told for a
# year never to try it (HSTS). A load balancer probes /healthz over plain HTTP: not redirected.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if SECURE else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Only a request to hstspreload.org puts the domain on browsers' built-in list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# A request larger than this (a photo of at most 8 MB and the form around it) is not read
# into memory or files at all: see sessions/uploads.py. Behind nginx: client_max_body_size 10m.
MAX_UPLOAD_REQUEST_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "sessions.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# How often phones and the projector ask "anything new?" (milliseconds).
LIVE_POLL_INTERVAL_MS = int(os.environ.get("LIVE_POLL_INTERVAL_MS", "1500"))
# Failed join-code attempts per client address before it must wait.
JOIN_ATTEMPTS_PER_WINDOW = int(os.environ.get("JOIN_ATTEMPTS_PER_WINDOW", "20"))
JOIN_ATTEMPT_WINDOW_SECONDS = int(os.environ.get("JOIN_ATTEMPT_WINDOW_SECONDS", "600"))
# Sessions older than this are deleted by `manage.py purge_sessions` (run it daily).
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "365"))
# A participant's phone cookie lasts long enough for a day-long meeting and a follow-up look.
PARTICIPANT_COOKIE_MAX_AGE = 60 * 60 * 24 * 30

# Logs go to stderr (gunicorn, systemd and containers collect it), as one JSON object per line
# with LOG_FORMAT=json (the default when DEBUG is off), or as plain text. Every request is
# logged without personal data (workshop/request_log.py) unless LOG_REQUESTS=0 (DEBUG: off,
# runserver logs them).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOG_REQUESTS = env_bool("LOG_REQUESTS", not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "workshop.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django logs 4xx/5xx responses itself, with the full path; ours says it once, safely.
        "django.request": {"level": "ERROR"},
        "workshop.requests": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
        # WeasyPrint logs every layout step at INFO; only its problems matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Content Security Policy (django-csp): no inline scripts or styles anywhere; page scripts live
# in static/js and htmx is configured (base.html) not to inject its indicator styles and not to
# eval. The admin is staff-only and ships its own inline scripts and styles: left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
