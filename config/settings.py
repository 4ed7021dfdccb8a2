"""Amends settings: one module, read from the environment.

With no environment at all Amends runs embedded: SQLite (WAL) and a Celery
broker on the filesystem, both under ``var/``. Production sets DATABASE_URL
(PostgreSQL) and CELERY_BROKER_URL (Redis); docker-compose.yml shows how.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

from config.email_providers import FILE_BACKEND, email_settings, imap_mailbox
from config.logs import logging_config
from config.observability import sentry_init
from config.operations import operations

# django-csp's, -permissions-policy's and -axes's settings: pages' policies, sign-in throttling.
from config.security import *  # noqa: F403 (the names in its __all__)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("AMENDS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # Without DEBUG this may be production: a key everybody knows would let
        # anybody forge sessions, password-reset links and signed form tokens.
        raise environ.ImproperlyConfigured(
            "SECRET_KEY must be set unless DEBUG is on (`make run` and `make test` set one)."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105  (DEBUG on a laptop only)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SENTRY_ON = sentry_init(env)  # error tracking, off unless SENTRY_DSN is set (observability.py)

INSTALLED_APPS = [
    "config.apps.AmendsAdminConfig",  # django.contrib.admin, open to managers
    "django.contrib.auth",
    *SECURITY_APPS,  # noqa: F405  axes (sign-in throttling), django-otp (config/security.py)
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its ready() lets an index take an operator class over an expression (the
    # search's trigram indexes, complaints.search_keys); harmless on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",  # its old keys are moved to digests by config 0002, then unused
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "complaints",
    "recovery",
    "notifications",
    "privacy",
    "review",
    "config.apps.ProjectConfig",  # var/'s folders; commands that span the apps (seed_demo)
]

MIDDLEWARE = [
    # First: the health check's probes are answered before anything reads the
    # Host header, which ALLOWED_HOSTS refuses for 127.0.0.1 (config/health.py).
    "config.health.HealthProbeMiddleware",
    "config.logs.RequestLogMiddleware",  # request id, user, ticket, duration on every log line
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    *SECURITY_MIDDLEWARE,  # noqa: F405  after auth: django-otp, the code owed, axes last
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "config.context_processors.roles",
                "config.context_processors.unmatched_mail",
                "config.context_processors.privacy_notice",
                "config.context_processors.stopped_clock",
            ],
            # A missing variable in a page or email is a bug, not an empty string.
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'amends.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server, the worker and beat read while one writes;
            # IMMEDIATE takes the write lock at BEGIN so two writers queue instead
            # of failing mid-transaction with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits) ----------------------------------------------------
REDIS_CACHE_URL = env.str("CACHE_URL", default="")
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            # A down or hung Redis must cost a request milliseconds, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "agent:queue"
LOGOUT_REDIRECT_URL = "login"

# --- REST API (config/api.py, rest.py, throttles.py) -----------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with "WWW-Authenticate:
    # Token" (DRF answers 403 when the first authenticator has no header).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed by default: a view open to others says so itself.
    "DEFAULT_PERMISSION_CLASSES": ["recovery.api.permissions.IsAgent"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttles.TokenRateThrottle",
        "config.throttles.IpRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.str("AMENDS_API_RATE_PER_TOKEN", default="600/min"),
        "api_ip": env.str("AMENDS_API_RATE_PER_IP", default="60/min"),
    },
    "EXCEPTION_HANDLER": "config.rest.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.rest.ApiAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Amends API",
    "DESCRIPTION": "File complaints and work recovery tickets. Every error answers "
    '`{"error": {"code", "message", "fields"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models call their choices "status"; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "recovery.choices.Status",
        "CompensationStatusEnum": "recovery.choices.CompensationStatus",
        "NotificationStatusEnum": "notifications.models.NotificationStatus",
        "EventKindEnum": "recovery.choices.EventKind",
        "CompensationKindEnum": "recovery.choices.CompensationKind",
        "NotificationKindEnum": "notifications.models.NotificationKind",
    },
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first on a 24-hour clock (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise serves straight from static/ (no collectstatic): on by default with DEBUG,
# and for `make run`'s web server, which runs with DEBUG off (see Procfile.dev).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Email ------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Amends <care@amends.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = VAR_DIR / "mail"
# ANYMAIL_ESP names the provider (postmark, mailgun, ...); without one, emails
# are written to var/mail/ (or go to EMAIL_BACKEND). Production refuses to
# start with a provider but no ANYMAIL_WEBHOOK_SECRET: config/email_providers.py.
_esp_backend, ANYMAIL = email_settings(
    esp=env.str("ANYMAIL_ESP", default=""),
    api_key=env.str("ANYMAIL_API_KEY", default=""),
    webhook_secret=env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    webhook_signing_key=env.str("ANYMAIL_WEBHOOK_SIGNING_KEY", default=""),
    api_url=env.str("ANYMAIL_API_URL", default=""),
    debug=DEBUG,
)
EMAIL_BACKEND = _esp_backend or env.str("EMAIL_BACKEND", default=FILE_BACKEND)

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Everything under var/, including what kombu would put in ./control.
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A publish to a down or hung Redis gives up within about a second
        # (kombu's default waits 2 s between connection attempts).
        "socket_connect_timeout": 0.5,
        "socket_timeout": 1.0,
        "retry_on_timeout": False,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.1,
        "interval_max": 0.1,
        "connect_retries_timeout": 1.0,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker outlives any broker outage: it retries the connection for ever
# (2 s apart, then 4, 6... up to 30) instead of giving up after 100 tries.
# Publishing from a request is bounded by the transport options above, not by this.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Celery's consumer, made to survive Redis going away while it holds a message.
CELERY_WORKER_CONSUMER = "config.worker:Consumer"
# A task queue that must neither lose nor duplicate work. Every task is
# idempotent (it re-reads its row), so running one twice is harmless; losing
# one is what these guard against.
CELERY_TASK_ACKS_LATE = True  # ack after the work, so a crash mid-task redelivers it
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker process requeues its task
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # no task waits behind a slow one in a worker's buffer
CELERY_TASK_SOFT_TIME_LIMIT = 60  # well under the visibility timeout, so no redelivery mid-run
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = "deadlines"
# Slow email never holds up the deadline sweep: they have queues of their own.
# The review's summary recounts days for minutes at a time: it has its own
# queue, so it never holds up a breach either.
CELERY_TASK_ROUTES = {
    "review.summary_refresh": {"queue": "reports"},
    "notifications.*": {"queue": "email"},
    "recovery.*": {"queue": "deadlines"},
}
if not CELERY_BROKER_URL.startswith("filesystem"):
    # Redis redelivers an unacked task after this; our ETAs are at most 90 s ahead.
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = 3600
# The database holds every deadline; this only decides how often it is read.
CELERY_BEAT_SCHEDULE = {
    "enforce-deadlines": {"task": "recovery.enforce_deadlines", "schedule": 60.0},
    # Publishes again the sends a down broker or a dead worker left pending.
    "requeue-emails": {"task": "notifications.requeue_stale", "schedule": 60.0},
    # The review's daily summary: today and yesterday every five minutes; the
    # last 35 days each night, where surveys and resolutions still land; all
    # of history each week, for the rare change to an older ticket.
    "summary-today": {
        "task": "review.summary_refresh",
        "schedule": 300.0,
        "kwargs": {"days": 2},
    },
    "summary-nightly": {
        "task": "review.summary_refresh",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"days": 35},
    },
    "summary-weekly": {
        "task": "review.summary_refresh",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
        "kwargs": {"days": None},
    },
    # Personal data past AMENDS["RETENTION_*_DAYS"] is anonymised once a day, in batches.
    "privacy-retention": {
        "task": "privacy.retention_sweep",
        "schedule": crontab(hour=4, minute=15),
    },
}

# --- Amends -----------------------------------------------------------------
AMENDS = {
    **operations(env),  # the clock's watchdog, the metrics (config/operations.py)
    # Replies to progress emails go to <local>+<token>@<domain>; the provider's
    # inbound route for that domain posts them to /anymail/<esp>/inbound/.
    "REPLY_TO": env.str("AMENDS_REPLY_TO", default="replies@amends.localhost"),
    # Spam and abuse limits for the public form: attempts per window.
    "RATE_LIMIT_PER_IP": env.int("AMENDS_RATE_LIMIT_PER_IP", default=5),
    "RATE_LIMIT_PER_IP_WINDOW": env.int("AMENDS_RATE_LIMIT_PER_IP_WINDOW", default=3600),
    "RATE_LIMIT_PER_EMAIL": env.int("AMENDS_RATE_LIMIT_PER_EMAIL", default=3),
    "RATE_LIMIT_PER_EMAIL_WINDOW": env.int("AMENDS_RATE_LIMIT_PER_EMAIL_WINDOW", default=86400),
    # Humans take a few seconds to describe a problem; bots take none.
    "MIN_FILL_SECONDS": env.int("AMENDS_MIN_FILL_SECONDS", default=3),
    "MAX_ATTACHMENTS": 5,
    "MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
    # How long the queue's shared counters (all, unassigned, breached) are reused.
    "QUEUE_COUNTS_SECONDS": env.int("AMENDS_QUEUE_COUNTS_SECONDS", default=10),
    "TRACKING_LINK_DAYS": env.int("AMENDS_TRACKING_LINK_DAYS", default=365),
    "REPEAT_COMPLAINANT_DAYS": 90,
    # The same customer sending the same text again within this many seconds
    # (browser Back, then Send) gets the first complaint's confirmation.
    "DUPLICATE_WINDOW_SECONDS": env.int("AMENDS_DUPLICATE_WINDOW_SECONDS", default=600),
    "DEFAULT_PHONE_REGION": env.str("AMENDS_DEFAULT_PHONE_REGION", default="FR"),
    # How many proxies in front of us append to X-Forwarded-For (0: trust none).
    "TRUSTED_PROXY_COUNT": env.int("AMENDS_TRUSTED_PROXY_COUNT", default=0),
    # Inbound mail above this size is kept for review without its body or files.
    "MAX_INBOUND_BYTES": env.int("AMENDS_MAX_INBOUND_BYTES", default=25 * 1024 * 1024),
    # The complaints mailbox `manage.py inbound_poll` reads, for providers without inbound webhooks.
    "INBOUND_IMAP": imap_mailbox(env.str("INBOUND_IMAP_URL", default="")),
    # Personal data: kept this many days after a complaint is closed, IP
    # addresses this many days after they were recorded (the public form says so).
    "RETENTION_CLOSED_DAYS": env.int("AMENDS_RETENTION_CLOSED_DAYS", default=1095),
    "RETENTION_IP_DAYS": env.int("AMENDS_RETENTION_IP_DAYS", default=30),
}

if AMENDS["INBOUND_IMAP"]:
    # Without a webhook, the mailbox is read every minute (notifications.inbound.poll).
    CELERY_BEAT_SCHEDULE["inbound-poll"] = {"task": "notifications.inbound_poll", "schedule": 60.0}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env.bool("AMENDS_HTTPS", default=False):
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (README, operations).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("AMENDS_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("AMENDS_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("AMENDS_HSTS_SUBDOMAINS", default=True)
    # Allows (does not make) a submission to the browsers' HSTS preload list.
    SECURE_HSTS_PRELOAD = env.bool("AMENDS_HSTS_PRELOAD", default=True)

# JSON lines in production, plain with DEBUG (make run), masked; workers alike (config/logs.py).
LOGGING = logging_config(
    json=env.str("LOG_FORMAT", default="plain" if DEBUG else "json") == "json",
    level=env.str("LOG_LEVEL", default="INFO"),
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
