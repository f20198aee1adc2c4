"""The embedded local default: SQLite, files on disk, a Celery worker on a filesystem broker."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_str

# Off by default even here: the first command a new user runs must not show tracebacks with POST
# data, or list every URL, to anyone who can reach the port. Developers: `make run DEBUG=1`.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Serve static files straight from static/ (no collectstatic step) whether or not DEBUG is on.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
QAPORTAL_ERROR_HINT = "If you are running QA Portal yourself, the details are in the terminal running make run."
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "sent-email"

# No Redis needed locally: kombu's filesystem transport carries tasks to a real worker.
_broker_dir = VAR_DIR / "celery"
for _folder in ("queue", "processed", "results", "control"):
    (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(_broker_dir / "queue"),
    "data_folder_out": str(_broker_dir / "queue"),
    "processed_folder": str(_broker_dir / "processed"),
    "store_processed": False,
    # Broadcast (remote control) messages; kombu would otherwise write them to ./control.
    "control_folder": str(_broker_dir / "control"),
}
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", f"file://{_broker_dir / 'results'}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
