"""Tests: PostgreSQL and Redis from the test command's throwaway servers when they are given."""

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Rate limits are counted per test in a local cache; Redis stays free for Celery.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
CELERY_BROKER_URL = env_str("REDIS_URL", "") or "memory://"
CELERY_RESULT_BACKEND = env_str("REDIS_URL", "") or "cache+memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# A code typed in one 30-second window and checked in the next is accepted, so a journey that signs
# in at the turn of a window does not fail by chance (production keeps allauth's exact default).
MFA_TOTP_TOLERANCE = 1
# Tests that load the demo get this month's work only; the demo's year of history is tested where
# it is used (tests/qaportal/test_demo_data.py), so the suite does not pay for it on every load.
QAPORTAL_DEMO_HISTORY_MONTHS = 0
