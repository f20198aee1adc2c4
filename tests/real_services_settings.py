"""Settings for a worker process started by a resilience test: the test settings, with e-mail written
to files the test reads (and, when asked, stalled part way so the test can kill the process)."""

from qaportal.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.real_services.StallingEmailBackend"
