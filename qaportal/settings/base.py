"""Settings shared by every environment. Values come from the environment with safe defaults."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("QAPORTAL_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key-change-me-0123456789abcdef")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "django_scopes",
    "csp",
    "qaportal",
    "standards",
    "audits",
    "feedback",
    "moderation",
    "reporting",
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
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "qaportal.sessions.SessionTimeoutMiddleware",
    "qaportal.middleware.RequireMFAMiddleware",
    "qaportal.middleware.CouncilMiddleware",
]

ROOT_URLCONF = "qaportal.urls"
WSGI_APPLICATION = "qaportal.wsgi.application"

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
                "csp.context_processors.nonce",
                "qaportal.context_processors.portal",
            ],
        },
    },
]

# SQLite by default (the embedded local set-up); PostgreSQL when QAPORTAL_DB_ENGINE=postgresql.
if env_str("QAPORTAL_DB_ENGINE", "sqlite") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("QAPORTAL_DB_NAME", "qaportal"),
            "USER": env_str("QAPORTAL_DB_USER", "qaportal"),
            "PASSWORD": env_str("QAPORTAL_DB_PASSWORD", ""),
            "HOST": env_str("QAPORTAL_DB_HOST", "localhost"),
            "PORT": env_str("QAPORTAL_DB_PORT", "5432"),
            "CONN_MAX_AGE": env_int("QAPORTAL_DB_CONN_MAX_AGE", 60),
            # A kept connection is checked before each request (and task) uses it, so one the database
            # dropped (a restart, a failover) is replaced instead of failing that request.
            "CONN_HEALTH_CHECKS": env_bool("QAPORTAL_DB_CONN_HEALTH_CHECKS", True),
            # Behind PgBouncer in transaction pooling mode (QAPORTAL_DB_PGBOUNCER=true) a server-side
            # cursor, which `.iterator()` opens, would be lost when the pooled connection moves on.
            "DISABLE_SERVER_SIDE_CURSORS": env_bool("QAPORTAL_DB_PGBOUNCER", False),
            # Prepared statements: PostgreSQL plans each query once per connection instead of on every
            # request. The pages' queries join many tables by key and cost more to plan than to run (a
            # group manager's home page: 38 ms planning, 4 ms running); prepared, the home pages take
            # half the time. Off behind PgBouncer in transaction mode, which moves connections between
            # statements (PgBouncer 1.21+ with max_prepared_statements can keep them: docs/deployment.md).
            "OPTIONS": (
                {"server_side_binding": True, "prepare_threshold": 2}
                if env_bool("QAPORTAL_DB_PREPARED", not env_bool("QAPORTAL_DB_PGBOUNCER", False))
                else {}
            ),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("QAPORTAL_SQLITE_PATH", str(VAR_DIR / "qaportal.sqlite3")),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "qaportal.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: email sign-in through allauth; no self sign-up (council admins create people).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "qaportal.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# A reset asked for an address with no account sends nothing: we do not mail strangers on request.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "root"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "QA Portal"
# allauth asks for the password again before MFA changes, even seconds after signing in; people
# made to set up MFA on first sign-in would type it twice. Sessions are short and MFA is enforced.
MFA_REAUTHENTICATION_REQUIRED = False

# The longest a session lasts, from signing in, whatever the person does (8 hours: a working day).
SESSION_COOKIE_AGE = env_int("QAPORTAL_SESSION_SECONDS", 60 * 60 * 8)
# Signed out after this long without opening a page or sending a form (an autosaved draft counts),
# warned this long before (GOV.UK's timeout warning): docs/sessions.md.
QAPORTAL_SESSION_IDLE_SECONDS = env_int("QAPORTAL_SESSION_IDLE_SECONDS", 30 * 60)
QAPORTAL_SESSION_WARNING_SECONDS = env_int("QAPORTAL_SESSION_WARNING_SECONDS", 2 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "qaportal",
    }
}
if env_str("REDIS_URL", ""):
    CACHES["default"] = {
        # Django's, with Redis down a cache miss rather than an error page (docs/resilience.md).
        "BACKEND": "qaportal.cache.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

LANGUAGE_CODE = "en-gb"
# Our own wording for the pages of the libraries we use (allauth's are Title Case; ours are sentence case).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Generated files (review PDFs, reports) in S3-compatible object storage when a bucket is named; the
# files stay private and are served only through views that check who may have them.
if env_str("QAPORTAL_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("QAPORTAL_S3_BUCKET"),
            "endpoint_url": env_str("QAPORTAL_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("QAPORTAL_S3_REGION", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "QA Portal <no-reply@qaportal.invalid>")

# Celery: a static beat schedule here and exactly one beat process in deployment.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", env_str("REDIS_URL", "") or "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", env_str("REDIS_URL", "") or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies part way (killed, out of memory) goes back on the queue and runs
# again, instead of being acknowledged as failed; every task is idempotent (docs/resilience.md).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest report run, so Redis never re-delivers a task still being worked on.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 60 * 60 * 2}
CELERY_TIMEZONE = TIME_ZONE
# The one static beat schedule. Tasks decide for themselves whether today is a day to act (the
# monthly run waits for the first working day), so a missed morning is caught up the next day.
CELERY_BEAT_SCHEDULE: dict = {
    "programme-monthly-run": {"task": "audits.programme_monthly", "schedule": crontab(hour=6, minute=0)},
    "review-reminders": {"task": "audits.send_reminders", "schedule": crontab(hour=7, minute=0)},
    "moderation-daily": {"task": "moderation.daily", "schedule": crontab(hour=6, minute=30)},
    # The monthly compliance report for the month before, from the first working day (once a month).
    "reporting-daily": {"task": "reporting.daily", "schedule": crontab(hour=6, minute=45)},
    "fail-stale-documents": {"task": "qaportal.fail_stale_documents", "schedule": crontab(minute="*/5")},
    # Tasks left in the outbox while the broker was down, for a deployment without `outbox_relay`.
    "relay-outbox": {"task": "qaportal.relay_outbox", "schedule": crontab(minute="*")},
    # Each council's access log kept to its own retention period (Council.access_log_retention_days).
    "access-log-purge": {"task": "qaportal.access_log_purge", "schedule": crontab(hour=2, minute=30)},
    # Sessions past their end (docs/sessions.md): Django's `clearsessions`, nightly.
    "clear-sessions": {"task": "qaportal.clear_sessions", "schedule": crontab(hour=2, minute=45)},
    "group-manager-digest": {
        "task": "audits.send_weekly_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}


# django-csp 4 puts a fresh nonce in place of NONCE on each response; the string "'nonce'" would be
# sent literally and every inline script (GOV.UK Frontend's support check) would be blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

QAPORTAL_SERVICE_NAME = "QA Portal"
# Where people reach the service; used in links in emails sent by Celery tasks.
QAPORTAL_BASE_URL = env_str("QAPORTAL_BASE_URL", "http://localhost:8000")
# How many reverse proxies of ours stand in front of the app. Each appends the address it saw to
# X-Forwarded-For, so the visitor's address is the Nth entry from the right; anything further left
# was written by the client and is never trusted. 0: use the connection's address. One setting for
# allauth's sign-in limits and ours (qaportal.net.client_ip).
QAPORTAL_TRUSTED_PROXY_COUNT = env_int("QAPORTAL_TRUSTED_PROXY_COUNT", 0)
# How many months of past work `load_demo` writes before this one (completed reviews, moderation
# rounds), so dashboards and agreement trends have history on first run.
QAPORTAL_DEMO_HISTORY_MONTHS = env_int("QAPORTAL_DEMO_HISTORY_MONTHS", 12)
ALLAUTH_TRUSTED_PROXY_COUNT = QAPORTAL_TRUSTED_PROXY_COUNT
