"""Settings for the response tracker.

Everything that differs between a laptop and production comes from the
environment (see docs/operators.md, "Configuration"). The defaults are safe for
production: DEBUG is off unless DEBUG=true is set, which the development
commands do (the Makefile's targets, ``manage.py runserver`` and the test
suite's settings), and with DEBUG off the server needs a SECRET_KEY of its own.
The database defaults to a local SQLite file.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import environ
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured

# The API's settings (DRF, tokens, error bodies, schema), which the hardening
# below extends: Django reads them from here by name.
from tracker.api_settings import (  # noqa: F401
    DRF_STANDARDIZED_ERRORS,
    KNOX_TOKEN_MODEL,
    MIGRATION_MODULES,
    REST_FRAMEWORK,
    REST_KNOX,
    SPECTACULAR_SETTINGS,
)
from tracker.request_log import formatters

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on: production must set its own.
_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (
    SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    # The rule of Django's own deployment check (security.W009), enforced at start.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (DEBUG is off) to a random value of at "
        "least 50 characters. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "For development, set DEBUG=true instead (the Makefile's targets do)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "import_export",
    "actors",
    "responses",
    "accounts",
    "savedfilters",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files straight from the app: no web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sends a write request to the primary database and moves the data version after it.
    "tracker.freshness.WriteRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections in production. Django's default is not to check a kept
# connection before each request (a round trip per request, a tenth of a
# detail's time): after a database restart, a dead connection fails one
# request with a 503 and Retry-After, and Django closes it at the end of that
# request. CONN_HEALTH_CHECKS=true trades the round trip for that one request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)


def postgres_options(database: dict[str, Any]) -> None:
    """Connection options for every PostgreSQL alias, primary and replicas alike."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    # PostgreSQL's JIT compiles expensive-looking queries (a count or an export
    # over a million rows) for up to seconds before the first row: a loss for
    # queries that stream or stop early, as the API's do. Server-side cursors
    # (only the CSV export uses them) read every row: plan them for the total,
    # not for the first tenth.
    options["options"] = "-c jit=off -c cursor_tuple_fraction=1"
    # Planning a detail's joins costs ten times more than running them (0.7 ms
    # against 0.05 ms at a million positions). Parameters bound on the server
    # let a statement the connection has run twice be prepared, and
    # PostgreSQL then reuses a generic plan once it costs no more than the
    # plans made for the values. Django binds on the client by default, since
    # some queries it builds do not work bound on the server; this project's
    # suite passes both ways. Poolers must keep prepared statements
    # (pgbouncer 1.22+ with max_prepared_statements); set
    # DATABASE_PREPARED_STATEMENTS=false behind one that cannot.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options.update(server_side_binding=True, prepare_threshold=2)


postgres_options(DATABASES["default"])


def sqlite_options(database: dict[str, Any]) -> None:
    """Connection options for SQLite."""
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    # Write-ahead logging: a reader keeps its snapshot while writers commit. In
    # SQLite's default journal a read transaction blocks every commit until it
    # ends, and an export reads in one transaction for as long as its client
    # takes: each write meanwhile failed after the 5 s busy timeout (a 503).
    # The mode is kept in the file; SQLITE_JOURNAL_MODE=delete goes back to
    # the default (on a file system without shared memory, say).
    journal_mode = env.str("SQLITE_JOURNAL_MODE", default="wal")
    # SQLite reads pages through its own small cache, one system call per page
    # it lacks: a read that follows an index around a big table (an export in
    # date order) spends up to a third of its time there. Mapped into memory,
    # the file is read from the operating system's cache directly. The pages
    # count in the process's resident memory but are the system's shared,
    # reclaimable file cache, not memory the process allocates.
    # SQLITE_MMAP_SIZE=0 turns it off.
    mmap_size = env.int("SQLITE_MMAP_SIZE", default=1 << 30)
    options = database.setdefault("OPTIONS", {})
    # Before any init_command DATABASE_URL gives, which thus has the last word
    # (Django runs each statement).
    commands = [
        f"PRAGMA journal_mode={journal_mode}",
        f"PRAGMA mmap_size={mmap_size}",
        options.get("init_command", ""),
    ]
    options["init_command"] = ";".join(command for command in commands if command)


sqlite_options(DATABASES["default"])
# Lets two test runs share one PostgreSQL server without dropping each other's database.
if _test_suffix := env.str("TEST_DB_SUFFIX", default=""):
    DATABASES["default"]["TEST"] = {"NAME": f"test_tracker_{_test_suffix}"}

# Scale-out (see docs/operators.md, "Running at scale"): read replicas, a shared cache.
# Each replica URL becomes an alias (replica1, ...) that reads are routed to;
# tests point a replica at the test database (TEST MIRROR).
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = env.db_url_config(_url)
    DATABASES[_alias]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    postgres_options(DATABASES[_alias])
    if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
        # A standby that went away is noticed in seconds, not a TCP timeout.
        DATABASES[_alias]["OPTIONS"]["connect_timeout"] = env.int(
            "REPLICA_CONNECT_TIMEOUT", default=2
        )
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["tracker.db.ReplicaRouter"] if DATABASE_REPLICAS else []
# A replica further behind than this (or not answering) gets no reads until it catches up.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Hot reads are cached this many seconds (0: off). On by default only with
# Redis: a cache local to each process cannot be invalidated by another's write.
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Lists count matching rows exactly up to this many, and estimate above it.
API_EXACT_COUNT_LIMIT = env.int("API_EXACT_COUNT_LIMIT", default=20_000)
# Seconds one request may spend counting facets; those past it answer timed_out.
FACETS_TIME_LIMIT = env.float("FACETS_TIME_LIMIT", default=0.25)
# Seconds a list may spend counting the matches of q on SQLite (substrings, no
# index); past it the count is null and the page still comes.
SEARCH_COUNT_TIME_LIMIT = env.float("SEARCH_COUNT_TIME_LIMIT", default=0.1)
# CSV exports one server process streams at once; one more is answered 503 with
# Retry-After. A slow reader holds a thread (and a database connection) for as
# long as it reads, so this must stay below gunicorn's threads
# (gunicorn.conf.py) for /healthz and the other requests to keep a thread.
EXPORT_STREAMS_PER_PROCESS = env.int("EXPORT_STREAMS_PER_PROCESS", default=2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Static files are served by WhiteNoise. Without DEBUG they are what collectstatic
# gathered: names carry a hash of the content (cached for a year by browsers) and
# come pre-compressed. With DEBUG they are found in the apps and never cached.
# Both choices follow the DEBUG read from the environment, not the one the test
# runner forces off, so the test suite needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root (favicon.ico), served as they are.
WHITENOISE_ROOT = BASE_DIR / "tracker" / "public"

# Admin imports run in a transaction: a file with one bad row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Request bodies above this size are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)

# Production hardening: on unless DEBUG, each can be switched off from the
# environment (behind a TLS-terminating proxy, say).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# One line per record on standard error, each with the id of the request it
# belongs to (tracker/request_log.py): JSON for log collectors unless DEBUG,
# text for people. gunicorn.conf.py writes gunicorn's own lines the same way.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": formatters(),
    "filters": {"request_id": {"()": "tracker.request_log.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-axes logs failed logins and lockouts as warnings, and chatter below them.
        "axes": {"level": "WARNING"},
        # Django's own line for each 4xx and 5xx repeats the request's line.
        "django.request": {"level": "ERROR"},
    },
}

# Error reporting, optional: with SENTRY_DSN set, unhandled errors go to Sentry
# (or a service that speaks its protocol, such as GlitchTip), tagged with the
# request id. No personal data (users' addresses, cookies) is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# ---------------------------------------------------------------------------
# Hardening: outages, body size, throttling, CORS, idempotent POSTs.
# Kept together here so the production posture reads in one place.

INSTALLED_APPS += ["corsheaders", "idempotency", "axes"]

# Outermost: a body over the limit is refused before anything reads it, and a
# database outage anywhere becomes a JSON 503.
MIDDLEWARE[0:0] = [
    # First of all: every line logged while a request is served carries its id.
    "tracker.request_log.RequestIdMiddleware",
    "tracker.middleware.BodySizeLimitMiddleware",
    "tracker.middleware.DatabaseUnavailableMiddleware",
]
# CORS answers preflight requests before CommonMiddleware can redirect them.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
MIDDLEWARE.append("tracker.middleware.ApiSecurityHeadersMiddleware")
# Last, as django-axes asks: turns a locked-out login into its 429 page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Browser clients on other origins: only those listed may read the API.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-match",
    "if-none-match",
)
CORS_EXPOSE_HEADERS = (
    "etag",
    "last-modified",
    "link",
    "location",
    "retry-after",
    "x-total-count",
    "idempotent-replayed",
    "x-request-id",
)

# Throttling counts live in CACHES: per process in memory, or shared in Redis.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "tracker.api.throttling.AnonymousRateThrottle",
    "tracker.api.throttling.UserRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env.str("THROTTLE_ANON_RATE", default="120/minute"),
    "user": env.str("THROTTLE_USER_RATE", default="1200/minute"),
    # Requests whose Authorization header fails, per address (accounts/authentication.py).
    "failed_token": env.str("THROTTLE_FAILED_TOKEN_RATE", default="10/minute"),
}
# The proxies in front of the app: throttling then reads the client's address
# from X-Forwarded-For; 0 trusts only the connecting address (not spoofable).
REST_FRAMEWORK["NUM_PROXIES"] = env.int("NUM_PROXIES", default=0)

_errors = cast(dict[str, Any], DRF_STANDARDIZED_ERRORS)
_errors["ALLOWED_ERROR_STATUS_CODES"] = [
    *_errors["ALLOWED_ERROR_STATUS_CODES"],
    "422",
    "429",
    "503",
]
_errors["ERROR_SCHEMAS"] = {
    **_errors["ERROR_SCHEMAS"],
    "422": "idempotency.errors.ErrorResponse422Serializer",
    "503": "tracker.api.errors.ErrorResponse503Serializer",
}
cast(dict[str, Any], SPECTACULAR_SETTINGS)["ENUM_NAME_OVERRIDES"].update(
    {
        "ErrorCode422Enum": "idempotency.errors.ErrorCode422Enum.choices",
        "ErrorCode503Enum": "tracker.api.errors.ErrorCode503Enum.choices",
    }
)

# Password guessing at /admin/login/ and /api-auth/login/ (django-axes): after
# LOGIN_FAILURE_LIMIT failures for one username from one address, that pair
# is locked out, right password or not, for LOGIN_COOLOFF_MINUTES, or until an
# admin deletes its row under "Axes > Access attempts" (or runs
# `manage.py axes_reset_username NAME`). Attempts are kept in the database, so
# every process shares them without a shared cache. API tokens never pass
# through here: FailedTokenThrottle counts those.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A page that says what happened and what to do, rather than a line of plain text.
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address as the throttles read it, behind NUM_PROXIES proxies.
AXES_CLIENT_IP_CALLABLE = "tracker.api.throttling.client_address"

# Replayed answers to POSTs with an Idempotency-Key are kept this long.
IDEMPOTENCY_KEY_TTL_HOURS = 24
# How long the change feed's entries and records' older versions are kept
# (0: for ever), applied by `manage.py apply_retention` (docs/operators.md,
# "Retention"). A record's latest version is kept whatever its age.
CHANGE_FEED_RETENTION_DAYS = env.int("CHANGE_FEED_RETENTION_DAYS", default=90)
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=365)

# JSON only: form encodings cannot say "a list" or "null", so they would let
# malformed writes through as strings. The browsable API sends its raw JSON.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["tracker.api.parsers.JSONParser"]

# ---------------------------------------------------------------------------
# Webhooks (the webhooks app; docs/services.md, "Webhooks"). Deliveries are
# tasks in this database, run by `manage.py db_worker` (django-tasks), never
# by a web request.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "webhooks"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The address clients reach the API at: the links inside deliveries use it.
# Unset: the development server's address, or https:// and the first host
# ALLOWED_HOSTS names.
_hosts = [host for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
PUBLIC_BASE_URL = env.str(
    "PUBLIC_BASE_URL",
    default="http://localhost:8000" if DEBUG or not _hosts else f"https://{_hosts[0]}",
)
# Deliveries go to public addresses only, unless this is on (a receiver on
# this machine or the local network, in development or a closed network).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024
# The first retry after about this long, then twice as long each time, up to the cap.
WEBHOOK_RETRY_SECONDS = env.float("WEBHOOK_RETRY_SECONDS", default=10.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
# Failed attempts in a row after which a subscription is paused (about 5 hours
# of retries with the defaults).
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=12)
# The change feed's resources and actions are a subscription's too: one name each.
cast(dict[str, Any], SPECTACULAR_SETTINGS)["ENUM_NAME_OVERRIDES"].update(
    {
        "ChangeResourceEnum": "responses.api.changes.RESOURCE_CHOICES",
        "ChangeActionEnum": "responses.models.ChangeAction",
        "SubscriptionStatusEnum": "webhooks.models.SubscriptionStatus",
        "DeliveryStatusEnum": "webhooks.models.DeliveryStatus",
    }
)
