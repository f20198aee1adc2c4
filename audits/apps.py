from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Home panels and the review PDF register themselves; the task modules are imported so that
        # Celery knows their tasks (there is no audits.tasks module for autodiscovery to find).
        from . import navigation, notifications  # noqa: F401
        from .programme import home as programme_home  # noqa: F401
        from .programme import notifications as programme_notifications  # noqa: F401
        from .programme import tasks  # noqa: F401
        from .reviews import home, pdf  # noqa: F401
