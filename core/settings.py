"""Settings for the About-Me summary service.

Everything that differs between machines comes from the environment, with `.env` read in
development. With nothing set but DEBUG and SECRET_KEY (which `make run` writes into `.env`),
the whole flow runs on embedded defaults: SQLite, a broker kept in files under var/, and
emails captured to var/outbox/ where the development outbox page shows them.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv
from kombu import Exchange, Queue

from core.caches import caches_from_url, rate_limits_count_in_cache
from core.dkim_key import dkim_private_key
from core.env import REQUIRED, env_bool, env_float, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Real environment variables win over .env, so a deployment can never be overridden by a stray file.
# Test runs set READ_DOTENV=0 so that a developer's .env cannot change what they test.
if env_bool("READ_DOTENV", True):
    load_dotenv(BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", False)
# No default outside DEBUG: a production server must not start with a key everyone can read here.
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key") if DEBUG else env_str("SECRET_KEY")
# Former keys, still accepted for what they signed (staff sessions) while a new SECRET_KEY rolls out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Everything the embedded defaults write (SQLite file, broker files, captured emails) lives here,
# and beat's schedule even when nothing else is local. Each folder is made where it is first written.
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "summaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "summaries.security.permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "summaries.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The person's language (cookie, then Accept-Language) for every page, the 413 and 503 ones too.
    "django.middleware.locale.LocaleMiddleware",
    "summaries.i18n.admin_language.AdminInDefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF middleware, so that its 413 page gets a CSRF cookie for the language switcher;
    # it still reads the body before any view or the CSRF check (process_view) does.
    "summaries.security.body_limit.RequestBodyLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "summaries.staff.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL: the parameters travel apart from the SQL (server-side binding), so that a statement
# a connection runs again and again (a worker's few statements per job) is prepared once and
# then only executed: PostgreSQL stops parsing and planning it for every job, and the rendered
# PDF is sent as bytes, not spelled out in the SQL as hex. Django turns both off unless asked.
# Off for a pooler that cannot keep a prepared statement with its session (PgBouncer in
# transaction mode without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# psycopg's own default: a statement is prepared once it has run 5 times on one connection.
PREPARE_AFTER_RUNS = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_PREPARED_STATEMENTS:
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": PREPARE_AFTER_RUNS,
        # Planned with its values every time, never with a generic plan: the relay's and the
        # sweep's statuses as unknown parameters look like "every row" to the planner, which
        # then walks a million rows of history for none (docs/growth.md). Parsing is still saved.
        "options": "-c plan_cache_mode=force_custom_plan",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, which also makes the database's folder when it first connects.
    DATABASES["default"]["ENGINE"] = "core.sqlite"
    # The web server and the worker write to one SQLite file: wait for the lock instead of
    # failing, and take the write lock at BEGIN so two writers never deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# The web (core/asgi.py, which sets WEB_SERVES_ASGI) runs each request's view in a thread of its
# own. A connection kept by that thread outlives it, held by nobody until Python collects it: under
# load PostgreSQL ran out of connections ("too many clients") and submits got the 503 page. So,
# as Django says for ASGI, the web closes its connection at the end of each request. psycopg_pool
# (Django's pool) was tried instead: it saves the connect, but after a restart it made the first
# request wait a second per dead connection, and after an outage it kept reconnecting on a
# growing backoff, refusing submits well after the database was back. Workers run one job at a
# time per process and keep their connection (DATABASE_CONN_MAX_AGE).
# Set by core/asgi.py in the web process only: not a setting, never read from .env.
WEB_SERVES_ASGI = os.environ.get("WEB_SERVES_ASGI") == "true"
if WEB_SERVES_ASGI:
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# English is the default; the others are chosen by Accept-Language or the switcher, and kept on
# each submission for its email and PDF (summaries/i18n/). Catalogs live in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt-br", "Português (Brasil)"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own format (Django's), except English's, written "14 March 2026" as before.
FORMAT_MODULE_PATH = ["summaries.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    # Rendered PDFs live in the database, so every web process can serve a PDF whichever
    # machine rendered it, with no shared disk or object store to set up. docs/deploy.md says
    # how to switch to object storage instead.
    "default": {"BACKEND": "summaries.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- HTTPS: on by default in production; HTTPS=0 for a plain-HTTP private network or a test run.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP on the private side; a redirect is not an answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Only this site's own files: no inline script or style, no plugins, no framing, no foreign forms.
# django-csp's middleware adds it to every response that has none of its own (with DEBUG on, it
# leaves 404 and 500 responses bare so that Django's debug pages work).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Bad input and abuse (docs/security.md).
# The form's largest honest body is about 40 KiB (every field full of 4-byte characters, encoded).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
# Accepted submissions per client address and per recipient address; "0" turns one off.
RATE_LIMIT_PER_IP = env_rate("RATE_LIMIT_PER_IP", "20/h")
RATE_LIMIT_PER_RECIPIENT = env_rate("RATE_LIMIT_PER_RECIPIENT", "3/h")
# The header a trusted proxy puts the client address in (e.g. X-Forwarded-For); empty: REMOTE_ADDR.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
# Where the rate limits count: rows in the database, unless CACHE_URL names a cache (core/caches.py).
cache_url = env_str("CACHE_URL", "")
CACHES = caches_from_url(cache_url, DATA_DIR)
RATE_LIMITS_COUNT_IN_CACHE = rate_limits_count_in_cache(cache_url)
# Double opt-in: email a confirmation link first, and make and send the summary only once it is followed.
CONFIRM_EMAIL = env_bool("CONFIRM_EMAIL", False)
# The site's public address, for links in emails (needed when CONFIRM_EMAIL is on).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", REQUIRED if CONFIRM_EMAIL and not DEBUG else "http://127.0.0.1:8000")

# --- Deliverability (docs/deliverability.md).
# The key of the suppression list's address hashes: its own, so that SECRET_KEY can be rotated
# without forgetting who asked never to be emailed. Keys listed in the fallbacks are still
# recognised; new entries use the current key.
SUPPRESSION_KEY = env_str("SUPPRESSION_KEY", SECRET_KEY)
SUPPRESSION_KEY_FALLBACKS = env_list("SUPPRESSION_KEY_FALLBACKS", [])
# DKIM: with all three set, every email is signed at send time (summaries/services/dkim_signing.py).
DKIM_DOMAIN = env_str("DKIM_DOMAIN", "")
DKIM_SELECTOR = env_str("DKIM_SELECTOR", "")
DKIM_PRIVATE_KEY = dkim_private_key(
    domain=DKIM_DOMAIN, selector=DKIM_SELECTOR, key_file=env_str("DKIM_PRIVATE_KEY_FILE", "")
)
# Bounces: with BOUNCE_DOMAIN set, each email's envelope sender is a VERP address there, and the
# `bounces` process (summaries/bounce_receiver.py) takes the mail server's reports on BOUNCE_PORT.
BOUNCE_DOMAIN = env_str("BOUNCE_DOMAIN", "")
BOUNCE_HOST = env_str("BOUNCE_HOST", "127.0.0.1")
BOUNCE_PORT = env_int("BOUNCE_PORT", 2525)
# Postfix keeps at most 50 kB of the returned email in a report by default (bounce_size_limit).
BOUNCE_MAX_BYTES = env_int("BOUNCE_MAX_BYTES", 256 * 1024)
BOUNCE_MAX_PER_MINUTE = env_int("BOUNCE_MAX_PER_MINUTE", 600)
# --- The staff side (docs/security.md, "Staff"). The admin's address, e.g. "staff-7f3a/".
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# django-axes counts failed logins in the database, per username and per address, each on its own.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same address the rate limits use (CLIENT_IP_HEADER, IPv6 per /64), not django-ipware's guess.
AXES_CLIENT_IP_CALLABLE = "summaries.staff.lockout.login_address"
AXES_LOCKOUT_CALLABLE = "summaries.staff.lockout.lockout_page"
AXES_RESET_ON_SUCCESS = True
# Failed attempts are kept for the counts; a log of every successful login would keep staff
# addresses forever.
AXES_DISABLE_ACCESS_LOG = True
# Staff logins need a one-time password from an enrolled authenticator app (summaries/staff/).
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "About Me"

# --- Email. With no EMAIL_HOST, mail is captured to files the development outbox page shows.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# A worker keeps its connection to the mail server open this long after a delivery, for the
# next one (summaries/services/mail_connections.py); 0: a new connection for every email.
EMAIL_CONNECTION_REUSE_SECONDS = env_float("EMAIL_CONNECTION_REUSE_SECONDS", 10.0)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "About Me <no-reply@localhost>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "summaries.outbox.backend.OutboxEmailBackend",
)
OUTBOX_DIR = Path(env_str("OUTBOX_DIR", str(DATA_DIR / "outbox")))

# --- Celery. The embedded default keeps messages as files under var/broker: it needs no
# server and several local processes can share it. CELERY_BROKER_URL switches to Redis or
# RabbitMQ (docs/deploy.md compares them).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
BROKER_KIND = CELERY_BROKER_URL.partition("://")[0].partition("+")[0]
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = True
# How long a publish (the relay, the sweep, beat) may wait for the broker before leaving the row to the next try.
PUBLISH_TIMEOUT_SECONDS = env_float("PUBLISH_TIMEOUT_SECONDS", 0.5)
CELERY_BROKER_CONNECTION_TIMEOUT = PUBLISH_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
if BROKER_KIND in ("redis", "rediss"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One connection attempt per publish: kombu's default waits 2 s before giving up on a
        # refused connection; the sweep is the retry.
        "max_retries": 0,
        # A hung server must not hold anyone for minutes. This is the worker's consuming
        # connection; publishing connections wait PUBLISH_TIMEOUT_SECONDS instead (below).
        "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS,
        "socket_timeout": env_float("BROKER_SOCKET_TIMEOUT_SECONDS", 5.0),
        # Redis has no acknowledgements of its own, and kombu's emulation of them costs two
        # more round trips per job, in the worker's main process. It would hand out again, an
        # hour later, a message whose worker died; the sweep has published that row again long
        # before (docs/reliability.md), so it is off.
        "ack_emulation": False,
    }
    if BROKER_KIND == "redis":
        # A message that is not a kombu message is dropped with a log line instead of stopping
        # the worker (see the module). rediss:// keeps kombu's own, which sets up its TLS.
        CELERY_BROKER_TRANSPORT = "summaries.compat.redis_stray_messages:Transport"
elif BROKER_KIND in ("amqp", "amqps", "pyamqp"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Publisher confirms: a publish returns once RabbitMQ has taken the message, and fails
        # (leaving the row to the sweep) when it cannot, e.g. under a memory or disk alarm.
        "confirm_publish": True,
        # One connection attempt per publish, as for Redis.
        "max_retries": 0,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An idle worker sees a new message only at its next poll: 0.05 s keeps that wait small
        # next to a render, for a small share of a core (docs/embedded.md).
        "data_folder_in": str(DATA_DIR / "broker" / "queue"),
        "data_folder_out": str(DATA_DIR / "broker" / "queue"),
        "control_folder": str(DATA_DIR / "broker" / "control"),
        "polling_interval": env_float("BROKER_POLLING_INTERVAL_SECONDS", 0.05),
    }
    if BROKER_KIND == "filesystem":
        # kombu's own filesystem transport can hand a worker half-written messages; see the module.
        CELERY_BROKER_TRANSPORT = "core.filesystem_broker:Transport"
# Each broker round trip of a publish (the relay, a sweep, beat) waits at most this long: on
# Redis, BROKER_SOCKET_TIMEOUT_SECONDS would otherwise apply to a publish on an already-open
# pooled connection to a hung server (core/celery.py gives these to publishing connections only).
BROKER_PUBLISH_TRANSPORT_OPTIONS = {"socket_timeout": PUBLISH_TIMEOUT_SECONDS}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A job is acknowledged only once done, and handed back if its worker process dies. With
# RabbitMQ the hand-back is immediate when the connection drops; with Redis (no acknowledgements,
# above) a message whose whole worker died is gone, and the sweep publishes its row again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each worker process holds one message at a time (the one it runs): nothing waits in one
# busy worker's buffer while another worker is idle, on either broker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker processes per `celery worker` (0: one per CPU; rendering is CPU-bound).
CELERY_WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 0) or None
CELERY_TASK_SOFT_TIME_LIMIT = env_int("TASK_SOFT_TIME_LIMIT_SECONDS", 45)
CELERY_TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT_SECONDS", 60)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("WORKER_MAX_TASKS_PER_CHILD", 1000)
# A new child renders a sample PDF (summaries/worker_process.py) before it reports ready; on a
# busy machine that can take longer than Celery's 4 s default, after which the child is killed.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
# Celery closes every database connection before and after each task unless this is set; with
# it set, summaries/worker_process.py applies Django's own rules (DATABASE_CONN_MAX_AGE, health
# checks) instead, so that a job does not open a new connection.
CELERY_DB_REUSE_MAX = 2**31
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Bad messages (undecodable, unknown or invalid tasks) are logged without their content.
CELERY_WORKER_CONSUMER = "summaries.worker_consumer:Consumer"
# Two queues, both consumed by a plain `celery worker`: the PDF jobs, and the sweep on its
# own so that a backlog of PDF jobs never delays it (docs/deploy.md, "Queues").
SUMMARY_QUEUE = env_str("SUMMARY_QUEUE", "summaries")
SWEEP_QUEUE = env_str("SWEEP_QUEUE", f"{SUMMARY_QUEUE}-sweep")
# Each queue its own exchange and key, so that RabbitMQ routes a message to exactly one of them.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in (SUMMARY_QUEUE, SWEEP_QUEUE)]
CELERY_TASK_DEFAULT_QUEUE = SUMMARY_QUEUE
CELERY_TASK_ROUTES = {
    "summaries.tasks.sweep_stalled_submissions": {"queue": SWEEP_QUEUE},
    # Housekeeping too: a PDF backlog must not hold up deleting expired data.
    "summaries.tasks.delete_expired_submissions": {"queue": SWEEP_QUEUE},
    "summaries.*": {"queue": SUMMARY_QUEUE},
}
SWEEP_INTERVAL_SECONDS = env_float("SWEEP_INTERVAL_SECONDS", 10)
# How often each worker publishes the rows submitted since (worker_relay.py): the web never
# waits on the broker, and a new row waits on average half this long for its message.
RELAY_INTERVAL_SECONDS = env_float("RELAY_INTERVAL_SECONDS", 0.05)
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-submissions": {
        "task": "summaries.tasks.sweep_stalled_submissions",
        "schedule": SWEEP_INTERVAL_SECONDS,
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "delete-expired-submissions": {
        "task": "summaries.tasks.delete_expired_submissions",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
}
# Beat's record of when each periodic task last ran; local to the machine that runs beat.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "core.celery:Scheduler"
# Answers and PDFs are deleted this many days after submission (0 keeps them forever).
RETENTION_DAYS = env_int("RETENTION_DAYS", 30)
# The PDF goes sooner: the email carries it, and the status page's download is for the days after.
PDF_RETENTION_DAYS = env_int("PDF_RETENTION_DAYS", 7)
if RETENTION_DAYS and PDF_RETENTION_DAYS > RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"PDF_RETENTION_DAYS ({PDF_RETENTION_DAYS}) must not exceed RETENTION_DAYS ({RETENTION_DAYS}):"
        " a PDF is deleted with its submission at the latest."
    )

# --- The pipeline's guarantees (see docs/reliability.md).
# A claimed row belongs to its worker this long; a longer time limit would let two workers overlap.
SUBMISSION_LEASE_SECONDS = env_int("SUBMISSION_LEASE_SECONDS", 90)
# The hard time limit kills a job before its lease can run out; the margin covers the clocks of
# different machines and the pool's timer. A shorter lease could let a second worker send while
# the first is still talking to the mail server: refuse to start rather than risk it.
LEASE_MARGIN_SECONDS = 5
if SUBMISSION_LEASE_SECONDS < CELERY_TASK_TIME_LIMIT + LEASE_MARGIN_SECONDS:
    raise ImproperlyConfigured(
        f"SUBMISSION_LEASE_SECONDS ({SUBMISSION_LEASE_SECONDS}) must be at least TASK_TIME_LIMIT_SECONDS "
        f"({CELERY_TASK_TIME_LIMIT}) + {LEASE_MARGIN_SECONDS}, or two workers could send the same email."
    )
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"TASK_SOFT_TIME_LIMIT_SECONDS ({CELERY_TASK_SOFT_TIME_LIMIT}) must be below TASK_TIME_LIMIT_SECONDS "
        f"({CELERY_TASK_TIME_LIMIT}), so a slow job can record its retry before it is killed."
    )
# A published message not picked up after this long is assumed lost and published again.
SUBMISSION_REQUEUE_AFTER_SECONDS = env_int("SUBMISSION_REQUEUE_AFTER_SECONDS", 120)
SUBMISSION_MAX_ATTEMPTS = env_int("SUBMISSION_MAX_ATTEMPTS", 8)
RETRY_BASE_SECONDS = env_float("RETRY_BASE_SECONDS", 30)
RETRY_MAX_SECONDS = env_float("RETRY_MAX_SECONDS", 3600)

# --- Operations: worker heartbeats (services/heartbeats.py), read by /healthz and the admin overview.
WORKER_HEARTBEAT_INTERVAL_SECONDS = env_float("WORKER_HEARTBEAT_INTERVAL_SECONDS", 10)
# A worker whose last heartbeat is older than this counts as dead.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_float("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 30)

# --- Observability (docs/observability.md): metrics, traces, error reports, log format.
# No token, no /metrics (it answers 404) and nothing is counted.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# prometheus-client's multiprocess folder, shared by every web and worker process of one machine.
PROMETHEUS_MULTIPROC_DIR = Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(DATA_DIR / "metrics")))
if METRICS_TOKEN:
    # prometheus-client reads it once, when first imported: before anything imports it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)
# Tracing is on only when one of these is set; off, the OpenTelemetry SDK is never imported.
OTEL_EXPORTER_OTLP_ENDPOINT = env_str("OTEL_EXPORTER_OTLP_ENDPOINT", "")
OTEL_TRACES_EXPORTER = env_str("OTEL_TRACES_EXPORTER", "")
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from summaries.observability.error_reports import start_error_reports

    start_error_reports(SENTRY_DSN)
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"ids": {"()": "summaries.observability.log_format.CurrentIds"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "summaries.observability.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["ids"] if LOG_FORMAT == "json" else [],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every render step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
