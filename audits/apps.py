from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from . import home  # noqa: F401  (registers the home page panels)
